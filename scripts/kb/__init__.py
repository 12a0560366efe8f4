"""Tooling for the GenAI knowledge base: page model, checks, CLI and MkDocs plugin."""

__version__ = "0.1.0"
