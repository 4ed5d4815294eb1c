"""The stages before rendering: load (YAML and briefs, with positions), validate (typed models), resolve
(names, inverse relationships, citations), and the history of the data files read from git."""
