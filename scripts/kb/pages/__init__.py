"""Pages: reading files, front-matter and its schema, tags, URLs, navigation and new-page scaffolding."""
