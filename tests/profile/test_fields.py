"""The field walkers find every photo and every buyer-facing text from the schema's types."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
import yaml

from generator.profile import fields
from generator.profile.fields import buyer_texts, image_fields, photos_of
from generator.profile.read import load_catalog
from generator.profile.schema import Profile
from tests.conftest import REPO

BASE = REPO / "tests" / "fixtures" / "base"


def _records(record: type, seen: set | None = None) -> set[type]:
    seen = seen if seen is not None else set()
    seen.add(record)
    for _, _, (_, _, inner) in fields._shapes(record):
        if inner is not None and inner not in seen:
            _records(inner, seen)
    return seen


def test_every_record_of_the_contract_can_be_walked():
    records = _records(Profile)
    assert {r.__name__ for r in records} >= {"Profile", "Brand", "Product", "Person", "Session", "Service", "Contact"}
    for record in records:
        assert len(fields._shapes(record)) == len(dataclasses.fields(record)), record


def test_photos_are_found_wherever_the_contract_puts_them():
    data = {
        "brand": {"logo": "images/logo.png", "hero": "images/hero.jpg"},
        "culture": [{"image": "images/festival.jpg"}, {"name": "no photo"}, "not a mapping"],
        "products": [{"images": ["images/a.jpg", "images/b.jpg"]}, {"images": "not a list"}],
        "team": [{"photo": "images/anchor.jpg"}],
        "story": "images/not-a-photo.jpg",
    }
    assert dict(image_fields(data)) == {
        ("brand", "logo"): "images/logo.png",
        ("brand", "hero"): "images/hero.jpg",
        ("culture", 0, "image"): "images/festival.jpg",
        ("products", 0, "images", 0): "images/a.jpg",
        ("products", 0, "images", 1): "images/b.jpg",
        ("team", 0, "photo"): "images/anchor.jpg",
    }


def test_a_validated_village_names_its_photos_once(tmp_path):
    village = tmp_path / "villages" / "test-village"
    village.parent.mkdir()
    shutil.copytree(BASE, village)
    data = yaml.safe_load((village / "village.yml").read_text(encoding="utf-8"))
    data["culture"][0]["image"] = "images/tea.jpg"  # the same photo twice
    (village / "village.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (loaded,) = load_catalog(tmp_path / "villages").villages
    assert sorted(photos_of(loaded)) == ["images/hero.jpg", "images/tea.jpg"]


def test_buyer_texts_leave_out_names_of_the_village_and_its_people():
    catalog = load_catalog(REPO / "villages")
    paths = {path for village in catalog.villages for path, _ in buyer_texts(village)}
    assert ("story",) in paths and ("slogan",) in paths
    assert any(p[:1] == ("products",) and p[-1] == "name" for p in paths), "product names make claims"
    assert ("name",) not in paths
    assert not any(p[:1] == ("team",) and p[-1] == "name" for p in paths)
    assert any(p[:2] == ("live", "sessions") and p[-1] == "title" for p in paths)


def test_a_field_of_two_types_cannot_be_walked():
    @dataclasses.dataclass
    class Odd:
        value: int | str

    Odd.__pydantic_fields__ = {"value": type("F", (), {"alias": None})()}
    with pytest.raises(TypeError, match="one type"):
        fields._shapes(Odd)


def _template_paths(record: type = Profile, at: tuple = ()):
    """(path, marks) of every marked field, a list's items at index 0."""
    for _, key, (marks, many, inner) in fields._shapes(record):
        place = (*at, key, 0) if many else (*at, key)
        if inner is not None:
            yield from _template_paths(inner, place)
        elif marks:
            yield place, marks


def test_the_xss_corpus_fills_every_text_field_of_the_contract():
    from generator.profile.schema import MARKDOWN, TEXT
    from tests.site.test_xss_browser import TEXT_FIELDS

    filled = {path for path, _ in TEXT_FIELDS}
    for path, marks in _template_paths():
        if TEXT in marks:
            assert any(p[: len(path)] == path for p in filled), f"{path} is a Text field the XSS test does not fill"
        if MARKDOWN in marks:
            assert path in filled, f"{path} is a Markdown field the XSS test does not fill"
