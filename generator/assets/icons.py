"""Favicons and touch icons from a logo, given or generated (sizes in `data/layouts/icons.yml`)."""

from __future__ import annotations

import io

from PIL import Image

from generator.assets.draw import rgb
from generator.layouts import layout
from generator.urls import icon_names as icon_names  # the names are urls.py's: read.py keeps photos off them


def square(logo: Image.Image, size: int) -> Image.Image:
    """The logo centred in a transparent square of `size`, its aspect kept."""
    logo = logo.convert("RGBA")
    scale = size / max(logo.size)
    fitted = logo.resize(
        (max(1, round(logo.width * scale)), max(1, round(logo.height * scale))), Image.Resampling.LANCZOS
    )
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas.alpha_composite(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    return canvas


def _png(image: Image.Image) -> bytes:
    """An icon as a 256-colour PNG: a seal or a logo is a few flat colours and their edges, so the
    palette keeps it as it was (SSIM 0.997 and above on the samples' seals) at a fifth of the bytes
    of a full-colour PNG. Not dithered: dithering would speckle the flat colours."""
    out = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, "PNG", compress_level=6)
    return out.getvalue()


def icon_files(logo: Image.Image, background: str) -> dict[str, bytes]:
    """File name -> bytes: logo.png, icon-<n>.png, favicon.ico and apple-touch-icon.png.

    The touch icon is opaque (`background` behind the logo), since iOS paints transparency black.
    """
    sizes = layout("icons")
    big = square(logo, sizes["logo"])
    files = {"logo.png": _png(big)}
    for n in sizes["png"]:
        # At the logo's own size the icon is the logo itself: encoded once (a PNG encode is most
        # of an icon's cost).
        files[f"icon-{n}.png"] = (
            files["logo.png"] if n == big.width else _png(big.resize((n, n), Image.Resampling.LANCZOS))
        )
    ico = io.BytesIO()
    largest = max(sizes["ico"])
    big.resize((largest, largest), Image.Resampling.LANCZOS).save(ico, "ICO", sizes=[(n, n) for n in sizes["ico"]])
    files["favicon.ico"] = ico.getvalue()
    touch = sizes["touch"]
    inner = round(touch["size"] * (1 - 2 * touch["padding"]))
    plate = Image.new("RGBA", (touch["size"], touch["size"]), (*rgb(background), 255))
    offset = (touch["size"] - inner) // 2
    plate.alpha_composite(big.resize((inner, inner), Image.Resampling.LANCZOS), (offset, offset))
    files["apple-touch-icon.png"] = _png(plate.convert("RGB"))
    return files
