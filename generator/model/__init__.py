"""The data model: the typed entities of the data contract, their vocabularies, what a name may be,
how citations name their sources, how figures agree, and the problems reported about input."""
