"""Validate plain data against the models, turning pydantic errors into Diagnostics.

Each error is placed at the field's location in its `Document` and explained for a
person: what was expected and what was found, with a hint such as `quote it: "0571..."`
for a number where text is expected, `did you mean 'access_path'?` for an unknown field,
or the field's description. Errors at or below a path whose problem was already reported
while reading (a poisoned path) are dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from cccform.config.document import Document
from cccform.config.models import (
    ACCESS_PATH_PATTERN,
    ADDRESS_KEY_PATTERN,
    ADMIN_ID_PATTERN,
    PHONE_NUMBER_PATTERN,
)
from cccform.config.values import describe
from cccform.diagnostics import Diagnostic, FieldPath

Model = TypeVar("Model", bound=BaseModel)

_EXPECTED = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "float_type": "a number",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}
_RULES = {
    ACCESS_PATH_PATTERN: ("access path", "an access path is 4-48 characters of A-Z a-z 0-9 _ -"),
    PHONE_NUMBER_PATTERN: (
        "phone number",
        "a phone number is 3-20 digits, with an optional leading +, and no spaces or dashes",
    ),
    ADMIN_ID_PATTERN: ("administrator id", "a RAM user id is 1-32 digits, quoted"),
    ADDRESS_KEY_PATTERN: (
        "instance key",
        "an instance key is a letter or _, then up to 63 of A-Z a-z 0-9 _ -",
    ),
}
_BOUNDS = {
    "string_too_short": "too short: {n} characters, at least {min_length} required",
    "string_too_long": "too long: {n} characters, at most {max_length} allowed",
    "greater_than_equal": "must be at least {ge}, got {input}",
    "less_than_equal": "must be at most {le}, got {input}",
    "greater_than": "must be greater than {gt}, got {input}",
    "less_than": "must be less than {lt}, got {input}",
}
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_ADDRESS_KEY = re.compile(ADDRESS_KEY_PATTERN)


def validate(
    model: type[Model], data: Any, prefix: FieldPath, document: Document
) -> tuple[Model | None, list[Diagnostic]]:
    """`data` (found at `prefix` in `document`) as a `model`, or None and why not."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        found = (_diagnostic(error, prefix, model, document) for error in exc.errors())
        return None, [diagnostic for diagnostic in found if diagnostic is not None]


def check_instance_key(key: str, document: Document) -> Diagnostic | None:
    """A problem with the key of `instances.<key>`, if it breaks the address rule."""
    if _ADDRESS_KEY.match(key):
        return None
    path = ("instances", key)
    rule = _RULES[ADDRESS_KEY_PATTERN][1]
    return Diagnostic(f"invalid instance key {key!r}", document.entry_location(path), path, rule)


def _diagnostic(
    error: ErrorDetails, prefix: FieldPath, model: type[BaseModel], document: Document
) -> Diagnostic | None:
    loc = tuple(error["loc"])
    path = (*prefix, *loc)
    if document.is_poisoned(path):
        return None
    location = document.location_of(path)
    if error["type"] == "extra_forbidden":
        message = f"unknown field '{loc[-1]}'"
        key_location = document.key_location(path) or location
        return Diagnostic(message, key_location, path, _unknown_field_hint(model, loc))
    field = _field_info(model, loc)
    description = field.description if field is not None else None
    if error["type"] == "missing":
        add = f"add '{loc[-1]}:'" + (f"; {description}" if description else "")
        return Diagnostic(f"missing required field '{loc[-1]}'", location, path, add)
    message, hint = _explain(error, document.raw.get(path), description)
    return Diagnostic(message, location, path, hint)


# --- which field -------------------------------------------------------------------


def _field_info(model: type[BaseModel], loc: Iterable[str | int]) -> FieldInfo | None:
    """The model field `loc` names (list indexes skipped), if it is one."""
    current: type[BaseModel] | None = model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None:
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _as_model(info.annotation)
    return info


def _as_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unknown_field_hint(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    name = str(loc[-1])
    if name == "<<":
        return "merge keys (<<) are not supported; write the fields out"
    parent = _field_info(model, loc[:-1]) if len(loc) > 1 else None
    owner = _as_model(parent.annotation) if parent is not None else model
    if owner is None:
        return "remove it"
    fields = list(owner.model_fields)
    close = difflib.get_close_matches(name, fields, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed fields: " + ", ".join(fields)


# --- what is wrong and what to do --------------------------------------------------


def _explain(
    error: ErrorDetails, raw: str | None, description: str | None
) -> tuple[str, str | None]:
    kind, value = error["type"], error["input"]
    ctx = error.get("ctx", {})
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {describe(value)}"
        return message, _type_hint(kind, value, raw, description)
    if kind == "literal_error":
        return f"expected {ctx['expected']}, got {describe(value)}", description
    if kind == "string_pattern_mismatch":
        what, rule = _RULES.get(ctx["pattern"], ("value", f"must match {ctx['pattern']}"))
        return f"invalid {what} {value!r}", rule
    if kind in _BOUNDS:
        numbers = {name: _number(bound) for name, bound in ctx.items()}
        size = len(value) if isinstance(value, str) else 0
        return _BOUNDS[kind].format(n=size, input=_number(value), **numbers), description
    return str(error["msg"]), description


def _type_hint(kind: str, value: Any, raw: str | None, description: str | None) -> str | None:
    if kind == "string_type" and raw is not None:
        return f'quote it: "{raw}"'
    is_scalar = isinstance(value, (str, int, float)) and not isinstance(value, bool)
    if kind in ("tuple_type", "list_type") and is_scalar:
        return f'write a list: ["{raw if raw is not None else value}"]'
    if kind == "bool_type" and isinstance(value, str):
        if value.lower() in _YAML11_BOOLEANS:
            return "write true or false; YAML 1.2 reads yes, no, on and off as text"
        if value.lower() in ("true", "false"):
            return "remove the quotes"
    return description


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
