"""Embedded fonts: just the drawn glyphs, and text that can be copied back out."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont
from fpdf.fonts import Glyph

from llp_gql.certs.embedding import subset_program, to_unicode_cmap
from llp_gql.certs.typefaces import asset


def test_to_unicode_maps_codes_to_their_characters_ligatures_to_several() -> None:
    used = [
        (Glyph(10, (0x41,), "A", 600), 1),
        (Glyph(11, (0x66, 0x69), "f_i", 550), 2),  # a ligature
        (Glyph(12, (), "matra", 0), 3),  # a glyph standing for no character of its own
        (Glyph(13, (0x4E2D,), "uni4E2D", 1000), 4),
    ]

    cmap = to_unicode_cmap(used).decode("ascii")

    assert "3 beginbfchar\n<0001> <0041>\n<0002> <00660069>\n<0004> <4E2D>\nendbfchar" in cmap
    assert "<0003>" not in cmap


def test_to_unicode_splits_long_maps_into_blocks_of_100() -> None:
    used = [(Glyph(i, (0x4E00 + i,), f"g{i}", 1000), i + 1) for i in range(250)]

    cmap = to_unicode_cmap(used).decode("ascii")

    assert cmap.count("100 beginbfchar") == 2
    assert cmap.count("50 beginbfchar") == 1
    assert cmap.count("endbfchar") == 3


def test_subset_keeps_just_the_drawn_glyphs_of_the_cjk_font() -> None:
    # Given three ideographs of the 3.4 MB CJK font
    cjk = asset("cjk")
    old_gids = sorted(cjk.gid_by_name[cjk.template.cmap[ord(ch)]] for ch in "王小明")

    # When the font is subset to them
    program, old_to_new = subset_program(cjk, old_gids)

    # Then the program holds .notdef, those glyphs renumbered from 1 with their
    # outlines, and the components a composite glyph is built from; nothing else
    font = TTFont(io.BytesIO(program))
    assert sorted(old_to_new[gid] for gid in old_gids) == [1, 2, 3]
    assert old_to_new[0] == 0
    glyf = font["glyf"]
    order = font.getGlyphOrder()
    assert all(glyf[order[old_to_new[gid]]].numberOfContours != 0 for gid in old_gids)
    components = {
        component.glyphName
        for name in order
        if glyf[name].isComposite()
        for component in glyf[name].components
    }
    assert set(order) == {".notdef", *(order[old_to_new[gid]] for gid in old_gids), *components}
    assert len(program) < 5_000
    # shaping is done before embedding: no layout or character map travels in the PDF
    assert not {"cmap", "GSUB", "GPOS", "GDEF"} & set(font.keys())
