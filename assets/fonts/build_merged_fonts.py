"""Build the GAU Sans fonts: Noto Sans Arabic / Tifinagh with the Latin letters of Noto Sans.

Run once by a developer (`python assets/fonts/build_merged_fonts.py`, needs fonttools);
the results are committed. Why: a line such as "رقمك: A-042" is laid out by one call to
Raqm (FriBiDi for the order, HarfBuzz for the shapes), on screen as on paper, and one call
has one font; Noto Sans Arabic has no Latin letters, Noto Sans Tifinagh none either, so the
"A" came out as a box. Each merged font keeps its script's glyphs, metrics and shaping
tables first, and takes from Noto Sans only the Latin and punctuation it lacks.
Licence: SIL Open Font License 1.1 (OFL.txt beside this file), like the Noto fonts; Noto
declares no Reserved Font Name, and the merged fonts are renamed all the same.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger, Options
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
# ASCII, Latin-1, Latin Extended-A (œ, Ç…), typographic quotes, dashes, no-break spaces, €.
LATIN = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    0x2009,
    0x2013,
    0x2014,
    0x2018,
    0x2019,
    0x201C,
    0x201D,
    0x2022,
    0x2026,
    0x202F,
    0x20AC,
]
# (family name, script font per weight)
FAMILIES = {
    "GAU Sans Arabic": {
        "Regular": "NotoSansArabic-Regular.ttf",
        "Bold": "NotoSansArabic-Bold.ttf",
    },
    # Noto Sans Tifinagh has a regular weight only: its bold is the regular, with bold Latin.
    "GAU Sans Tifinagh": {
        "Regular": "NotoSansTifinagh-Regular.ttf",
        "Bold": "NotoSansTifinagh-Regular.ttf",
    },
}


def latin_subset(weight: str, folder: Path) -> Path:
    """Noto Sans cut down to the Latin and punctuation a kiosk line can hold."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(HERE / f"NotoSans-{weight}.ttf")
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=LATIN)
    subsetter.subset(font)
    path = folder / f"latin-{weight}.ttf"
    font.save(path)
    return path


def rename(font: TTFont, family: str, weight: str) -> None:
    """Give the merged font its own names (family, style, full and PostScript name)."""
    postscript = f"{family.replace(' ', '')}-{weight}"
    names = {1: family, 2: weight, 3: f"{postscript};GAU Kiosk", 4: f"{family} {weight}"}
    names |= {6: postscript, 16: family, 17: weight}
    table = font["name"]
    for name_id, text in names.items():
        table.removeNames(nameID=name_id)
        table.setName(text, name_id, 3, 1, 0x409)


def build() -> list[Path]:
    """Write every merged font beside this file; return their paths."""
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for family, weights in FAMILIES.items():
            for weight, script_font in weights.items():
                latin = latin_subset(weight, Path(scratch))
                # The script font first: where both map a character, its glyph wins.
                merged = Merger(options=Options(drop_tables=["vhea", "vmtx"])).merge(
                    [str(HERE / script_font), str(latin)]
                )
                rename(merged, family, weight)
                path = HERE / f"{family.replace(' ', '')}-{weight}.ttf"
                merged.save(path)
                written.append(path)
    return written


if __name__ == "__main__":
    for built in build():
        print(built)
