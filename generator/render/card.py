"""The site's sharing card: the picture a link to any page shows where it is shared (og:image).

One PNG of 1200 x 630 px (the size OpenGraph and the large Twitter card take), made at build time
with Pillow and no external service: the site's name, a neutral line saying what the site is, and
its address. Text only, in the theme's blue grey and accent colours: no picture of any group, flag
or person. The font is Pillow's own (``ImageFont.load_default``, bundled with its wheels), so the
same inputs give the same bytes on any machine with the same Pillow.

One card serves every page: a card per page would cost tens of milliseconds each (minutes at 5,000
pages) for a picture that would differ only by its title, which the shared link shows anyway. It is
kept by its inputs, so that ``mkdocs serve`` does not draw it again on each rebuild.
"""

from __future__ import annotations

import functools
import io
from urllib.parse import urlsplit

from PIL import Image, ImageDraw, ImageFont

CARD_FILE = "assets/kb-card.png"
WIDTH, HEIGHT = 1200, 630
LINE = "Cited profiles of groups, people and events, each statement linked to its source"
_MARGIN = 80
_BACKGROUND = "#263238"  # Material's blue grey 900, the theme's primary family
_ACCENT = "#ff5722"  # the theme's accent, deep orange
_TITLE, _TEXT, _QUIET = "#ffffff", "#eceff1", "#b0bec5"


def alt_text(site_name: str) -> str:
    """What the card shows, in words (og:image:alt)."""
    return f"{site_name}: {LINE[0].lower()}{LINE[1:]}"


@functools.lru_cache(maxsize=4)
def card_png(site_name: str, site_url: str | None) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 23, HEIGHT), fill=_ACCENT)
    inner = WIDTH - 2 * _MARGIN
    title = _fitting(draw, site_name, 120, inner)
    top = 170
    draw.text((_MARGIN, top), site_name, font=title, fill=_TITLE)
    top += _height(draw, site_name, title) + 60
    text = ImageFont.load_default(size=46)
    for line in _wrapped(draw, LINE, text, inner):
        draw.text((_MARGIN, top), line, font=text, fill=_TEXT)
        top += 62
    address = _address(site_url)
    if address:
        draw.text((_MARGIN, HEIGHT - _MARGIN - 34), address, font=ImageFont.load_default(size=34), fill=_QUIET)
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True saves 2 kB for 60 ms more a build
    return out.getvalue()


def _fitting(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The default font at ``size`` px, smaller where a long site name would not fit on one line."""
    while size > 40 and draw.textlength(text, font=ImageFont.load_default(size=size)) > width:
        size -= 8
    return ImageFont.load_default(size=size)


def _height(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    return int(bottom)


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """``text`` in lines of whole words, each at most ``width`` px wide."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _address(site_url: str | None) -> str:
    """The site's address as a reader types it: example.org/khorasan-brief."""
    if not site_url:
        return ""
    parts = urlsplit(site_url)
    return (parts.netloc + parts.path).rstrip("/")
