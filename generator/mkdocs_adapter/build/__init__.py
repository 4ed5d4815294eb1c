"""What `mkdocs build` adds to MkDocs: the Markdown of a large build converted on two cores."""
