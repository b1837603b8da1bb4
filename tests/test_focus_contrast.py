"""The focus ring stands out (WCAG 2.2, 1.4.11): at least 3:1 against every background
it can be drawn on, in the admin and the learner style sheets.

Read from the CSS itself (custom properties resolved), so a new background colour or
a lighter ``--focus`` fails here. The ring is drawn *outside* the element
(``outline-offset`` > 0), so it lies on the surfaces that hold focusable things: the
light backgrounds. Dark fills (a primary button, the video's black box, the brand
mark) are the focused elements themselves or hold none, and the ring never lies on them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHEETS = [ROOT / "admin_ui/static/admin.css", ROOT / "learner_ui/static/learner.css"]
MINIMUM = 3.0
# Below this relative luminance a colour is a fill (text on it is white), not a surface.
SURFACE_LUMINANCE = 0.4


def custom_properties(css: str) -> dict[str, str]:
    return {name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", css)}


def resolve(value: str, props: dict[str, str]) -> str:
    for _ in range(5):
        match = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
        if not match:
            break
        value = props[match.group(1)]
    return value.strip()


def rgb(colour: str) -> tuple[float, float, float]:
    hexa = colour.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    assert re.fullmatch(r"[0-9a-fA-F]{6}", hexa), f"not a hex colour: {colour}"
    r, g, b = (int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def backgrounds(css: str, props: dict[str, str]) -> set[str]:
    """Every colour a rule paints as a background (the first colour of the value)."""
    found = set()
    for value in re.findall(r"background(?:-color)?\s*:\s*([^;}]+)", css):
        token = value.strip().split()[0]
        token = resolve(token, props)
        if token.startswith("#"):
            found.add(token.lower())
    return found


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.name)
def test_the_focus_ring_has_3_to_1_against_every_light_background(sheet: Path) -> None:
    css = sheet.read_text(encoding="utf-8")
    props = custom_properties(css)
    focus = resolve(props["--focus"], props)
    surfaces = {c for c in backgrounds(css, props) if luminance(c) >= SURFACE_LUMINANCE}
    # The page and card backgrounds are surely among them: the parser found something.
    assert resolve(props["--bg"], props).lower() in surfaces
    assert resolve(props["--surface"], props).lower() in surfaces
    weak = {c: round(contrast(focus, c), 2) for c in surfaces if contrast(focus, c) < MINIMUM}
    assert weak == {}, f"{sheet.name}: focus {focus} is under {MINIMUM}:1 against {weak}"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.name)
def test_every_focus_outline_uses_the_focus_colour_outside_the_element(sheet: Path) -> None:
    css = sheet.read_text(encoding="utf-8")
    outlines = re.findall(r"(?<![\w-])outline\s*:\s*([^;}]+)", css)
    visible = [o for o in outlines if o.strip() not in {"none", "0"}]
    assert visible, "no focus outline found"
    assert all("var(--focus)" in o for o in visible), visible
    offsets = [float(v) for v in re.findall(r"outline-offset\s*:\s*(-?[\d.]+)px", css)]
    assert offsets
    assert min(offsets) > 0, "the ring must lie outside the element"


def test_the_old_amber_ring_would_fail() -> None:
    # The check itself can fail: the amber the admin pages used was 2.1:1 on white.
    assert contrast("#f0a500", "#ffffff") < MINIMUM
