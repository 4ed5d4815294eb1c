"""Khorasan Brief: cited YAML profiles -> Markdown pages -> an MkDocs site."""

__version__ = "0.1.0"
