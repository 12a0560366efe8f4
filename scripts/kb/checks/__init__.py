"""Checks: functions that take the page model and return findings. They never print."""
