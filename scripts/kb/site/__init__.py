"""The MkDocs plugin: a thin build-time adapter over kb's parts (it and `kb.config.mkdocs` import MkDocs)."""
