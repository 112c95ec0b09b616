"""Bundled plugin: the ``palette_shift`` mutation operator (offline, instant).

Recolours a game by turning the hue of every colour its own code and styles write — ``#rgb``,
``#rrggbb``, ``rgb()/rgba()`` and ``hsl()/hsla()`` literals — by one angle, keeping lightness and
saturation, so contrast and readability survive. The shared game kit (its core and mechanic
modules, between ``/* ludeme:kit:…:begin */`` markers) is left as it is: only the game's own
colours change.

The angle comes from the direction when it names one — ``"120"``, ``"rotate 90 degrees"``,
``"warmer"`` (−30), ``"cooler"`` (+30), ``"complementary"`` (180) — otherwise from the seed
(60..300 degrees). ``ludeme mutate V --project P --operator palette_shift --direction cooler``
"""
from __future__ import annotations

import colorsys
import re

from ludeme.plugin_api import Operator, hookimpl

_KIT = re.compile(r"/\* ludeme:kit:([a-z0-9_]+):begin \*/.*?/\* ludeme:kit:\1:end \*/", re.S)
_HEX = re.compile(r"(?<![\w&])#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![0-9a-zA-Z_])")
_RGB = re.compile(r"\brgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(,\s*[\d.]+\s*)?\)")
_HSL = re.compile(r"\bhsla?\(\s*(-?[\d.]+)(deg)?\s*,")
_SELECTOR_BEFORE = re.compile(r"querySelector(?:All)?\(\s*[\"'`]$")
_WORDS = {"warmer": -30.0, "warm": -30.0, "cooler": 30.0, "cool": 30.0, "complementary": 180.0,
          "opposite": 180.0, "invert": 180.0}


def angle_for(direction: str, seed: int) -> float:
    text = (direction or "").lower()
    number = re.search(r"-?\d+(?:\.\d+)?", text)
    if number:
        return float(number.group(0)) % 360
    for word, angle in _WORDS.items():
        if re.search(rf"\b{word}\b", text):
            return angle % 360
    return float(60 + (int(seed) * 47) % 241)


def _turn(r: int, g: int, b: int, angle: float) -> tuple[int, int, int]:
    h, l, s = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    r2, g2, b2 = colorsys.hls_to_rgb((h + angle / 360) % 1.0, l, s)
    return round(r2 * 255), round(g2 * 255), round(b2 * 255)


def shift_colours(text: str, angle: float) -> tuple[str, int]:
    """``text`` with every colour literal's hue turned by ``angle`` degrees; and how many changed."""
    count = 0

    def hex_(m: re.Match) -> str:
        nonlocal count
        before, after = m.string[max(0, m.start() - 30):m.start()], m.string[m.end():m.end() + 8]
        if _SELECTOR_BEFORE.search(before) or re.match(r"\s*\{", after):  # an id selector, not a colour
            return m.group(0)
        digits = m.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
        new = "#%02x%02x%02x" % _turn(r, g, b, angle)
        count += new.lower() != "#" + digits.lower()
        return new

    def rgb(m: re.Match) -> str:
        nonlocal count
        r, g, b = (min(255, int(m.group(i))) for i in (1, 2, 3))
        r2, g2, b2 = _turn(r, g, b, angle)
        count += (r2, g2, b2) != (r, g, b)
        alpha = m.group(4)
        return f"rgba({r2}, {g2}, {b2}{alpha})" if alpha else f"rgb({r2}, {g2}, {b2})"

    def hsl(m: re.Match) -> str:
        nonlocal count
        count += 1
        return m.group(0).replace(m.group(1), f"{(float(m.group(1)) + angle) % 360:g}", 1)

    for pattern, fn in ((_HEX, hex_), (_RGB, rgb), (_HSL, hsl)):
        text = pattern.sub(fn, text)
    return text, count


def palette_shift(files: dict[str, bytes], direction: str, seed: int) -> dict[str, bytes]:
    html = files["index.html"].decode("utf-8")
    angle = angle_for(direction, seed)
    pieces, last, changed = [], 0, 0
    for m in _KIT.finditer(html):  # kit regions are copied unchanged, except the game's own piece
        own, n = shift_colours(html[last:m.start()], angle)
        pieces.append(own)
        changed += n
        if m.group(1) == "game":
            region, n = shift_colours(m.group(0), angle)
            pieces.append(region)
            changed += n
        else:
            pieces.append(m.group(0))
        last = m.end()
    tail, n = shift_colours(html[last:], angle)
    pieces.append(tail)
    changed += n
    if not changed:
        raise ValueError("the game writes no colour literals this operator could change")
    out = dict(files)
    out["index.html"] = "".join(pieces).encode("utf-8")
    for path, data in files.items():  # stylesheets and scripts beside index.html
        if path.endswith((".css", ".js")):
            out[path] = shift_colours(data.decode("utf-8", "replace"), angle)[0].encode("utf-8")
    return out


@hookimpl
def ludeme_operators():
    return [Operator("palette_shift", palette_shift,
                     description="turns the hue of the game's own colours (direction: degrees, warmer, cooler)")]
