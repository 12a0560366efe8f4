"""Internal links: resolving them against the collected pages, and rewriting slug links for the renderer."""
