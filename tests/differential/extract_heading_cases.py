"""Extract the Markdown inputs of upstream heading/id tests into tests/fixtures/differential/heading-cases/.

Not a test: run it by hand to refresh the data, with the bare git directories of the two projects
(for instance from `git clone --bare`):

    .venv/bin/python -m tests.differential.extract_heading_cases PYTHON_MARKDOWN_GIT PYMDOWNX_GIT

It reads the test modules at HEAD with `git show`, finds every `assertMarkdownRenders(source, ...)`
(Python-Markdown) and `check_markdown(source, ..., dedent)` (pymdown-extensions) whose source is a
literal, applies the same dedent the test would, and writes one JSON file per test module: a list of
`{"id": "Class.test_name[-n]", "markdown": ...}`, leaving out repeated inputs. Python-Markdown's
file-based inputs (tests/extensions/*.txt about toc, attr_list and footnotes) go to file_based.json.
Emoji heading cases are made from the shortcodes at the top of pymdown-extensions'
tests/extensions/emoji/twemoji (svg).txt, each put in a heading.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "differential" / "heading-cases"

PYTHON_MARKDOWN = (
    "tests/test_syntax/extensions/test_toc.py",
    "tests/test_syntax/extensions/test_attr_list.py",
    "tests/test_syntax/extensions/test_footnotes.py",
    "tests/test_syntax/extensions/test_md_in_html.py",
)
# Whole-document inputs of Python-Markdown's older, file-based tests.
PYTHON_MARKDOWN_FILES = (
    "tests/extensions/attr_list.txt",
    "tests/extensions/extra/footnote.txt",
    "tests/extensions/extra/footnote_many_footnotes.txt",
    "tests/extensions/extra/footnote_placeholder.txt",
    "tests/extensions/extra/footnote_placeholder_depth.txt",
    "tests/extensions/extra/named_markers.txt",
    "tests/extensions/toc.txt",
    "tests/extensions/toc_invalid.txt",
    "tests/extensions/toc_nested.txt",
    "tests/extensions/toc_nested2.txt",
    "tests/extensions/toc_nested_list.txt",
    "tests/extensions/toc_out_of_order.txt",
)
PYMDOWNX = (
    "tests/test_extensions/test_slugs.py",
    "tests/test_extensions/test_legacy_slugs.py",
    "tests/test_extensions/test_tabbed.py",
    "tests/test_extensions/test_tabbed_alternate.py",
    "tests/test_extensions/test_details.py",
    "tests/test_extensions/test_emoji.py",
)
EMOJI_SOURCE = "tests/extensions/emoji/twemoji (svg).txt"


def git_show(git_dir: str, path: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], check=True, capture_output=True, text=True
    ).stdout


def git_head(git_dir: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def _literal(node: ast.expr) -> tuple[str, bool] | None:
    """The string a source argument holds, and whether it was wrapped in `dedent(...)`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        inner = node.args[0]
        if name == "dedent" and isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            return inner.value, True
    return None


def extract(source: str, *, pymdownx: bool) -> list[dict[str, str]]:
    cases: list[dict[str, str]] = []
    seen: set[str] = set()
    for cls in ast.parse(source).body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for func in cls.body:
            if not isinstance(func, ast.FunctionDef):
                continue
            calls = [
                n for n in ast.walk(func)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr in ("assertMarkdownRenders", "check_markdown") and n.args
            ]
            for number, call in enumerate(calls, 1):
                found = _literal(call.args[0])
                if found is None:
                    continue
                text, wrapped = found
                if pymdownx:
                    flag = call.args[2] if len(call.args) > 2 else None
                    if isinstance(flag, ast.Constant) and flag.value is True:
                        text = textwrap.dedent(text)
                elif wrapped:
                    text = textwrap.dedent(text).strip()
                if text in seen or not text.strip():
                    continue
                seen.add(text)
                suffix = f"-{number}" if len(calls) > 1 else ""
                cases.append({"id": f"{cls.name}.{func.name}{suffix}", "markdown": text})
    return cases


def emoji_cases(text: str, count: int = 40) -> list[dict[str, str]]:
    codes = re.findall(r":[a-z0-9_+\-]+:", text)[:count]
    return [
        {"id": "twemoji-svg.headings-1", "markdown": "\n\n".join(f"## Heading {c} here" for c in codes[:20]) + "\n"},
        {"id": "twemoji-svg.headings-2", "markdown": "\n\n".join(f"### {c} {c}" for c in codes[20:]) + "\n"},
        {"id": "twemoji-svg.setext", "markdown": f"Setext {codes[0]}\n------\n\n# {codes[1]}\n"},
    ]


def main(argv: list[str]) -> None:
    markdown_git, pymdownx_git = argv
    sources = ((markdown_git, PYTHON_MARKDOWN, "python-markdown"), (pymdownx_git, PYMDOWNX, "pymdown-extensions"))
    for git_dir, paths, folder in sources:
        (OUT / folder).mkdir(parents=True, exist_ok=True)
        for path in paths:
            cases = extract(git_show(git_dir, path), pymdownx=folder == "pymdown-extensions")
            if path.endswith("test_emoji.py"):
                cases += emoji_cases(git_show(git_dir, EMOJI_SOURCE))
            target = OUT / folder / (Path(path).stem + ".json")
            target.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"{target.relative_to(OUT)}: {len(cases)} cases")
        if folder == "python-markdown":
            files = [{"id": path.removeprefix("tests/extensions/"), "markdown": git_show(git_dir, path)}
                     for path in PYTHON_MARKDOWN_FILES]
            (OUT / folder / "file_based.json").write_text(json.dumps(files, indent=1, ensure_ascii=False) + "\n",
                                                          encoding="utf-8")
            print(f"{folder}/file_based.json: {len(files)} cases")
        print(f"{folder} HEAD: {git_head(git_dir)}")


if __name__ == "__main__":
    main(sys.argv[1:])
