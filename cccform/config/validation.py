"""Validate plain data against the models, turning pydantic errors into Diagnostics.

Each error is placed at the field's location in its `Document` and explained for a
person: what was expected and what was found, with a hint such as `quote it: "0571..."`
for a number where text is expected, `did you mean 'access_path'?` for an unknown field,
or the field's description. A bad mapping key (`agents.<login name>`) is placed at the
key and named by its rule; a flow with both or neither of `definition_file` and
`definition` at the flow's key. Errors at or below a path whose problem was already
reported while reading (a poisoned path) are dropped.

Error locations (`loc`) are walked through the models' annotations: a model's field, a
mapping's key (`[key]`) or value, a list's item, a union's member (named by its tag, as
`provider.<type>`, and left out of the field path). A missing or unknown tag is reported
at the tag's field (`provider.type`) with the kinds to choose from.
"""

from __future__ import annotations

import functools
import re
import types
from typing import Annotated, Any, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from cccform.config.document import Document
from cccform.config.models import (
    ACCESS_PATH_PATTERN,
    ADDRESS_KEY_PATTERN,
    ADMIN_ID_PATTERN,
    EMAIL_PATTERN,
    ENV_NAME_PATTERN,
    FLOW_NAME_PATTERN,
    LOGIN_NAME_PATTERN,
    MOBILE_PATTERN,
    PG_SCHEMA_PATTERN,
    PHONE_NUMBER_PATTERN,
    SKILL_GROUP_NAME_PATTERN,
    WORKSPACE_PATTERN,
    AgentConfig,
    FlowConfig,
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
    SKILL_GROUP_NAME_PATTERN: (
        "skill group name",
        "a skill group name is a letter, then up to 63 of A-Z a-z 0-9 _ -",
    ),
    LOGIN_NAME_PATTERN: ("login name", "a login name is 4-64 of A-Z a-z 0-9 . _ -"),
    FLOW_NAME_PATTERN: (
        "flow name",
        "a flow name is 1-64 of A-Z a-z 0-9 _ . - and Chinese characters, "
        "not starting with _ . or -",
    ),
    EMAIL_PATTERN: (
        "email address",
        "an email address looks like alice@example.com: A-Z a-z 0-9 . _ % + - before the @, "
        "a domain of A-Z a-z 0-9 - labels ending in a top-level name of letters after it",
    ),
    MOBILE_PATTERN: (
        "mobile number",
        "a mobile number is 5-20 digits, with an optional leading +, and no spaces or dashes",
    ),
    WORKSPACE_PATTERN: (
        "workspace name",
        "a workspace name is a letter or digit, then up to 63 of A-Z a-z 0-9 _ . -",
    ),
    PG_SCHEMA_PATTERN: (
        "schema name",
        "a schema name is a lowercase letter or _, then up to 62 of a-z 0-9 _",
    ),
    ENV_NAME_PATTERN: (
        "environment variable name",
        "an environment variable name is a letter or _, then letters, digits or _ "
        "(for example CCCFORM_PG_DSN)",
    ),
}
_BOUNDS = {
    "string_too_short": "too short: {n} characters, at least {min_length} required",
    "string_too_long": "too long: {n} characters, at most {max_length} allowed",
    "greater_than_equal": "must be at least {ge}, got {input}",
    "less_than_equal": "must be at most {le}, got {input}",
    "greater_than": "must be greater than {gt}, got {input}",
    "less_than": "must be less than {lt}, got {input}",
    "too_long": "too many entries: {n}, at most {max_length} allowed",
}
_SKILL_LEVEL = (
    "skill level must be 1-10 (1 is the strongest), got {input}",
    "write a whole number from 1 (strongest) to 10 (weakest)",
)
_SKILLS = AgentConfig.model_fields["skills"]
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
    if _ADDRESS_KEY.fullmatch(key):
        return None
    path = ("instances", key)
    rule = _RULES[ADDRESS_KEY_PATTERN][1]
    return Diagnostic(f"invalid instance key {key!r}", document.entry_location(path), path, rule)


def _diagnostic(
    error: ErrorDetails, prefix: FieldPath, model: type[BaseModel], document: Document
) -> Diagnostic | None:
    walked = _walk(model, tuple(error["loc"]))
    loc = walked.loc
    if loc and loc[-1] == "[key]":
        return _key_diagnostic(error, (*prefix, *loc[:-1]), document)
    path = (*prefix, *loc)
    if document.is_poisoned(path):
        return None
    location = document.location_of(path)
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown field '{loc[-1]}'"
        key_location = document.key_location(path) or location
        unknown = _unknown_field_hint(model, error["loc"], document)
        return Diagnostic(message, key_location, path, unknown)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _union_tag(error, walked.target, path, document)
    field, target = walked.field, walked.target
    description = field.description if field is not None else None
    if kind == "missing":
        add = f"add '{loc[-1]}:'" + (f"; {description}" if description else "")
        return Diagnostic(f"missing required field '{loc[-1]}'", location, path, add)
    if target is FlowConfig and kind == "value_error":
        return _flow_definition(error["input"], path, location)
    if field is _SKILLS and target is int and kind in _BOUNDS:
        message = _SKILL_LEVEL[0].format(input=_number(error["input"]))
        return Diagnostic(message, location, path, _SKILL_LEVEL[1])
    message, hint = _explain(error, document.raw.get(path), description)
    return Diagnostic(message, location, path, hint)


def _key_diagnostic(error: ErrorDetails, path: FieldPath, document: Document) -> Diagnostic | None:
    """A mapping key that breaks its rule, at the key (`agents."bad name"`)."""
    if document.is_poisoned(path):
        return None
    message, hint = _explain(error, None, None)
    return Diagnostic(message, document.entry_location(path), path, hint)


def _flow_definition(data: Any, path: FieldPath, location: Any) -> Diagnostic:
    """A flow with both or neither of `definition_file` and `definition`."""
    both = isinstance(data, dict) and "definition_file" in data and "definition" in data
    if both:
        message = f"flow '{path[-1]}' has both definition_file and definition"
        hint = "keep exactly one: definition_file (a JSON file) or definition (inline)"
    else:
        message = f"flow '{path[-1]}' has no definition"
        hint = (
            "add definition_file: <a JSON file, relative to this YAML file>, "
            "or an inline definition: {...}"
        )
    return Diagnostic(message, location, path, hint)


# --- which field -------------------------------------------------------------------


class _Walked(NamedTuple):
    loc: tuple[str | int, ...]  # the error's loc without the names of union members
    field: FieldInfo | None  # the last model field passed through
    target: Any  # the type the loc ends at; None when unknown


def _walk(model: type[BaseModel], loc: tuple[str | int, ...]) -> _Walked:
    """Follow `loc` through the annotations: fields, mapping keys and values, list items.

    At a union (`provider`: local or aliyun), pydantic's loc names the member (its tag,
    `local`); that part picks the member and is left out of the field path.
    """
    field: FieldInfo | None = None
    target: Any = model
    path: list[str | int] = []
    for index, part in enumerate(loc):
        target = _unwrap(target)
        members = _union_members(target)
        if members:
            target = _member(members, part)
        else:
            path.append(part)
            target, field = _step(target, part, field)
        if target is None:
            return _Walked((*path, *loc[index + 1 :]), field, None)
    return _Walked(tuple(path), field, _unwrap(target))


def _field_named(model: type[BaseModel], name: str) -> FieldInfo | None:
    """The field written `name` in YAML: its own name, or its alias (`state.schema`)."""
    found = model.model_fields.get(name)
    if found is not None:
        return found
    return next((f for f in model.model_fields.values() if f.alias == name), None)


def _step(target: Any, part: str | int, field: FieldInfo | None) -> tuple[Any, FieldInfo | None]:
    """The type at `part` inside `target` (None: unknown) and the last field passed."""
    if isinstance(target, type) and issubclass(target, BaseModel):
        found = _field_named(target, str(part))
        return (None, None) if found is None else (found.annotation, found)
    origin, args = get_origin(target), get_args(target)
    if origin is dict and len(args) == 2:
        return (args[0] if part == "[key]" else args[1]), field
    if origin in (tuple, list) and args:
        return args[0], field
    return None, field


def _unwrap(annotation: Any) -> Any:
    """`Annotated[X, ...]` and `X | None` as X."""
    try:
        return _unwrapped(annotation)  # once per annotation, not once per error
    except TypeError:  # metadata that cannot be hashed
        return _unwrap_uncached(annotation)


def _union_members(annotation: Any) -> tuple[Any, ...]:
    try:
        return _members_of(annotation)
    except TypeError:
        return _union_members_uncached(annotation)


def _unwrap_uncached(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is Union or origin is types.UnionType:
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _union_members_uncached(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) is Union or get_origin(annotation) is types.UnionType:
        return tuple(_unwrap(arg) for arg in get_args(annotation) if arg is not type(None))
    return ()


_unwrapped = functools.cache(_unwrap_uncached)
_members_of = functools.cache(_union_members_uncached)


def _member(members: tuple[Any, ...], name: str | int) -> Any:
    """The member a loc part names: by its tag (a Literal field's value) or class name."""
    for member in members:
        if getattr(member, "__name__", None) == name:
            return member
        if isinstance(member, type) and issubclass(member, BaseModel):
            for info in member.model_fields.values():
                if get_origin(info.annotation) is Literal and name in get_args(info.annotation):
                    return member
    return None


def _union_tag(error: ErrorDetails, union: Any, path: FieldPath, document: Document) -> Diagnostic:
    """The field choosing a union's member (`provider.type`) is missing or has no member."""
    key = str(error.get("ctx", {}).get("discriminator", "type")).strip("'")
    if not key.isidentifier():  # chosen by a function (a block without it is local)
        key = _tag_field(union)
    kinds: list[str] = []
    tags: list[str] = []
    for member in _union_members(union):
        field = getattr(member, "model_fields", {}).get(key)
        for tag in get_args(field.annotation) if field is not None else ():
            tags.append(repr(tag))
            doc = (member.__dict__.get("__doc__") or "").strip().splitlines()
            summary = doc[0].rstrip(".") if doc else ""
            kinds.append(f"{tag!r}: {summary[:1].lower()}{summary[1:]}" if summary else repr(tag))
    expected = " or ".join(", ".join(tags).rsplit(", ", 1)) if tags else "a known kind"
    hint = "; ".join(kinds) or None
    tag_path = (*path, key)
    data = error["input"]
    if error["type"] == "union_tag_not_found" or not isinstance(data, dict):
        add = f"add '{key}:'" + (f"; {hint}" if hint else f", {expected}")
        return Diagnostic(f"missing required field '{key}'", document.location_of(path), path, add)
    message = f"expected {expected}, got {describe(data.get(key))}"
    return Diagnostic(message, document.location_of(tag_path), tag_path, hint)


def _tag_field(union: Any) -> str:
    """The field every member of `union` fixes to a literal (`type`, `backend`)."""
    members = [m for m in _union_members(union) if isinstance(m, type) and issubclass(m, BaseModel)]
    for name in getattr(members[0], "model_fields", {}) if members else ():
        if all(
            get_origin(getattr(m.model_fields.get(name), "annotation", None)) is Literal
            for m in members
        ):
            return str(name)
    return "type"


def _unknown_field_hint(
    model: type[BaseModel], loc: tuple[str | int, ...], document: Document
) -> str:
    name = str(loc[-1])
    if name == "<<":
        return "merge keys (<<) are not supported; write the fields out"
    owner = _walk(model, loc[:-1]).target
    if not (isinstance(owner, type) and issubclass(owner, BaseModel)):
        return "remove it"
    fields = [info.alias or field for field, info in owner.model_fields.items()]
    close = document.suggester.closest(name, fields)
    if close:
        return f"did you mean '{close}'?"
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
        size = len(value) if isinstance(value, (str, dict, tuple, list)) else 0
        return _BOUNDS[kind].format(n=size, input=_number(value), **numbers), description
    return str(error["msg"]).removeprefix("Value error, "), description


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
