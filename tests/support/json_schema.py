"""A validator for the part of JSON Schema docs/json-schema.json uses.

Keywords: ``type`` (a name or a list), ``const``, ``enum``, ``properties``,
``required``, ``additionalProperties`` (a boolean or a schema), ``items``,
``oneOf``, ``$ref`` (``#/$defs/...``), ``pattern``, ``minimum``; annotations
(``description``, ``title``, ``$schema``) are ignored. Any other keyword is
an error, so the schema cannot silently grow past what this checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "docs" / "json-schema.json"

_ANNOTATIONS = {"description", "title", "$schema", "$defs"}
_KNOWN = {
    "type",
    "const",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "oneOf",
    "$ref",
    "pattern",
    "minimum",
} | _ANNOTATIONS


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise ValueError(f"unknown type {name!r}")


class Validator:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.root = schema

    def _resolve(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#/"):
            raise ValueError(f"only local references: {ref}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return dict(node)

    def errors(
        self, value: Any, schema: dict[str, Any] | None = None, path: str = "$"
    ) -> list[str]:
        """Every way ``value`` fails ``schema`` (the root schema by default)."""
        schema = self.root if schema is None else schema
        unknown = set(schema) - _KNOWN
        if unknown:
            raise ValueError(f"unsupported keywords at {path}: {sorted(unknown)}")
        found: list[str] = []
        if "$ref" in schema:
            found += self.errors(value, self._resolve(schema["$ref"]), path)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_is_type(value, name) for name in names):
                return [*found, f"{path}: {value!r} is not of type {names}"]
        if "const" in schema and not (
            value == schema["const"] and type(value) is type(schema["const"])
        ):
            found.append(f"{path}: {value!r} is not {schema['const']!r}")
        if "enum" in schema and value not in schema["enum"]:
            found.append(f"{path}: {value!r} is not one of {schema['enum']}")
        if (
            "pattern" in schema
            and isinstance(value, str)
            and not re.search(schema["pattern"], value)
        ):
            found.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if "minimum" in schema and _is_type(value, "number") and value < schema["minimum"]:
            found.append(f"{path}: {value!r} is less than {schema['minimum']}")
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            for key in schema.get("required", []):
                if key not in value:
                    found.append(f"{path}: missing {key!r}")
            extra = schema.get("additionalProperties", True)
            for key, item in value.items():
                if key in properties:
                    found += self.errors(item, properties[key], f"{path}.{key}")
                elif extra is False:
                    found.append(f"{path}: unexpected {key!r}")
                elif isinstance(extra, dict):
                    found += self.errors(item, extra, f"{path}.{key}")
        if isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                found += self.errors(item, schema["items"], f"{path}[{index}]")
        if "oneOf" in schema:
            results = [self.errors(value, option, path) for option in schema["oneOf"]]
            matching = [r for r in results if not r]
            if len(matching) != 1:
                if not matching:
                    best = min(results, key=len)
                    found.append(f"{path}: matches none of oneOf; closest: {best}")
                else:
                    found.append(f"{path}: matches {len(matching)} of oneOf")
        return found


def load_validator() -> Validator:
    return Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def assert_valid(value: Any, validator: Validator | None = None) -> None:
    """Fail with every problem when ``value`` does not match docs/json-schema.json."""
    problems = (validator or load_validator()).errors(value)
    assert not problems, "\n".join(problems)
