"""Tooling for the GenAI knowledge base: one sub-package per concern, shared by the `kb` command and the plugin."""

__version__ = "0.2.0"
