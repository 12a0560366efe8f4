"""YAML for hostile input: composed by libyaml (which caps nesting), then refused when it uses aliases,
nests too deep, holds too many nodes or has keys that are not plain values, before anything walks it."""

from __future__ import annotations

from typing import Any

import yaml

Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Far beyond any front-matter, glossary entry or tags file a person writes.
MAX_DEPTH = 20
MAX_NODES = 20_000


class Refusal(Exception):
    """A YAML document kb will not read, with the place it stopped."""

    def __init__(self, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.line = node.start_mark.line  # 0-based, as YAML marks are
        self.column = node.start_mark.column + 1


def check_node(root: yaml.Node) -> None:
    """Raise Refusal for an alias (a node reached twice), deep nesting, too many nodes, or a key
    that is a list or a mapping. Walks without recursion, so no document can exhaust the stack."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise Refusal("uses an alias (`*name`), which kb does not accept; write the value out", node)
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise Refusal(f"has more than {MAX_NODES:,} values", node)
        if depth > MAX_DEPTH:
            raise Refusal(f"nests deeper than {MAX_DEPTH} levels", node)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise Refusal("has a key that is a list or a mapping; keys must be plain names", key)
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def compose(text: str, loader_class: Any = Loader) -> tuple[Any, yaml.Node | None]:
    """The loader (for constructing afterwards) and the checked root node, or None for an empty document.
    Raises yaml.YAMLError for malformed YAML and Refusal for what kb will not read."""
    if "\x00" in text:
        raise yaml.YAMLError("the text contains a NUL character")
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except RecursionError as exc:  # the pure-Python composer on deep nesting
        raise yaml.YAMLError(f"it nests deeper than {MAX_DEPTH} levels") from exc
    if node is not None:
        check_node(node)
    return loader, node
