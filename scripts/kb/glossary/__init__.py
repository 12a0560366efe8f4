"""The glossary: its model, the term matcher, its checks, and what it adds to the site (page, tooltips, export)."""
