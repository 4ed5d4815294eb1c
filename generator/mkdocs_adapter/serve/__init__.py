"""What `mkdocs serve` adds to MkDocs: quick rebuilds of the pages an edit changed, the exports made in
the background, and live reload without inline script."""
