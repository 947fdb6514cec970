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
from generator.profile.categories import CATEGORY_IDS
from generator.profile.fields import image_fields
from generator.profile.model import Catalog, Village
from generator.profile.photos import MAX_PIXELS, PhotoProblem, open_photo, published_widths
from generator.profile.repeats import never_happens
from generator.profile.schema import (
    DEFAULT_LANGUAGE,
    ID_PATTERN,
    MAX_NAME_BYTES,
    Profile,
    json_schema,
    profile_adapter,
    relative_image_path,
)
from generator.profile.yamlfile import MAX_BYTES, Document, YamlProblem, decode, parse
from generator.urls import made_files, photo_file, photo_url, variant_file, variant_url, village_url

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
        raise ProfileErrors(
            [Problem(str(villages_dir), 0, "", "this folder does not exist; create it, or pass --villages DIR")]
        )
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
        problems.append(
            Problem(_display(villages_dir, root), 0, "", "no villages here yet; add one with `storefront new SLUG`")
        )
    if problems:
        raise ProfileErrors(problems)
    return Catalog(villages=tuple(villages), language=language)


def _linked_folder_advice(villages_dir: Path, root: Path) -> str:
    return (
        "this folder is a link to a folder outside the villages folder; "
        f"move the village folder itself into {_display(villages_dir, root)}/ instead"
    )


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
        return None, [
            Problem(
                _display(folder, root),
                0,
                "",
                f"there is no {PROFILE_NAME} in this folder; add one or remove the folder",
            )
        ]
    if not path.resolve().is_relative_to(folder.resolve()):
        return None, [
            Problem(
                source,
                0,
                "",
                f"{PROFILE_NAME} is a link to a file outside the village folder; copy the file here instead",
            )
        ]
    if path.stat().st_size > MAX_BYTES:
        return None, [
            Problem(
                source,
                0,
                "",
                f"the file is {path.stat().st_size:,} bytes; a profile should be well under {MAX_BYTES:,} bytes",
            )
        ]
    raw = path.read_bytes()
    raw_digest = hashlib.sha256(raw).hexdigest()
    remembering = memo is not None and stamps is not None
    key = _memo_key(raw_digest, folder, source, language, max_pixels) if remembering else ""
    if remembering and (remembered := _remembered(memo, key, folder, stamps)):
        return remembered, []
    try:
        document = parse(decode(raw))
    except YamlProblem as problem:
        return None, [Problem(source, problem.line, format_path(problem.path), problem.message)]
    problems = []
    if not ID_PATTERN.match(folder.name):
        problems.append(Problem(source, 1, "(folder name)", _slug_advice(folder.name)))
    if not isinstance(document.data, dict):
        return None, [
            *problems,
            Problem(source, 1, "", "the file should be a list of `key: value` lines, like `name: 黄杜村`"),
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
    yield from _unique_ids(team, ("team",), "team member")
    yield from _unique_ids(channels, ("live", "channels"), "channel")
    references = {
        "channel": (_ids(channels), "channel", "live.channels"),
        "hosts": (_ids(team), "team member", "team"),
        "products": (_ids(products), "product", "products"),
    }
    for i, session in sessions:
        at = ("live", "sessions", i)
        for key, (known, what, where) in references.items():
            named = session.get(key)
            for j, value in enumerate(named if isinstance(named, list) else [named] if named else []):
                if isinstance(value, str) and value not in known:
                    place = (*at, key, j) if isinstance(named, list) else (*at, key)
                    yield place, _unknown_reference(value, known, what, where)
        if session.get("except") and not session.get("repeat"):
            yield (*at, "except"), "only a repeating session can leave dates out; add `repeat:` or remove `except:`"
    for at, image in image_fields(data):
        relative = _relative_image(image)
        message = relative and (_too_long_once_published(relative) or check_image_path(folder, relative, max_pixels))
        if message:
            yield at, message


def _check_repeats(profile: Profile) -> Iterator[tuple[tuple, str]]:
    zone = ZoneInfo(profile.timezone)
    for i, session in enumerate(profile.live.sessions if profile.live else ()):
        if reason := never_happens(session, zone):
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
                    " (Windows and macOS do not tell upper from lower case)"
                    if name.casefold() != name or first.casefold() == relative.casefold()
                    else ""
                )
                yield (
                    at,
                    (
                        f"{relative!r} and {first!r} would be published as one file, "
                        f"{name.rsplit('/', 1)[-1]!r}{why}, and one photo would replace the other; rename one"
                    ),
                )
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
    where = "at" if clash.casefold() == name.casefold() else "in a folder"
    shown = (name if where == "at" else clash).removeprefix(inside)
    why = " (Windows and macOS do not tell upper from lower case)" if clash not in (name, *folders) else ""
    return (
        f"{relative!r} would be published {where} {shown!r}, where the site puts a file it makes (a card, an "
        f"icon, a poster, a QR code or a calendar){why}, and that file would replace the photo; rename the "
        "photo, or keep it in images/"
    )


def _published_names(village: Village, relative: str, max_pixels: int) -> set[str]:
    """Every file name the site publishes for a photo: the original and each width and format."""
    with open(village.folder / relative, "rb") as file:
        widths = published_widths(open_photo(file, relative, max_pixels, decode=False))
    return {
        photo_url(village, relative),
        *(variant_url(village, relative, width, fmt) for width in widths for fmt in _published_formats()),
    }


def _published_formats() -> tuple[str, ...]:
    return (*layout("photos")["formats"], "png")  # PNG: what a transparent photo keeps instead of JPEG


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
    return (
        f"{_short(relative)} is too long once published: its copy '...{longest.removeprefix(stem)}' would have a "
        f"name of {len(longest.encode('utf-8'))} bytes, more than the {MAX_NAME_BYTES} bytes a file system holds; "
        f"shorten the name by {cut} character{'s' * (cut != 1)}"
    )


def check_image_path(folder: Path, relative: str, max_pixels: int = MAX_PIXELS) -> str | None:
    """Why an image path is unusable, or None. Links that leave the folder are refused too."""
    target = folder / relative
    try:
        if not target.resolve().is_relative_to(folder.resolve()):
            return f"{relative!r} leads outside the village folder (through a link); copy the photo into images/"
        if target.exists() and not target.is_file():  # never opened: a named pipe would wait forever
            return f"{relative!r} is a folder or a special file, not a photo; put the photo itself there"
        if target.is_file():
            with open(target, "rb") as file:
                try:  # the header only: what it is and how large; `build` decodes it
                    open_photo(file, relative, max_pixels, decode=False)
                except PhotoProblem as problem:
                    return f"{relative!r}: {problem.problem.message}"
            return None
    except (OSError, RuntimeError) as error:  # a loop of links, a name too long, no permission to read
        reason = getattr(error, "strerror", None) or "a link that leads back to itself"
        return f"{relative!r} cannot be read ({reason}); copy the photo into images/ again"
    existing = [str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    close = difflib.get_close_matches(relative, existing, n=1, cutoff=0.6)
    close += [p for p in existing if p.lower() == relative.lower()][:1]
    hint = f"; did you mean {close[-1]!r}?" if close else f"; put the photo at {relative} inside the village folder"
    return f"{relative!r} does not exist{hint}"


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
            yield (*at, i, "id"), f"the {what} id {key!r} is used {seen[key]} times; each {what} needs its own id"
            seen[key] = 0  # report each duplicate once


def _unknown_reference(value: str, known: set[str], what: str, where: str) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(known)) or 'none yet'}"
    return f"there is no {what} {value!r} in `{where}`; {hint}"


def _slug_advice(name: str) -> str:
    suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if suggestion and suggestion != name:
        return f"the folder name {name!r} is not a valid id; rename the folder to {suggestion!r} (a-z, 0-9 and '-')"
    return f"the folder name {name!r} is not a valid id; use a-z, 0-9 and '-' (storefront new suggests one)"


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


def _unknown_key(loc: tuple) -> str:
    key = str(loc[-1])
    if key.isdigit():  # `{amount: 1,200}`: the comma split the number into a second entry
        return (
            f"unknown key {key!r}: a comma inside {{...}} starts a new entry; write numbers without a comma "
            "(1200) and put text that contains a comma in quotes"
        )
    allowed = sorted(_schema_at(loc[:-1]).get("properties", {}))
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; the keys allowed here are: {', '.join(allowed)}"


_EXPECTED = {
    "missing": "is required but missing; add it here",
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "decimal_parsing": "should be a number like 268 or 39.9",
    "decimal_type": "should be a number like 268 or 39.9",
    "decimal_max_places": "has more than 2 decimal places; write a price like 39.90",
    "decimal_max_digits": "is too large for a price",
    "float_parsing": "should be a number",
    "float_type": "should be a number",
    "list_type": "should be a list: lines that start with '- ', or [a, b]",
    "tuple_type": "should be a list like [30.62, 119.68]",
    "dict_type": "should be a block of `key: value` lines",
    "dataclass_type": "should be a block of `key: value` lines",
    "dataclass_exact_type": "should be a block of `key: value` lines",
    "date_type": "should be a date like 2027-12-31",
    "date_parsing": "should be a date like 2027-12-31",
    "date_from_datetime_parsing": "should be a date like 2027-12-31",
    "datetime_type": "should be a date and time like 2027-03-20T19:30",
    "datetime_parsing": "should be a date and time like 2027-03-20T19:30",
    "datetime_from_date_parsing": "should be a date and time like 2027-03-20T19:30",
    "string_pattern_mismatch": "is not in the expected form",
}


def _advice(kind: str, error: dict[str, Any], loc: tuple) -> str:
    given = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        allowed = [str(v) for v in _schema_at(loc).get("enum", [])] or [ctx.get("expected", "")]
        close = difflib.get_close_matches(str(given), allowed, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"{given!r} is not allowed; {hint}allowed: {', '.join(allowed)}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)}; add one"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{given!r} is out of range: {error['msg'].lower().removeprefix('input ')}"
    if kind == "string_too_short":
        return "is empty; write a value or remove the line"
    if kind == "string_pattern_mismatch" and loc[-1] == "email":
        return f"{given!r} is not an e-mail address like coop@example.com"
    if kind in _EXPECTED:
        shown = "" if kind == "missing" else f"{_short(given)} "
        return f"{shown}{_EXPECTED[kind]}".strip()
    return error["msg"]  # our own validators' messages already say what is wrong and what is right


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
