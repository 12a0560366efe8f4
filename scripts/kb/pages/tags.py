"""docs/tags.yml: the allowed tags, Docusaurus-style (key: {label, description})."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from kb.config.project import Project
from kb.pages.source import read_source
from kb.pages.yamlsafe import Refusal, compose
from kb.report.findings import Finding
from kb.report.rules import rule


@dataclass(frozen=True)
class Tag:
    key: str
    label: str
    description: str


def load_tags(project: Project) -> tuple[dict[str, Tag] | None, list[Finding]]:
    """The defined tags, or None when there is no tags file (then any tag is allowed)."""
    path = project.tags_path
    if not path.is_file():
        return None, []
    rel = project.rel(path)
    source = read_source(path, rel, project.options.max_page_size, project.root)
    if source.text is None:
        return {}, source.findings
    findings = list(source.findings)
    try:
        loader, node = compose(source.text)
    except Refusal as exc:
        return {}, [*findings, rule("KB211").finding(
            rel, exc.line + 1, exc.column, f"{rel} {exc}.",
            "Each tag is `key:` followed by indented `label:` and `description:` lines, without aliases.",
        )]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc).splitlines()[0]
        return {}, [*findings, rule("KB211").finding(
            rel, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
            f"{rel} is not valid YAML: {problem}.",
            "Each tag is `key:` followed by indented `label:` and `description:` lines.",
        )]
    if node is None:
        return {}, findings
    if not isinstance(node, yaml.MappingNode):
        return {}, [*findings, rule("KB211").finding(
            rel, node.start_mark.line + 1, 1, f"{rel} must be a mapping from tag keys to their label and description.",
            "Write for example:\nrag:\n  label: RAG\n  description: Retrieval-augmented generation.",
        )]
    tags: dict[str, Tag] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        try:
            value = loader.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:  # an unhashable key deeper down, say
            value = exc
        if not isinstance(value, dict):
            findings.append(rule("KB211").finding(
                rel, line, 1, f"The tag `{key}` in {rel} must be a mapping with `label` and `description`.",
                f"Write:\n{key}:\n  label: ...\n  description: ...",
            ))
            continue
        missing = [f for f in ("label", "description") if not isinstance(value.get(f), str) or not value.get(f)]
        if missing:
            findings.append(rule("KB211").finding(
                rel, line, 1, f"The tag `{key}` in {rel} has no {' or '.join(missing)}.",
                f"Add {', '.join(f'`{m}: ...`' for m in missing)} under `{key}:`.",
            ))
        tags[key] = Tag(key, str(value.get("label") or key), str(value.get("description") or ""))
    return tags, findings
