"""Tooling for the GenAI knowledge base: one sub-package per concern, shared by the `kb` command and the MkDocs plugin."""

__version__ = "0.1.0"
