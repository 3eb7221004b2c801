"""Arabic names as a small raster image: printers' code pages cannot shape Arabic.

Pillow lays the text out right to left with libraqm (joined letter forms); the image goes to the
printer as ``GS v 0``. Without a font that has Arabic glyphs, or without libraqm, the caller falls
back to text (see ``can_render``).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
DOTS_PER_COLUMN = 12  # font A is 12 dots wide: 42 columns = 504 dots on 80 mm paper
FONT_PX = 20  # a little under font A's 24-dot height: legible, fewer bytes


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


@lru_cache(maxsize=1)
def font_path() -> str | None:
    """``CARNET_ARABIC_FONT`` first, then usual system fonts with Arabic glyphs."""
    wanted = os.environ.get("CARNET_ARABIC_FONT")
    for candidate in ((wanted,) if wanted else ()) + FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@lru_cache(maxsize=1)
def can_render() -> bool:
    from PIL import features

    return font_path() is not None and bool(features.check("raqm"))


def render(text: str, max_width_dots: int):  # -> PIL.Image.Image (mode "1")
    """The text shaped, cropped to its ink, cut on the left if too wide.

    Direction comes from the first strong letter (libraqm's default): a bare Arabic name runs right
    to left, "Client : <name>" keeps its French start on the left.
    """
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path() or "", FONT_PX)
    left, top, right, bottom = font.getbbox(text, language="ar")
    width, height = max(1, right - left), max(1, bottom - top)
    image = Image.new("1", (width, height), 1)
    ImageDraw.Draw(image).text((-left, -top), text, font=font, fill=0, language="ar")
    if width > max_width_dots:  # right to left: keep the beginning, which is on the right
        image = image.crop((width - max_width_dots, 0, width, height))
    return image


def raster_bytes(image) -> bytes:
    """``GS v 0`` raster of a mode-"1" image (black = 0 in Pillow, 1 on the printer).

    No padding: the image is as narrow as its ink, and the current ``ESC a`` justification places it.
    """
    width, height = image.size
    row_bytes = (width + 7) // 8
    pixels = image.load()
    data = bytearray(row_bytes * height)
    for y in range(height):
        for x in range(width):
            if pixels[x, y] == 0:
                data[y * row_bytes + x // 8] |= 0x80 >> (x % 8)
    header = b"\x1dv0\x00" + bytes([row_bytes & 0xFF, row_bytes >> 8, height & 0xFF, height >> 8])
    return header + bytes(data)
