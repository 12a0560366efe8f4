"""Reporting: findings, the rule catalogue, did-you-mean suggestions and the output formats."""
