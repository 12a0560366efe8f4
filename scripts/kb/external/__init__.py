"""External link checking: an SSRF-safe, polite HTTP checker and a cache of its results."""

from kb.external.checker import Result, Settings, check_urls, run_checks
from kb.external.guard import host_address, refusal, refused_name
from kb.external.store import ResultStore

__all__ = ["Result", "ResultStore", "Settings", "check_urls", "host_address", "refusal", "refused_name", "run_checks"]
