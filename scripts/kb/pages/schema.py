"""The JSON Schemas shipped with the package, loaded once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema_rs import Draft202012Validator as FastValidator


SCHEMAS = Path(__file__).parent.parent / "schemas"


@cache
def load_schema(name: str) -> dict[str, Any]:
    # Beside this module, as package data; not through importlib.resources, whose import (zipfile
    # and more) every worker process would pay.
    text = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    # Imported on first use: a warm run validates nothing and should not pay for the import.
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(load_schema(name), format_checker=FormatChecker())


@cache
def fast_validator(name: str) -> FastValidator:
    """A compiled validator that only answers "valid or not". Nearly every document is valid, and
    this answers in microseconds; the detailed errors come from `validator`, run only on failure."""
    from jsonschema_rs import Draft202012Validator as FastValidator

    return FastValidator(load_schema(name), validate_formats=True)
