"""The site configuration as the renderer sees it; `kb.config.mkdocs` is the only module that asks MkDocs."""
