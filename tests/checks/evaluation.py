"""The evaluation set of the differentiation check: copies as villages really make them, and
honest neighbours as they really differ (tests/fixtures/pairs/real/*.yml).

Each case lists villages in the order they were made (the first is the original, or simply the
earliest) and a label for every pair among them: `copy` (must fail), `lookalike` (must be at
least warned) or `distinct` (must never fail, and should not warn). A herd is one case of 3-6
villages: every pair in it is a copy. Villages start from a base of `_bases.yml` and change
fields (`set:`; a key ending in `!` replaces the field whole); a case's `shared_story` is given
to every village with `{name}` replaced by that village's Chinese name. Brand images are drawn
here with Pillow (`logo:`/`hero:` say the design and the transform), so the set stays text and
the images are real files.

Run `python -m tests.checks.evaluation` for the table of precision and recall per kind, and
`python -m tests.checks.evaluation --heldout` for the held-out set (tests/fixtures/pairs/heldout/:
written after the check was tuned, on bases of its own, and never tuned on before its first score
was recorded in docs/benchmarks.md); `--set=heldout2` for another set folder.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import yaml
from PIL import Image, ImageChops, ImageDraw, ImageOps

from generator.profile.model import Village
from generator.profile.schema import profile_adapter

REPO = Path(__file__).resolve().parents[2]
PAIRS = REPO / "tests" / "fixtures" / "pairs"
REAL = PAIRS / "real"
HELDOUT = PAIRS / "heldout"
HELDOUT_SETS = sorted(p for p in PAIRS.glob("heldout*") if p.is_dir())
"""Every held-out set (heldout/, heldout2/, ...): each written on bases of its own after the check
was tuned, and scored before anything was changed for it."""
BASES = {
    **yaml.safe_load((PAIRS / "_bases.yml").read_text(encoding="utf-8")),
    **{k: v for folder in HELDOUT_SETS for k, v in yaml.safe_load((folder / "_bases.yml").read_text("utf-8")).items()},
}
SAMPLE_PHOTOS = REPO / "villages"


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    label: str
    why: str
    members: tuple[dict, ...]
    shared_story: str = ""

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations([m["slug"] for m in self.members], 2))


@dataclass(frozen=True)
class Outcome:
    case: str
    kind: str
    label: str
    a: str
    b: str
    level: str
    score: float


def load_cases(folder: Path = REAL) -> list[Case]:
    cases = []
    for path in sorted(p for p in folder.glob("*.yml") if not p.name.startswith("_")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            members = tuple(
                {**m, "slug": m.get("slug") or f"{raw['id']}-{i}"} for i, m in enumerate(raw["villages"], start=1)
            )
            cases.append(
                Case(raw["id"], raw["kind"], raw["label"], raw.get("why", ""), members, raw.get("shared_story", ""))
            )
    return cases


def _merge(base: dict, changes: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}") and "." in value:
            source, field = value[1:-1].split(".", 1)
            value = copy.deepcopy(BASES[source][field])
        if key.endswith("!"):  # `slogan!: {en: ...}` replaces the field instead of merging into it
            merged[key[:-1]] = value
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _zh_name(data: dict) -> str:
    name = data["name"]
    return name.get("zh", "") if isinstance(name, dict) else name


def village_of(case: Case, member: dict, folder: Path) -> Village:
    """One village of a case: base + changes, the shared story, and its drawn brand images."""
    data = _merge(BASES[member["base"]], member.get("set", {}))
    if case.shared_story:
        data["story"] = case.shared_story.replace("{name}", _zh_name(data))
    own = folder / member["slug"]
    brand = dict(data.get("brand") or {})
    for role in ("logo", "hero"):
        if role in member:
            (own / "images").mkdir(parents=True, exist_ok=True)
            draw_image(member[role], own / "images" / f"{role}.png")
            brand[role] = f"images/{role}.png"
    data["brand"] = brand
    profile = profile_adapter().validate_python(data, context={"language": "zh"})
    digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return Village(member["slug"], f"villages/{member['slug']}/village.yml", own, profile, lines={}, digest=digest)


# --- brand images, drawn ------------------------------------------------------------------------


def draw_image(spec: dict, path: Path) -> None:
    """A design (`draw`), then each transform in order, saved as PNG."""
    image = DESIGNS[spec["draw"]](spec)
    for transform in spec.get("transform", []):
        image = TRANSFORMS[transform](image)
    image.save(path)


def _leaf(spec: dict) -> Image.Image:
    image = Image.new("RGB", (256, 256), "white")
    draw = ImageDraw.Draw(image)
    draw.polygon([(40, 200), (120, 20), (220, 80), (140, 140)], fill=spec.get("color", "#2F6B3A"))
    draw.ellipse((60, 160, 120, 220), fill="#E8C547")
    draw.line((40, 200, 180, 60), fill="#1D3F24", width=6)
    return image


def _bars(spec: dict) -> Image.Image:
    image = Image.new("RGB", (256, 256), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 120, 236), fill=spec.get("color", "#1E3A73"))
    draw.line((140, 20, 236, 236), fill="#D4483B", width=24)
    return image


def _mountain(spec: dict) -> Image.Image:
    image = Image.new("RGB", (256, 256), "#F4EFE2")
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 220), (90, 70), (150, 160), (190, 110), (256, 220)], fill=spec.get("color", "#3A5F8A"))
    draw.ellipse((170, 24, 220, 74), fill="#D9822B")
    return image


def _badge(spec: dict) -> Image.Image:
    """The everyday round badge: a ring, the village name on top, one product character in the middle."""
    from generator.assets.fonts import font

    image = Image.new("RGB", (256, 256), "white")
    draw = ImageDraw.Draw(image)
    colour = spec.get("color", "#2F6B3A")
    draw.ellipse((8, 8, 248, 248), outline=colour, width=14)
    draw.ellipse((36, 36, 220, 220), outline=colour, width=4)
    draw.text((128, 84), spec["text"], font=font(30), fill=colour, anchor="mm")
    draw.text((128, 150), spec.get("mark", "茶"), font=font(72), fill=colour, anchor="mm")
    return image


def _seal(spec: dict) -> Image.Image:
    """The plain square seal: four characters in a red square."""
    from generator.assets.fonts import font

    image = Image.new("RGB", (256, 256), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 240, 240), fill=spec.get("color", "#B22222"))
    text = spec["text"]
    for i, char in enumerate(text[:4]):
        x, y = (176 if i < 2 else 80), (80 if i % 2 == 0 else 176)
        draw.text((x, y), char, font=font(84), fill="white", anchor="mm")
    return image


def _photo(spec: dict) -> Image.Image:
    with Image.open(SAMPLE_PHOTOS / spec["photo"]) as opened:
        return opened.convert("RGB").resize((640, 360))


DESIGNS = {"leaf": _leaf, "bars": _bars, "mountain": _mountain, "badge": _badge, "seal": _seal, "photo": _photo}


def _crop(fraction: float):
    def crop(image: Image.Image) -> Image.Image:
        w, h = image.size
        dx, dy = int(w * fraction / 2), int(h * fraction / 2)
        return image.crop((dx, dy, w - dx, h - dy))

    return crop


def _crop_corner(fraction: float):
    def crop(image: Image.Image) -> Image.Image:
        w, h = image.size
        return image.crop((int(w * fraction), int(h * fraction), w, h))

    return crop


def _recolour(image: Image.Image) -> Image.Image:
    hue, saturation, value = image.convert("HSV").split()
    return Image.merge("HSV", (hue.point(lambda x: (x + 110) % 256), saturation, value)).convert("RGB")


TRANSFORMS = {
    "invert": lambda image: ImageChops.invert(image.convert("RGB")),
    "mirror": ImageOps.mirror,
    "crop10": _crop(0.10),
    "crop15": _crop(0.15),
    "crop20": _crop(0.20),
    "crop10-corner": _crop_corner(0.10),
    "recolour": _recolour,
    "grey": lambda image: ImageOps.grayscale(image).convert("RGB"),
    "small": lambda image: image.resize((image.width // 2, image.height // 2)),
}


# --- running the set ----------------------------------------------------------------------------


def run(cases: list[Case], check, folder: Path, **options) -> list[Outcome]:
    """Check each case on its own (its villages together) and read off every labelled pair."""
    outcomes = []
    for case in cases:
        villages = [village_of(case, m, folder) for m in case.members]
        report = check(villages, **options)
        found = {frozenset((p.a, p.b)): p for p in report.pairs}
        for a, b in case.pairs:
            pair = found.get(frozenset((a, b)))
            outcomes.append(
                Outcome(case.id, case.kind, case.label, a, b, pair.level if pair else "ok", pair.score if pair else 0)
            )
    return outcomes


@dataclass(frozen=True)
class Row:
    kind: str
    label: str
    pairs: int
    flagged: int
    failed: int


def table(outcomes: list[Outcome]) -> list[Row]:
    """Per kind: how many labelled pairs, how many were warned or failed, how many failed."""
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[(o.kind, o.label)].append(o)
    return [
        Row(kind, label, len(rows), sum(o.level != "ok" for o in rows), sum(o.level == "fail" for o in rows))
        for (kind, label), rows in sorted(groups.items(), key=lambda kv: (kv[0][1] == "distinct", kv[0]))
    ]


@dataclass(frozen=True)
class Summary:
    copies: int
    recall_flagged: float
    """Copies and look-alikes warned or failed."""
    recall_failed: float
    """Copies (label `copy`) failed."""
    honest: int
    honest_warned: int
    honest_failed: int
    precision_flagged: float
    precision_failed: float


def summary(outcomes: list[Outcome]) -> Summary:
    positives = [o for o in outcomes if o.label != "distinct"]
    copies = [o for o in outcomes if o.label == "copy"]
    honest = [o for o in outcomes if o.label == "distinct"]
    flagged = [o for o in outcomes if o.level != "ok"]
    failed = [o for o in outcomes if o.level == "fail"]
    return Summary(
        copies=len(positives),
        recall_flagged=sum(o.level != "ok" for o in positives) / max(len(positives), 1),
        recall_failed=sum(o.level == "fail" for o in copies) / max(len(copies), 1),
        honest=len(honest),
        honest_warned=sum(o.level == "warn" for o in honest),
        honest_failed=sum(o.level == "fail" for o in honest),
        precision_flagged=sum(o.label != "distinct" for o in flagged) / max(len(flagged), 1),
        precision_failed=sum(o.label != "distinct" for o in failed) / max(len(failed), 1),
    )


def render(outcomes: list[Outcome]) -> str:
    lines = [
        "| kind | label | pairs | warn or fail | fail | recall (warn+fail) | recall (fail) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in table(outcomes):
        lines.append(
            f"| {r.kind} | {r.label} | {r.pairs} | {r.flagged} | {r.failed} | "
            f"{r.flagged / r.pairs:.2f} | {r.failed / r.pairs:.2f} |"
        )
    s = summary(outcomes)
    lines += [
        "",
        f"copies and look-alikes: {s.copies} pairs; recall {s.recall_flagged:.2f} at warn-or-fail, "
        f"{s.recall_failed:.2f} at fail (copies only)",
        f"honest pairs: {s.honest}; {s.honest_warned} warned, {s.honest_failed} failed",
        f"precision: {s.precision_flagged:.2f} at warn-or-fail, {s.precision_failed:.2f} at fail",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    from generator.checks.differentiation import check

    named = [a.split("=", 1)[1] for a in argv if a.startswith("--set=")]
    cases = load_cases(PAIRS / named[0] if named else HELDOUT if "--heldout" in argv else REAL)
    with tempfile.TemporaryDirectory() as folder:
        outcomes = run(cases, check, Path(folder))
    print(f"evaluation set: {len(cases)} cases, {len(outcomes)} labelled pairs")
    print(render(outcomes))
    if "-v" in argv:
        for o in outcomes:
            print(f"  {o.label:9} {o.level:4} {o.score:.2f}  {o.case} {o.a}~{o.b}")


if __name__ == "__main__":
    main(sys.argv[1:])
