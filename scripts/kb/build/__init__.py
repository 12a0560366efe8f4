"""Building the site with a choice of renderer: MkDocs, ProperDocs or Zensical, with the same front-matter semantics."""
