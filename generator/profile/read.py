"""Read every `villages/<slug>/village.yml`, validate it, and build the catalogue.

Every problem of every file is collected and reported once (`ProfileErrors`), each with the file,
the line, the field, what is wrong and what would be right.
"""

from __future__ import annotations

import difflib
import filecmp
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from generator.cache import Memo, Stamps, code_identity, digest, zone_data
from generator.errors import Problem, ProfileErrors, format_path
from generator.layouts import layout
from generator.messages import listed, say, spoken
from generator.profile.categories import CATEGORY_IDS
from generator.profile.fields import image_fields
from generator.profile.model import Catalog, Village
from generator.profile.photos import MAX_PIXELS, PhotoProblem, open_photo, published_widths
from generator.profile.regions import divisions_identity, region_problems
from generator.profile.repeats import never_happens, start_off_the_days
from generator.profile.schema import (
    DEFAULT_LANGUAGE,
    ID_PATTERN,
    IMAGE_SUFFIXES,
    MAX_NAME_BYTES,
    Profile,
    displayed,
    json_schema,
    profile_adapter,
    relative_image_path,
)
from generator.profile.yamlfile import MAX_BYTES, Document, YamlProblem, decode, parse
from generator.urls import made_files, photo_file, variant_file, variant_url, village_url

PROFILE_NAME = "village.yml"


def load_catalog(
    villages_dir: Path,
    *,
    language: str = DEFAULT_LANGUAGE,
    display_root: Path | None = None,
    max_pixels: int = MAX_PIXELS,
    memo: Memo | None = None,
    stamps: Stamps | None = None,
) -> Catalog:
    """All villages under `villages_dir`, or ProfileErrors naming every problem found.
    `max_pixels` is the photo size limit of mkdocs.yml (`max_image_pixels`), the build's own.
    With a `memo` (pickled) and the photo `stamps`, a village validated by an earlier build is
    taken from it while its file, its photos and the code that checks them are unchanged (see
    `_remembered`)."""
    villages_dir = Path(villages_dir)
    root = display_root or villages_dir.parent
    if not villages_dir.is_dir():
        raise ProfileErrors([Problem(str(villages_dir), 0, "", say("folder.missing"))])
    villages, problems = [], []
    for folder in sorted(p for p in villages_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        # The rule of photos (check_image_path) for the folder that holds them: what the site
        # publishes is what is in villages/, not whatever a link there leads to.
        if not folder.resolve().is_relative_to(villages_dir.resolve()):
            problems.append(Problem(_display(folder, root), 0, "", _linked_folder_advice(villages_dir, root)))
            continue
        village, found = load_village(
            folder, root=root, language=language, max_pixels=max_pixels, memo=memo, stamps=stamps
        )
        problems += found
        if village:
            villages.append(village)
    if not villages and not problems:
        problems.append(Problem(_display(villages_dir, root), 0, "", say("folder.no_villages")))
    if problems:
        raise ProfileErrors(problems)
    return Catalog(villages=tuple(villages), language=language)


def _linked_folder_advice(villages_dir: Path, root: Path) -> str:
    return say("folder.linked", villages=_display(villages_dir, root))


def load_village(
    folder: Path,
    *,
    root: Path,
    language: str = DEFAULT_LANGUAGE,
    max_pixels: int = MAX_PIXELS,
    memo: Memo | None = None,
    stamps: Stamps | None = None,
) -> tuple[Village | None, list[Problem]]:
    """One village and the problems of its file (the village is None when there are any)."""
    path = folder / PROFILE_NAME
    source = _display(path, root)
    if not path.is_file():
        return None, [Problem(_display(folder, root), 0, "", say("profile.missing", name=PROFILE_NAME))]
    if not path.resolve().is_relative_to(folder.resolve()):
        return None, [Problem(source, 0, "", say("profile.linked", name=PROFILE_NAME))]
    if path.stat().st_size > MAX_BYTES:
        return None, [Problem(source, 0, "", say("yaml.too_large", size=path.stat().st_size, most=MAX_BYTES))]
    raw = path.read_bytes()
    raw_digest = hashlib.sha256(raw).hexdigest()
    remembering = memo is not None and stamps is not None
    key = _memo_key(raw_digest, folder, source, language, max_pixels) if remembering else ""
    if remembering and (remembered := _remembered(memo, key, folder, stamps)):
        return remembered, []
    try:
        document = parse(decode(raw))
    except YamlProblem as problem:
        return None, [
            Problem(source, found.line, format_path(found.path), found.message, found.column) for found in problem.all
        ]
    problems = []
    if not ID_PATTERN.match(folder.name):
        problems.append(Problem(source, 1, "(folder name)", _slug_advice(folder.name)))
    if not isinstance(document.data, dict):
        return None, [
            *problems,
            Problem(source, 1, "", say("profile.not_a_mapping")),
        ]
    problems += [
        Problem(source, document.line_of(p), format_path(p), m)
        for p, m in cross_check(document.data, folder, max_pixels)
    ]
    try:
        profile = profile_adapter().validate_python(document.data, context={"language": language})
    except ValidationError as error:
        problems += [_problem(source, document, e) for e in error.errors()]
    if problems:
        return None, problems
    problems += [Problem(source, document.line_of(p), format_path(p), m) for p, m in _check_repeats(profile)]
    if problems:
        return None, problems
    village = Village(folder.name, source, folder, profile, document.lines, raw_digest, document.text_starts)
    problems += [
        Problem(source, document.line_of(p), format_path(p), m)
        for p, m in _clashing_photos(village, document, max_pixels)
    ]
    if problems:
        return None, problems
    if remembering:
        images = sorted({relative for _, image in image_fields(document.data) if (relative := _relative_image(image))})
        if (photos := _photo_identities(folder, images, stamps)) is not None:
            memo.keep(key, (photos, village))
    return village, []


def _memo_key(raw_digest: str, folder: Path, source: str, language: str, max_pixels: int) -> str:
    return digest(
        code_identity(__name__),
        zone_data(),
        CATEGORY_IDS,
        layout("photos"),
        layout("icons"),  # the names of the icons, which no photo may take (urls.made_files)
        divisions_identity(),
        raw_digest,
        str(folder.resolve()),
        source,
        language,
        max_pixels,
    )


def _remembered(memo: Memo, key: str, folder: Path, stamps: Stamps) -> Village | None:
    """The village validated under `key` by an earlier build, if every photo it names is still
    where it was and has the same bytes: the photo checks (exists, stays inside the folder, is a
    photo under the pixel limit, publishes no clashing name) read nothing else. Bytes are known by
    their digest, remembered by file stamp (`Stamps`, as git's index): a stat per photo, and in a
    fresh checkout (CI), the hashing the image kit does anyway."""
    remembered = memo.recall(key)
    if remembered is None:
        return None
    photos, village = remembered
    return village if _photo_identities(folder, [relative for relative, *_ in photos], stamps) == photos else None


def _photo_identities(folder: Path, relatives: list[str], stamps: Stamps) -> list[tuple[str, str, str]] | None:
    """(relative path, where it leads, SHA-256 of its bytes) of each photo; None if one cannot be read."""
    found = []
    for relative in relatives:
        try:
            path = folder / relative
            found.append((relative, stamps.resolve(path), stamps.digest(path)))
        except (OSError, RuntimeError):
            return None
    return found


def cross_check(data: dict[str, Any], folder: Path, max_pixels: int = MAX_PIXELS) -> Iterator[tuple[tuple, str]]:
    """What the schema alone cannot see: unique ids, references, files that exist.

    It reads the raw data, not the validated profile, so that these problems are reported in
    the same pass as the schema's, even when the file has other mistakes too.
    """
    products, team = _items(data, "products"), _items(data, "team")
    live = data.get("live") if isinstance(data.get("live"), dict) else {}
    channels, sessions = _items(live, "channels"), _items(live, "sessions")
    yield from _unique_ids(products, ("products",), "product")
    yield from _unique_ids(team, ("team",), "person")
    yield from _unique_ids(channels, ("live", "channels"), "channel")
    references = {
        "channel": (channels, "channel", "live.channels"),
        "hosts": (team, "person", "team"),
        "products": (products, "product", "products"),
    }
    for i, session in sessions:
        at = ("live", "sessions", i)
        for key, (items, what, where) in references.items():
            named = session.get(key)
            for j, value in enumerate(named if isinstance(named, list) else [named] if named else []):
                if isinstance(value, str) and value not in _ids(items):
                    place = (*at, key, j) if isinstance(named, list) else (*at, key)
                    yield place, _unknown_reference(value, items, what, where)
        if session.get("except") and not session.get("repeat"):
            yield (*at, "except"), say("session.except_without_repeat")
    yield from region_problems(_as_shown(data.get("region")))
    for at, image in image_fields(data):
        relative = _relative_image(image)
        message = relative and (_too_long_once_published(relative) or check_image_path(folder, relative, max_pixels))
        if message:
            yield at, message


def _check_repeats(profile: Profile) -> Iterator[tuple[tuple, str]]:
    zone = ZoneInfo(profile.timezone)
    for i, session in enumerate(profile.live.sessions if profile.live else ()):
        if reason := never_happens(session, zone) or start_off_the_days(session, zone):
            yield ("live", "sessions", i, "repeat"), reason


def _clashing_photos(village: Village, document: Document, max_pixels: int) -> Iterator[tuple[tuple, str]]:
    """Two different photos that the site would publish under one file name, or under names that
    differ only in upper and lower case (`Tea.jpg`, `tea.jpg`; `tea.jpg` and a 320-pixel copy
    named `tea-320.jpg`): on Windows and macOS, where a downloaded site is opened, one would
    overwrite the other, and one photo would show in the other's place. A photo published where
    the site writes a file of its own (`share.jpg`, `brand/logo.png`) would be replaced by it."""
    owners: dict[str, str] = {}
    made = {name.casefold(): name for name in made_files(village)}
    # In the order of the file: of two photos that meet, the one written later is reported.
    for at, image in sorted(image_fields(document.data), key=lambda field: document.line_of(field[0])):
        relative = _relative_image(image)
        for name in sorted(_published_names(village, relative, max_pixels)):
            if message := _over_a_made_file(village, relative, name, made):
                yield at, message
                break
            first = owners.setdefault(name.casefold(), relative)
            # The same bytes twice publish the same file: compared only when two names meet, so
            # that an ordinary build never reads a photo whole just to check its name.
            if first != relative and not filecmp.cmp(village.folder / first, village.folder / relative, shallow=False):
                why = (
                    say("photo.case_blind")
                    if name.casefold() != name or first.casefold() == relative.casefold()
                    else ""
                )
                yield at, say("photo.clash", relative=relative, first=first, name=name.rsplit("/", 1)[-1], why=why)
                break


def _over_a_made_file(village: Village, relative: str, name: str, made: dict[str, str]) -> str | None:
    """Why the published `name` of a photo meets a file the site makes (`made`, by its casefolded
    name), or None: the same name, or a folder named like one of them (`share.jpg/a.jpg`). A made
    file's folders never end in a photo's suffix, so no photo can be one of them."""
    folders = [str(parent) for parent in PurePosixPath(name).parents]
    clash = next((made[n.casefold()] for n in (name, *folders) if n.casefold() in made), None)
    if clash is None:
        return None
    inside = village_url(village)
    at_it = clash.casefold() == name.casefold()
    shown = (name if at_it else clash).removeprefix(inside)
    why = say("photo.case_blind") if clash not in (name, *folders) else ""
    return say("photo.over_made_file" if at_it else "photo.over_made_folder", relative=relative, shown=shown, why=why)


def _published_names(village: Village, relative: str, max_pixels: int) -> set[str]:
    """Every file name the site publishes for a photo: each width in each format (its own name is
    not published: assets/kit.py)."""
    with open(village.folder / relative, "rb") as file:
        widths = published_widths(open_photo(file, relative, max_pixels, decode=False))
    return {variant_url(village, relative, width, fmt) for width in widths for fmt in _published_formats()}


def _published_formats() -> tuple[str, ...]:
    formats = tuple(layout("photos")["formats"])
    # A transparent photo keeps PNG where the recipe says JPEG (assets/responsive.py).
    return (*formats, "png") if "jpeg" in formats else formats


def _too_long_once_published(relative: str) -> str | None:
    """Why a photo name that a file system holds would not be held once published, or None: its
    copies add their width and format (`tea.png` -> `tea-png-1280.webp`). The copy at the widest
    width has the longest name: a narrower photo is never published wider than itself."""
    widest = max(layout("photos")["widths"])
    published = [photo_file(relative), *(variant_file(relative, widest, fmt) for fmt in _published_formats())]
    longest = max((PurePosixPath(name).name for name in published), key=lambda name: len(name.encode("utf-8")))
    excess = len(longest.encode("utf-8")) - MAX_NAME_BYTES
    if excess <= 0:
        return None
    stem = PurePosixPath(relative).stem
    cut = next((n for n in range(1, len(stem)) if len(stem[-n:].encode("utf-8")) >= excess), len(stem))
    return say(
        "photo.too_long_published",
        path=_short(relative),
        copy=longest.removeprefix(stem),
        size=len(longest.encode("utf-8")),
        most=MAX_NAME_BYTES,
        cut=cut,
        s="s" * (cut != 1),
    )


def check_image_path(folder: Path, relative: str, max_pixels: int = MAX_PIXELS) -> str | None:
    """Why an image path is unusable, or None. Links that leave the folder are refused too."""
    target = folder / relative
    try:
        if not target.resolve().is_relative_to(folder.resolve()):
            return say("photo.linked_outside", relative=relative)
        if target.exists() and not target.is_file():  # never opened: a named pipe would wait forever
            return say("photo.not_a_file", relative=relative)
        if target.is_file():
            with open(target, "rb") as file:
                try:  # the header only: what it is and how large; `build` decodes it
                    open_photo(file, relative, max_pixels, decode=False)
                except PhotoProblem as problem:
                    return f"{relative!r}: {problem.problem.message}"
            return None
    except (OSError, RuntimeError) as error:  # a loop of links, a name too long, no permission to read
        reason = getattr(error, "strerror", None) or say("photo.link_loop")
        return say("photo.unreadable", relative=relative, reason=reason)
    close = _photo_like(relative, folder)
    hint = say("did_you_mean", close=close) if close else say("photo.put_it_there", relative=relative)
    return say("photo.missing", relative=relative, hint=hint)


def _photo_like(relative: str, folder: Path) -> str | None:
    """The photo in the village folder that `relative` most likely meant, or None. Only photos are
    candidates, and they are compared by their own names (`images/` and `.jpg` are in every
    path: compared whole, `images/hero.jpg` would find `images/logo.png` "close")."""
    photos = [
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and p.suffix.lower() in IMAGE_SUFFIXES
    ]
    same_but_case = [p for p in photos if p.lower() == relative.lower()]
    if same_but_case:
        return same_but_case[0]
    wanted = PurePosixPath(relative)
    by_name = {PurePosixPath(p).stem: p for p in sorted(photos, reverse=True)}
    close = difflib.get_close_matches(wanted.stem, sorted(by_name), n=1, cutoff=0.75)
    return by_name[close[0]] if close else None


def _relative_image(value: Any) -> str | None:
    """The path as the schema reads it (trimmed, `./` dropped), or None: only paths the schema
    accepts are looked for; the schema reports the others."""
    try:
        return relative_image_path(value)
    except PydanticCustomError:
        return None


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in the list at `data[key]`, with their positions; anything else is skipped."""
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _ids(items: list[tuple[int, dict[str, Any]]]) -> set[str]:
    """The ids written as text; any other id (a list, a mapping) is the schema's to report."""
    return {item["id"] for _, item in items if isinstance(item.get("id"), str)}


def _unique_ids(items: list[tuple[int, dict]], at: tuple, what: str) -> Iterator[tuple[tuple, str]]:
    seen = Counter(str(item.get("id")) for _, item in items if item.get("id") is not None)
    for i, item in items:
        key = str(item.get("id"))
        if seen[key] > 1:
            yield (*at, i, "id"), say(f"id.{what}.repeated", key=key, times=seen[key])
            seen[key] = 0  # report each duplicate once


def _unknown_reference(value: str, items: list[tuple[int, dict[str, Any]]], what: str, where: str) -> str:
    known = _ids(items)
    close = difflib.get_close_matches(value, sorted(known), n=1)
    without_id = [i for i, item in items if not isinstance(item.get("id"), str)]
    if close:
        hint = say("did_you_mean", close=close[0])
    elif without_id:  # `live.channels` has the channel, but without the `id:` that names it
        hint = say("reference.without_id", place=f"{where}[{without_id[0]}]", value=value)
    else:
        hint = say("reference.known", known=listed(sorted(known)) or say("none_yet"))
    return say(f"reference.{what}.unknown", value=value, where=where, hint=hint)


def _slug_advice(name: str) -> str:
    suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if suggestion and suggestion != name:
        return say("folder.slug_rename", name=name, suggestion=suggestion)
    return say("folder.slug_invalid", name=name)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# --- turning pydantic's errors into advice ---------------------------------------------------


def _problem(source: str, document: Document, error: dict[str, Any]) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return Problem(source, document.line_of(loc), format_path(loc), _unknown_key(loc))
    line = document.line_of(loc)
    return Problem(source, line, format_path(loc), _advice(kind, error, loc))


KEY_MEANT = {
    "time": "start",
    "date": "start",
    "datetime": "start",
    "begin": "start",
    "starts": "start",
    "start_time": "start",
    "length": "duration",
    "end": "duration",
    "host": "hosts",
    "anchor": "hosts",
    "product": "products",
    "photo": "images",
    "image": "images",
    "picture": "image",
    "rrule": "repeat",
    "repeats": "repeat",
    "rule": "repeat",
    "type": "kind",
    "link": "url",
    "address": "url",
    "town": "township",
    "district": "county",
    "area": "county",
    "color": "colors",
    "colours": "colors",
}
"""Keys people write for a field that has another name (`time:` for `start`): a spelling match
would suggest a word that looks alike (`title`), where these name the field meant. Each is
offered only where that field is allowed."""


def _unknown_key(loc: tuple) -> str:
    key = str(loc[-1])
    if key.isdigit():  # `{amount: 1,200}`: the comma split the number into a second entry
        return say("key.number", key=key)
    allowed = sorted(_schema_at(loc[:-1]).get("properties", {}))
    meant = KEY_MEANT.get(key.lower())
    close = [meant] if meant in allowed else difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return say("key.unknown_close", key=key, close=close[0])
    return say("key.unknown", key=key, allowed=listed(allowed))


EXPECTED = {
    "missing": "missing",
    "string_type": "text",
    "int_type": "whole_number",
    "int_parsing": "whole_number",
    "decimal_parsing": "price_number",
    "decimal_type": "price_number",
    "decimal_max_places": "decimal_places",
    "decimal_max_digits": "price_too_large",
    "float_parsing": "number",
    "float_type": "number",
    "list_type": "list",
    "tuple_type": "coordinates",
    "dict_type": "block",
    "dataclass_type": "block",
    "dataclass_exact_type": "block",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "datetime_type": "datetime",
    "datetime_parsing": "datetime",
    "datetime_from_date_parsing": "datetime",
    "string_pattern_mismatch": "pattern",
}
"""pydantic's error types, and the catalogue's `expected.*` message that says what was wanted."""
RANGES = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}


def _advice(kind: str, error: dict[str, Any], loc: tuple) -> str:
    given = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        return _not_allowed(given, loc, ctx)
    if kind == "too_short":
        return say("expected.at_least", least=ctx.get("min_length", 1))
    if kind == "too_long":  # a list past its bound (products[].images: schema.MAX_PRODUCT_PHOTOS)
        return say("expected.at_most", most=ctx.get("max_length"), given=ctx.get("actual_length"))
    if kind in RANGES:
        return say(f"range.{RANGES[kind]}", given=given, limit=ctx.get(RANGES[kind]))
    if kind == "string_too_short":
        return say("expected.not_empty")
    if kind == "string_pattern_mismatch" and loc[-1] == "email":
        return say("expected.email", given=given)
    if kind in EXPECTED and given is None and (about := _description(loc)):
        return say("expected.not_filled_in", wanted=about)  # `county:` with nothing after it, as the scaffold leaves it
    if kind in EXPECTED:
        return _expected(EXPECTED[kind], given)
    return error["msg"]  # our own validators' messages already say what is wrong and what is right


def _expected(what: str, given: Any) -> str:
    """What was wanted, after the value that was written: a value a person typed is quoted; a list
    or a block written where something else was wanted is named (a Python dump of it is no help)."""
    if what == "missing":
        return say("expected.missing")
    if isinstance(given, list):
        return say("expected.got_list", wanted=say(f"expected.{what}"))
    if isinstance(given, dict):
        return say("expected.got_block", wanted=say(f"expected.{what}"))
    return f"{_short(given)} {say(f'expected.{what}')}"


def _description(loc: tuple) -> str:
    """The field's description in the spoken language: the schema says each `中文 / English`."""
    chinese, _, english = _schema_at(loc).get("description", "").partition(" / ")
    english = english.strip().rstrip(".")
    return chinese.strip() if spoken() == "zh" else english[:1].lower() + english[1:]


def _not_allowed(given: Any, loc: tuple, ctx: dict[str, Any]) -> str:
    """The values allowed, each with its Chinese name (`festival（节庆）`), and the closest to what
    was written, among the keys and the Chinese names alike."""
    node = _schema_at(loc)
    names = dict(node.get("x-names") or [])
    choices = [str(v) for v in node.get("enum", [])] or [ctx.get("expected", "")]
    close = difflib.get_close_matches(str(given), choices, n=1, cutoff=0.5)
    hint = say("did_you_mean", close=close[0]) + " " if close else ""
    allowed = [say("enum.named", key=key, name=name) for key, name in names.items()] or choices
    return say("enum.not_allowed", given=given, hint=hint, allowed=listed(allowed))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"


def _schema_at(loc: tuple) -> dict[str, Any]:
    """The JSON Schema node describing `loc`, used for the allowed keys and values there."""
    root = json_schema()
    node: dict[str, Any] = root
    for part in loc:
        node = _resolve(root, node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    return _resolve(root, node)


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while True:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:  # `X | None`: the non-null member describes the field
            node = next((n for n in node["anyOf"] if n.get("type") != "null"), {})
        else:
            return node


def _as_shown(region: Any) -> Any:
    """The region's names as the model keeps them (no text-direction controls): what is looked up."""
    if not isinstance(region, dict):
        return region
    return {key: displayed(value) if isinstance(value, str) else value for key, value in region.items()}
