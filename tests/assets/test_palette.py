"""Brand palettes: readable whatever colours a cooperative picks, and derived when it picks none."""

from __future__ import annotations

from PIL import Image, ImageDraw

from generator.assets.palette import MIN_CONTRAST, WHITE, build_palette, contrast


def _readable(palette) -> bool:
    return (
        contrast(palette.primary, palette.on_primary) >= MIN_CONTRAST
        and contrast(palette.accent, palette.on_accent) >= MIN_CONTRAST
        and contrast(palette.link, WHITE) >= MIN_CONTRAST
    )


def test_readable_colours_are_kept_as_given():
    palette = build_palette("#2F6B3A", "#E8C547", photo=None, seed="x")
    assert (palette.primary, palette.accent, palette.adjustments) == ("#2F6B3A", "#E8C547", ())
    assert palette.on_primary == "#FFFFFF" and palette.on_accent == "#1B1B1B"
    assert _readable(palette)


def test_unreadable_colour_is_adjusted_and_reported():
    palette = build_palette("#7FB08A", "#E8C547", photo=None, seed="x")  # mid green: 2.4:1 on white, 7:1 on ink
    assert _readable(palette)
    assert palette.link != "#7FB08A" and contrast(palette.link, WHITE) >= MIN_CONTRAST
    middle = build_palette("#5B8C3D", "#E8C547", photo=None, seed="x")  # fails with both white and ink text
    assert _readable(middle)
    assert middle.primary != "#5B8C3D"
    assert middle.adjustments and "brand.colors.primary #5B8C3D" in middle.adjustments[0]
    assert "WCAG AA needs 4.5:1" in middle.adjustments[0]


def test_colours_come_from_the_hero_photo_when_absent():
    photo = Image.new("RGB", (200, 120), (30, 90, 160))
    ImageDraw.Draw(photo).rectangle((0, 80, 200, 120), fill=(220, 170, 40))
    palette = build_palette(None, None, photo=photo, seed="x")
    assert palette.source == "photo" and _readable(palette)
    red, green, blue = (int(palette.primary[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red and blue > green  # the photo's dominant blue leads


def test_seeded_palettes_differ_by_village_and_repeat_by_name():
    one, two = build_palette(None, None, photo=None, seed="a"), build_palette(None, None, photo=None, seed="b")
    assert one.primary != two.primary
    assert build_palette(None, None, photo=None, seed="a") == one
    assert _readable(one) and _readable(two)
