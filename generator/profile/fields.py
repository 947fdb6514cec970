"""Walk a profile by the kinds of its fields: every photo path, every text a buyer reads.

The walkers are derived from the contract's types (the `Walk` marks in schema.py), not listed by
hand: a field added to the schema with an `ImagePath` or `Text` type is checked, published and
linted like the others without a line here.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from generator.profile.model import FieldPath, Village
from generator.profile.schema import IMAGE, MARKDOWN, NAME, TEXT, Profile, Walk

# A field's shape: its marks, whether it holds a list, and the record class inside (or None).
Shape = tuple[frozenset[Walk], bool, type | None]


@cache
def _shapes(record: type) -> tuple[tuple[str, str, Shape], ...]:
    """(attribute, key in the file, shape) of each field of a record class."""
    hints = typing.get_type_hints(record, include_extras=True)
    declared = record.__pydantic_fields__  # pydantic's view of each field: its alias wherever it was given
    return tuple(
        (field.name, declared[field.name].alias or field.name, _shape(hints[field.name]))
        for field in dataclasses.fields(record)
    )


def _shape(hint: Any, marks: frozenset[Walk] = frozenset(), many: bool = False) -> Shape:
    if get_origin(hint) is Annotated:
        base, *metadata = get_args(hint)
        return _shape(base, marks | {m for m in metadata if isinstance(m, Walk)}, many)
    if get_origin(hint) is list:
        return _shape(get_args(hint)[0], marks, True)
    if get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        if len(inner) != 1:  # a walker cannot know which record a value is: the schema says one type
            raise TypeError(f"{hint}: a profile field holds one type (or None), so that it can be walked")
        return _shape(inner[0], marks, many)
    return marks, many, hint if dataclasses.is_dataclass(hint) else None


def raw_fields(data: Any) -> Iterator[tuple[FieldPath, frozenset[Walk], Any]]:
    """(path, marks, value) of every marked field in a profile's raw data, as the file has it
    (before validation: what is not a mapping or a list where the contract wants one is skipped)."""
    return _walk(data, Profile, (), lambda node, name, key: node.get(key) if isinstance(node, dict) else None)


def model_fields(record: Any) -> Iterator[tuple[FieldPath, frozenset[Walk], Any]]:
    """(path, marks, value) of every marked field of a validated profile, paths as the file's."""
    return _walk(record, type(record), (), lambda node, name, key: getattr(node, name))


def _walk(node: Any, record: type, at: FieldPath, field_of) -> Iterator[tuple[FieldPath, frozenset[Walk], Any]]:
    """The marked fields under `node`, a `record` of the contract; `field_of(node, name, key)`
    reads one field (None when it is absent)."""
    for name, key, (marks, many, inner) in _shapes(record):
        value = field_of(node, name, key)
        if value is None or (many and not isinstance(value, list)):
            continue
        for i, item in enumerate(value) if many else [(None, value)]:
            place = (*at, key) if i is None else (*at, key, i)
            if inner is not None:
                yield from _walk(item, inner, place, field_of)
            elif marks and item not in (None, ""):
                yield place, marks, item


def image_fields(data: Any) -> Iterator[tuple[FieldPath, Any]]:
    """Every photo path of a profile's raw data, with its place."""
    for place, marks, value in raw_fields(data):
        if IMAGE in marks:
            yield place, value


def photos_of(village: Village) -> list[str]:
    """Every photo the profile names, each once, in the order of the profile."""
    return list(dict.fromkeys(value for _, marks, value in model_fields(village.profile) if IMAGE in marks))


def buyer_texts(village: Village) -> Iterator[tuple[FieldPath, dict[str, str] | str]]:
    """Every text a buyer reads (Text per language, or Markdown), names of the village and its
    people left out: they are names, not claims."""
    for place, marks, value in model_fields(village.profile):
        if (TEXT in marks or MARKDOWN in marks) and NAME not in marks:
            yield place, value
