"""Reference registries: lists of existing villages (CSV or YAML) read into comparable records.

A registry needs a name and a region per row; a main product (or categories), slogan, story and
colours are used when present. Column names may be English or Chinese (`village` or `村名`). The
Taobao village lists vendored in data/registries read as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.checks.differentiation.records import Place, ProductInfo, Record, record_digest
from generator.errors import StorefrontError
from generator.profile.categories import categories
from generator.profile.schema import HEX_PATTERN

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "village", "村名", "村", "名称"),
    "province": ("province", "省", "省份"),
    "city": ("city", "prefecture", "市", "地级市"),
    "county": ("county", "district", "县", "区县", "县区"),
    "township": ("township", "town", "镇", "乡镇"),
    "products": ("main_product", "main_products", "product", "products", "主营产品", "主要产品", "产品"),
    "categories": ("category", "categories", "品类"),
    "slogan": ("slogan", "口号"),
    "story": ("story", "故事", "品牌故事"),
    "primary": ("primary", "primary_color", "color", "colour", "主色"),
    "accent": ("accent", "accent_color", "辅色"),
}
LIST_SEPARATORS = ("、", "，", ",", "/", ";", "；")


@dataclass(frozen=True)
class Registry:
    """The rows of one reference list, as records, with the list's id (its file name)."""

    id: str
    source: str
    records: tuple[Record, ...]
    skipped: tuple[str, ...] = ()
    """Rows left out, each as 'file:line: why' (rows with only a province or city, like a heading)."""

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def load_registry(path: Path | str, registry_id: str | None = None) -> Registry:
    """Read a CSV or YAML registry; StorefrontError names the file and line of any bad row."""
    path = Path(path)
    rid = registry_id or path.stem
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise StorefrontError(f"{path}: registry file not found; check the path given to --against") from None
    except UnicodeDecodeError as error:
        raise StorefrontError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8"
        ) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(text, path)
    elif suffix in (".yml", ".yaml"):
        rows = _yaml_rows(text, path)
    else:
        raise StorefrontError(f"{path}: a registry is a .csv or .yml file, not {suffix or 'a file without suffix'!r}")
    records, skipped = [], []
    for line, row in rows:
        if not row.get("name") and set(row) <= {"province", "city"}:
            skipped.append(f"{path}:{line}: no village name, only a region; row skipped")
            continue
        records.append(_record(rid, str(path), line, row))
    if not records:
        raise StorefrontError(f"{path}: the registry has no rows")
    return Registry(rid, str(path), tuple(records), tuple(skipped))


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise StorefrontError(f"{path}:1: empty file; a registry needs a header row like name,province,county")
    fields = _map_header([h.strip().lower() for h in header], path)
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise StorefrontError(
                f"{path}:{line}: {len(row)} columns, the header has {len(header)}; check for an unquoted comma"
            )
        yield line, {fields[i]: cell.strip() for i, cell in enumerate(row) if i in fields and cell.strip()}


def _map_header(header: list[str], path: Path) -> dict[int, str]:
    fields = {}
    for i, column in enumerate(header):
        for field, names in COLUMNS.items():
            if column in names:
                fields[i] = field
    if "name" not in fields.values():
        raise StorefrontError(
            f"{path}:1: no name column; name one column 'name' or 'village' (found: {', '.join(header)})"
        )
    if not {"province", "county"} & set(fields.values()):
        raise StorefrontError(f"{path}:1: no region column; add 'province' and 'county' (found: {', '.join(header)})")
    return fields


def _yaml_rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise StorefrontError(
            f"{path}:{mark.line + 1 if mark else 1}: not valid YAML ({getattr(error, 'problem', error)})"
        ) from None
    if isinstance(document, yaml.MappingNode):  # {villages: [...]} is accepted too
        document = next((v for k, v in document.value if k.value == "villages"), None)
    if not isinstance(document, yaml.SequenceNode):
        raise StorefrontError(f"{path}:1: a registry is a list of villages, each with name and region")
    for node in document.value:
        line = node.start_mark.line + 1
        data = yaml.safe_load(yaml.serialize(node))
        if not isinstance(data, dict):
            raise StorefrontError(
                f"{path}:{line}: each entry should be `name: ...`, `province: ...`, `county: ...` lines"
            )
        region = data.pop("region", None)
        if isinstance(region, dict):
            data.update(region)
        row = {}
        for key, value in data.items():
            field = next((f for f, names in COLUMNS.items() if str(key).lower() in names), None)
            if field is None:
                raise StorefrontError(f"{path}:{line}: unknown key {key!r}; use {', '.join(COLUMNS)}")
            row[field] = value
        yield line, row


def _record(rid: str, source: str, line: int, row: Mapping[str, Any]) -> Record:
    where = f"{source}:{line}"
    name = row.get("name")
    if not name:
        raise StorefrontError(f"{where}: the village name is empty")
    if not (row.get("province") or row.get("county")):
        raise StorefrontError(f"{where}: no region; give at least province or county")
    names = dict(name) if isinstance(name, dict) else {"zh": str(name)}
    colours = tuple(_colour(row[k], where, k) for k in ("primary", "accent") if row.get(k))
    products = tuple(
        ProductInfo(id=f"p{i}", names={"zh": item}, category="other")
        for i, item in enumerate(_items(row.get("products")))
    )
    known = categories()
    for category in _items(row.get("categories")):
        if category not in known:
            raise StorefrontError(f"{where}: unknown category {category!r}; use one of {', '.join(known)}")
        products += (
            ProductInfo(id=category, names={"zh": known[category].zh, "en": known[category].en}, category=category),
        )
    slogan = row.get("slogan")
    record = Record(
        key=f"{rid}:{line}",
        origin=rid,
        source=where,
        names=names,
        place=Place(*(str(row.get(k) or "") for k in ("province", "city", "county", "township"))),
        digest="",
        slogan=dict(slogan) if isinstance(slogan, dict) else ({"zh": str(slogan)} if slogan else {}),
        story=str(row.get("story") or ""),
        products=products,
        colors=colours,
    )
    return Record(**{**record.__dict__, "digest": record_digest([rid, {k: str(v) for k, v in row.items()}])})


def _items(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def _colour(value: Any, where: str, field: str) -> str:
    text = str(value).strip()
    if not HEX_PATTERN.match(text):
        raise StorefrontError(f'{where}: {field} {text!r} is not a colour like "#2F6B3A"')
    return text.upper() if len(text) == 7 else "#" + "".join(c * 2 for c in text[1:]).upper()
