"""The check pipeline: collect pages, compute each (or take it from the cache), run the cross-page checks."""
