"""The plugin's options, generated from the core `Options` so the two can never disagree."""

from __future__ import annotations

import dataclasses

from mkdocs.config import config_options as c

from ..project import Options

CONFIG_SCHEME = tuple(
    (f.name, c.Type(type(f.default), default=f.default)) for f in dataclasses.fields(Options)
)
