"""Steps over built pages that any renderer's output can go through, such as the Content-Security-Policy."""
