"""The MkDocs side of kb: everything that imports MkDocs lives in this package."""
