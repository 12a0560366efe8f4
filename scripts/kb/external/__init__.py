"""External link checking: an SSRF-safe, polite HTTP checker and a cache of its results."""

from .checker import Result, Settings, check_urls, run_checks
from .guard import host_address, refusal, refused_name
from .store import ResultStore

__all__ = ["Result", "ResultStore", "Settings", "check_urls", "host_address", "refusal", "refused_name", "run_checks"]
