"""The options of this package's plugins: none (mkdocs.yml names `khorasan-brief` and nothing more)."""

from mkdocs.config import base


class NoOptions(base.Config):
    pass
