"""The import report: pages written or skipped, what was translated, and what a person must look at."""

from __future__ import annotations

import json
from collections import Counter

from kb.importer.plan import EXISTS, NEW, OVERWRITE, UNCHANGED, Plan
from kb.report.findings import Finding, Severity, sort_findings
from kb.report.formatters import format_human

_VERBS = {NEW: ("would write", "wrote"), OVERWRITE: ("would overwrite", "overwrote"),
          UNCHANGED: ("unchanged, skipped", "unchanged, skipped"), EXISTS: ("exists, skipped", "exists, skipped")}


def attention(findings: list[Finding]) -> list[Finding]:
    """What a person must look at: everything but the notes of what was translated."""
    return [f for f in findings if f.severity is not Severity.INFO]


def format_report(plan: Plan, findings: list[Finding], dry_run: bool, verbose: bool = True) -> str:
    lines = [f"kb import {'(dry run) ' if dry_run else ''}into {plan.into}:"]
    for write in plan.writes:
        verb = _VERBS[write.action][0 if dry_run else 1]
        origin = f" (from {write.origin})" if write.origin else ""
        lines.append(f"  {verb}: {write.rel}{origin}")
    everything = sort_findings(findings + plan.findings)
    translated = [f for f in everything if f.severity is Severity.INFO]
    if translated and verbose:
        lines.append("")
        lines.append(f"Translated ({len(translated)}):")
        lines += [f"  {f.path}:{f.line}: {f.message}" for f in translated]
    to_look_at = attention(everything)
    if to_look_at:
        lines.append("")
        lines.append(f"To look at ({len(to_look_at)}):")
        lines.append(format_human(to_look_at, len(plan.writes)).rstrip("\n"))
    counts = Counter(w.action for w in plan.writes)
    lines.append("")
    lines.append(f"{_count(counts[NEW] + counts[OVERWRITE], 'file')} {'to write' if dry_run else 'written'}, "
                 f"{counts[UNCHANGED]} unchanged, {counts[EXISTS]} skipped because they exist; "
                 f"{_count(len(translated), 'translation')}, {_count(len(to_look_at), 'finding')} to look at.")
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def report_json(plan: Plan, findings: list[Finding], dry_run: bool) -> str:
    data = {
        "into": str(plan.into), "dry_run": dry_run,
        "files": [{"path": w.rel, "from": w.origin, "action": w.action} for w in plan.writes],
        "findings": [f.to_dict() for f in sort_findings(findings + plan.findings)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
