"""Differential tests: kb check and a plain MkDocs 1.6 build must report the same link problems."""
