"""Facts from the renderer: each page as Python-Markdown renders it for the site, and where each fact was written."""
