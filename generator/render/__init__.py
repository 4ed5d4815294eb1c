"""Rendering: the resolved knowledge base through the Jinja templates (templates/) to Markdown pages,
graph.json, redirect pages, citation files and the feed; escaping, page helpers and the URL layout."""
