"""The published list of product categories, read once from `data/categories.yml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from generator.words import chinese


@dataclass(frozen=True)
class Category:
    id: str
    zh: str
    en: str
    shipped: bool = True
    """False for what a buyer comes to (a stay, a tour): no shipping or return promise applies."""

    def label(self, language: str) -> str:
        return self.zh if chinese(language) else self.en


@cache
def categories() -> dict[str, Category]:
    """Every category by id, in the order of the data file (the order the site lists them)."""
    text = files("generator").joinpath("data/categories.yml").read_text(encoding="utf-8")
    return {item["id"]: Category(**item) for item in yaml.safe_load(text)}


CATEGORY_IDS: tuple[str, ...] = tuple(categories())
