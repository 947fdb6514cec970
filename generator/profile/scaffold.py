"""`storefront new`: a village folder with a profile that explains every field and already builds."""

from __future__ import annotations

import math
import re
from importlib.resources import files
from pathlib import Path

import yaml

from generator.errors import StorefrontError
from generator.messages import say
from generator.profile.schema import ID_PATTERN


def slug_for(text: str) -> str:
    """A folder name from any name: 黄杜村 -> huangducun, "Xiao Shan" -> xiao-shan."""
    from pypinyin import lazy_pinyin  # 0.2 s to import: only `storefront new` pays it, not every build

    words = []
    for piece in re.findall(r"[\u3400-\u9fff]+|[A-Za-z0-9]+", text):
        words.append("".join(lazy_pinyin(piece)) if re.match(r"[\u3400-\u9fff]", piece) else piece)
    return "-".join(w.lower() for w in words if w)


def scaffold(villages_dir: Path, slug: str, name: str | None = None) -> tuple[Path, list[str]]:
    """Create `villages_dir/<slug>/village.yml` from the commented template; never overwrite."""
    notes = []
    if not ID_PATTERN.match(slug):
        suggestion = slug_for(slug)
        if not suggestion or not ID_PATTERN.match(suggestion):
            raise StorefrontError(say("new.slug_invalid", slug=slug))
        notes.append(say("new.slug_changed", slug=slug, suggestion=suggestion))
        name, slug = name or slug, suggestion
    folder = villages_dir / slug
    if (folder / "village.yml").exists():
        raise StorefrontError(say("new.exists", file=folder / "village.yml"))
    template = files("generator").joinpath("data/village-template.yml").read_text(encoding="utf-8")
    text = template.replace('"{{name}}"', _yaml_text(name or slug))
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "village.yml").write_text(text, encoding="utf-8")
    return folder, notes


def _yaml_text(value: str) -> str:
    """`value` as one double-quoted YAML string, written by YAML's own emitter: a quote, a
    backslash, a `#`, a line break or a word like `yes` in a name stays the name, and on one line."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=math.inf).rstrip("\n")
