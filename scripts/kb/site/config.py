"""The plugin's options, generated from the core `Options` so the two can never disagree."""

from __future__ import annotations

from mkdocs.config import config_options as c

from kb.config.project import Options

CONFIG_SCHEME = tuple((name, c.Type(type(default), default=default)) for name, default in Options.defaults().items())
