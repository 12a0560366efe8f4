"""`kb import`: Docusaurus sites, Docusaurus docs folders and raw notes brought into a kb project."""
