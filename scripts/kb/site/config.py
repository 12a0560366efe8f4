"""The plugin's options, generated from the core `Options` so the two can never disagree."""

from __future__ import annotations

from mkdocs.config import config_options as c

from kb.config.project import Options


def _option(default: object) -> c.Type:  # type: ignore[type-arg]
    kind = type(default)
    # A whole number is a fine value for a float option; the core converts it.
    return c.Type((int, float) if kind is float else kind, default=default)


CONFIG_SCHEME = tuple((name, _option(default)) for name, default in Options.defaults().items())
