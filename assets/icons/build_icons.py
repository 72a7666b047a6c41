"""Draw the kiosk's pictograms: white line/solid icons, 144×144 PNG, transparent background.

Run by a developer (`python assets/icons/build_icons.py`, needs Pillow); the PNGs are
committed beside this script. Every icon is drawn on a 1024×1024 mask (4× supersampling)
in a 256-unit grid, with one stroke width, round caps and round joins, inside a ~12 %
margin, then reduced by area averaging to 144×144 for clean antialiased edges. The ink is
white (#FFFFFF) so the icons sit on the deep-teal buttons (RGB 0, 84, 92); the UI may tint
them with a Kivy Color. No icon holds a letter or a digit: they serve all four languages.

Journey icons: ticket, status, guide, account, passport, firearm_licence, search, back,
online, offline, printer, listen. Family icons: one `family-<letter>.png` per ticket family of
kiosk/domain/catalogue.json; the build fails when the catalogue has a family without one.

`--sheet PATH` also writes a labelled contact sheet (all icons on teal, at 256 and 64 px)
for a visual check. Licence: MIT, like the project (LICENSE.txt beside this file).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parent.parent / "kiosk" / "domain" / "catalogue.json"
FONT = HERE.parent / "fonts" / "NotoSans-Regular.ttf"

SIZE = 256  # the units every icon is drawn in
# The PNG's size: 1.5 times the largest icon on screen (96 dp at a density of 1). Each icon
# is a texture for the life of the app: 256 px cost 3 MB of the memory budget for nothing.
OUTPUT = 144
SS = 4  # supersampling factor
W = 16.0  # the one stroke width, in output pixels
GAP = 8.0  # clearance around a shape that overlaps another
KNOCK = 10.0  # width of the lines cut out of solid shapes
INK = (255, 255, 255)
TEAL = (0, 84, 92)

Point = tuple[float, float]


# --- geometry ------------------------------------------------------------------------


def arc(c: Point, r: float, a0: float, a1: float, n: int = 0) -> list[Point]:
    """Points on a circle from angle a0 to a1 (degrees, y down, so 90 is straight down)."""
    n = n or max(8, int(abs(a1 - a0) / 4))
    return [
        (
            c[0] + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
            c[1] + r * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
        )
        for i in range(n + 1)
    ]


def cubic(p0: Point, p1: Point, p2: Point, p3: Point, n: int = 40) -> list[Point]:
    """Points on a cubic Bézier curve."""
    out: list[Point] = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return out


def rounded(pts: Sequence[Point], radius: float | Sequence[float], closed: bool) -> list[Point]:
    """The polygon/polyline `pts` with each corner replaced by a tangent arc of `radius`."""
    n = len(pts)
    radii = [float(radius)] * n if isinstance(radius, int | float) else list(radius)
    out: list[Point] = []
    for i, p in enumerate(pts):
        r = radii[i]
        if (not closed and i in (0, n - 1)) or r <= 0:
            out.append(p)
            continue
        a, b = pts[i - 1], pts[(i + 1) % n]
        la, lb = math.dist(a, p), math.dist(b, p)
        u = ((a[0] - p[0]) / la, (a[1] - p[1]) / la)
        v = ((b[0] - p[0]) / lb, (b[1] - p[1]) / lb)
        theta = math.acos(max(-1.0, min(1.0, u[0] * v[0] + u[1] * v[1])))
        if theta < 1e-3 or theta > math.pi - 1e-3:
            out.append(p)
            continue
        t = min(r / math.tan(theta / 2), la / 2, lb / 2)
        r = t * math.tan(theta / 2)
        bis = (u[0] + v[0], u[1] + v[1])
        lbis = math.hypot(*bis)
        d = r / math.sin(theta / 2)
        c = (p[0] + bis[0] / lbis * d, p[1] + bis[1] / lbis * d)
        t1 = (p[0] + u[0] * t, p[1] + u[1] * t)
        t2 = (p[0] + v[0] * t, p[1] + v[1] * t)
        a1 = math.degrees(math.atan2(t1[1] - c[1], t1[0] - c[0]))
        a2 = math.degrees(math.atan2(t2[1] - c[1], t2[0] - c[0]))
        sweep = (a2 - a1 + 180) % 360 - 180
        out.extend(arc(c, r, a1, a1 + sweep))
    return out


def rect(x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def rrect(x0: float, y0: float, x1: float, y1: float, r: float) -> list[Point]:
    return rounded(rect(x0, y0, x1, y1), r, closed=True)


def mirror(pts: Sequence[Point], cx: float = SIZE / 2) -> list[Point]:
    return [(2 * cx - x, y) for x, y in pts]


def shield(cx: float, cy: float, w: float, h: float) -> list[Point]:
    """A heraldic shield outline (flat top, straight sides, curved point), centred."""
    top, hw = cy - h / 2, w / 2
    right = [(cx, top), (cx + hw, top), (cx + hw, cy - h * 0.06)]
    right += cubic(
        (cx + hw, cy - h * 0.06),
        (cx + hw, cy + h * 0.28),
        (cx + hw * 0.45, cy + h * 0.42),
        (cx, cy + h / 2),
    )[1:]
    return right + mirror(right[1:-1], cx)[::-1]


def heart(cx: float, top: float, width: float) -> list[Point]:
    """A geometric heart: a square on its corner with a half-disc on each upper side."""
    side = width / (1 + math.sqrt(0.5))
    h = side * math.sqrt(0.5)
    cy = top + h / 2 + side / 2
    pts: list[Point] = [(cx, cy + h), (cx - h, cy)]
    pts += arc((cx - h / 2, cy - h / 2), side / 2, 135, 315)[1:-1]
    pts += [(cx, cy - h)]
    pts += arc((cx + h / 2, cy - h / 2), side / 2, 225, 405)[1:-1]
    pts += [(cx + h, cy)]
    return pts


# --- drawing ---------------------------------------------------------------------------


class Canvas:
    """A supersampled 8-bit mask: 255 is ink, 0 is transparent."""

    def __init__(self) -> None:
        self.img = Image.new("L", (SIZE * SS, SIZE * SS), 0)
        self.draw = ImageDraw.Draw(self.img)

    @staticmethod
    def _s(pts: Sequence[Point]) -> list[Point]:
        return [(x * SS, y * SS) for x, y in pts]

    def stroke(
        self, pts: Sequence[Point], closed: bool = False, width: float = W, ink: int = 255
    ) -> None:
        """A polyline with round caps and round joins."""
        sp = self._s(pts)
        if closed:
            sp = [*sp, sp[0]]
        r = width * SS / 2
        for a, b in itertools.pairwise(sp):
            self.draw.line([a, b], fill=ink, width=round(width * SS))
        for x, y in sp:
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=ink)

    def fill(self, pts: Sequence[Point], ink: int = 255) -> None:
        self.draw.polygon(self._s(pts), fill=ink)

    def solid(self, pts: Sequence[Point], ink: int = 255, grow: float = 0.0) -> None:
        """A filled shape whose outline is rounded like a stroke (and grown by `grow`)."""
        self.fill(pts, ink)
        self.stroke(pts, closed=True, width=W + 2 * grow, ink=ink)

    def ring(self, c: Point, r: float, width: float = W, ink: int = 255) -> None:
        x, y, h = c[0] * SS, c[1] * SS, (r + width / 2) * SS
        self.draw.ellipse([x - h, y - h, x + h, y + h], outline=ink, width=round(width * SS))

    def disc(self, c: Point, r: float, ink: int = 255) -> None:
        x, y, h = c[0] * SS, c[1] * SS, r * SS
        self.draw.ellipse([x - h, y - h, x + h, y + h], fill=ink)

    def dot(self, c: Point, ink: int = 255) -> None:
        self.disc(c, W / 2, ink)

    def clip_disc(self, layer: Canvas, c: Point, r: float) -> None:
        """Add `layer`'s ink, kept only inside the disc (c, r)."""
        mask = Canvas()
        mask.disc(c, r)
        self.img = ImageChops.lighter(self.img, ImageChops.multiply(layer.img, mask.img))
        self.draw = ImageDraw.Draw(self.img)

    def render(self) -> Image.Image:
        alpha = self.img.resize((OUTPUT, OUTPUT), Image.Resampling.BOX)
        out = Image.new("RGBA", (OUTPUT, OUTPUT), (*INK, 0))
        out.putalpha(alpha)
        return out


# --- shared motifs -----------------------------------------------------------------


def document(cv: Canvas, x0: float, y0: float, x1: float, y1: float, fold: float = 36) -> None:
    """A page with a folded top-right corner."""
    page = [(x0, y0), (x1 - fold, y0), (x1, y0 + fold), (x1, y1), (x0, y1)]
    cv.stroke(rounded(page, [12, 0, 0, 12, 12], closed=True), closed=True)
    cv.stroke(rounded([(x1 - fold, y0), (x1 - fold, y0 + fold), (x1, y0 + fold)], 8, False))


def bust(
    cv: Canvas,
    cx: float,
    head_y: float,
    head_r: float,
    top: float,
    bottom: float,
    hw: float,
    knock: bool = False,
) -> None:
    """A person: a head and an arched pair of shoulders, open at the bottom."""
    body = rounded(
        [(cx - hw, bottom), (cx - hw, top), (cx + hw, top), (cx + hw, bottom)],
        hw * 0.95,
        closed=False,
    )
    if knock:
        cv.solid(body, ink=0, grow=GAP)
        cv.disc((cx, head_y), head_r + W / 2 + GAP, ink=0)
    cv.ring((cx, head_y), head_r)
    cv.stroke(body)


def cloud(cv: Canvas, cx: float, cy: float, k: float) -> None:
    """A solid cloud, three bumps on a flat base: a 100×52 design centred, scaled by `k`."""

    def p(x: float, y: float) -> Point:
        return (cx + x * k, cy + (y + 6) * k)

    for (x, y), r in (((-26, 2), 18), ((2, -6), 26), ((26, 4), 16)):
        cv.disc(p(x, y), r * k)
    cv.fill([p(-26, 0), p(26, 0), p(26, 20), p(-26, 20)])


# --- journey icons ---------------------------------------------------------------------


def draw_ticket(cv: Canvas) -> None:
    x0, y0, x1, y1, cy, nr = 40.0, 68.0, 216.0, 188.0, 128.0, 18.0
    outline: list[Point] = []
    outline += rounded([(x0, cy - nr), (x0, y0), (x1, y0), (x1, cy - nr)], 16, closed=False)
    outline += arc((x1, cy), nr, -90, -270)[1:]
    outline += rounded([(x1, cy + nr), (x1, y1), (x0, y1), (x0, cy + nr)], 16, closed=False)[1:]
    outline += arc((x0, cy), nr, 90, -90)[1:]
    cv.stroke(outline, closed=True)
    for y in (96, 128, 160):
        cv.disc((94, y), W * 0.4)
    cv.stroke([(124, 108), (188, 108)])
    cv.stroke([(124, 148), (168, 148)])


def draw_status(cv: Canvas) -> None:
    document(cv, 48, 40, 164, 216)
    cv.stroke([(76, 96), (112, 96)])
    cv.stroke([(76, 128), (104, 128)])
    c, r = (164.0, 168.0), 48.0
    cv.disc(c, r + W / 2 + GAP, ink=0)
    cv.ring(c, r)
    cv.stroke([(164, 144), (164, 168), (182, 180)])


def draw_guide(cv: Canvas) -> None:
    left = [(128, 196)]
    left += cubic((128, 196), (108, 180), (76, 174), (40, 178))[1:]
    left += [(40, 62)]
    left += cubic((40, 62), (76, 54), (110, 62), (128, 80))[1:]
    for page in (left, mirror(left)):
        cv.stroke(page, closed=True)


def draw_account(cv: Canvas) -> None:
    c, r = (128.0, 128.0), 88.0
    cv.ring(c, r)
    cv.ring((128, 106), 30)
    body = Canvas()
    body.stroke(rounded([(72, 240), (72, 160), (184, 160), (184, 240)], 56, closed=False))
    cv.clip_disc(body, c, r)


def draw_passport(cv: Canvas) -> None:
    """A passport booklet with a globe on its cover."""
    cv.stroke(rrect(60, 40, 196, 216, 16), closed=True)
    c, r = (128.0, 112.0), 42.0
    cv.disc(c, r)
    meridian = [
        (c[0] + r * 0.4 * math.cos(math.pi * i / 36), c[1] + r * math.sin(math.pi * i / 36))
        for i in range(72)
    ]
    cv.stroke(meridian, closed=True, width=KNOCK, ink=0)
    cv.stroke([(c[0] - r, c[1]), (c[0] + r, c[1])], width=KNOCK, ink=0)
    cv.stroke([(100, 182), (156, 182)])


def draw_firearm_licence(cv: Canvas) -> None:
    """A licence card with a shield emblem (no weapon drawn)."""
    cv.stroke(rrect(40, 64, 216, 192, 16), closed=True)
    cv.solid(shield(88, 128, 44, 60))
    for y, x1 in ((100, 184), (128, 184), (156, 164)):
        cv.stroke([(136, y), (x1, y)])


def draw_search(cv: Canvas) -> None:
    c, r = (108.0, 108.0), 60.0
    cv.ring(c, r)
    a = (c[0] + r * math.cos(math.pi / 4), c[1] + r * math.sin(math.pi / 4))
    cv.stroke([a, (208, 208)])


def draw_back(cv: Canvas) -> None:
    cv.stroke([(208, 128), (48, 128)])
    cv.stroke([(112, 64), (48, 128), (112, 192)])


def draw_online(cv: Canvas) -> None:
    cv.disc((128, 128), 96)
    cv.stroke([(84, 132), (114, 162), (174, 100)], ink=0)


def draw_offline(cv: Canvas) -> None:
    c, r = (128.0, 128.0), 88.0
    cv.ring(c, r)
    cloud(cv, 128, 128, 1.5)
    d = r * math.cos(math.pi / 4)
    slash = [(c[0] - d, c[1] - d), (c[0] + d, c[1] + d)]
    cv.stroke(slash, width=W + 10, ink=0)  # a narrower gap: the cloud stays whole
    cv.ring(c, r)
    cv.stroke(slash)


def draw_printer(cv: Canvas) -> None:
    cv.stroke(rounded([(76, 88), (76, 40), (180, 40), (180, 88)], 10, closed=False))
    cv.stroke(rrect(40, 88, 216, 180, 18), closed=True)
    paper = rect(76, 144, 180, 216)
    cv.solid(paper, ink=0, grow=GAP)
    cv.stroke(rounded(paper, [0, 0, 10, 10], closed=True), closed=True)
    cv.dot((188, 118))


# --- family icons ----------------------------------------------------------------------


def draw_family_residence(cv: Canvas) -> None:
    """Residence and administrative certificates: a certificate with a house."""
    document(cv, 44, 40, 160, 216)
    cv.stroke([(72, 96), (112, 96)])
    cv.stroke([(72, 128), (100, 128)])
    house = [(132, 176), (172, 140), (212, 176), (212, 216), (132, 216)]
    cv.solid(house, ink=0, grow=GAP)
    cv.solid(house)
    cv.fill(rounded(rect(162, 188, 182, 228), [6, 6, 0, 0], closed=True), ink=0)


def draw_family_people(cv: Canvas) -> None:
    """Family-situation certificates: two parents and a child."""
    bust(cv, 78, 76, 24, 124, 208, 38)
    bust(cv, 178, 76, 24, 124, 208, 38)
    bust(cv, 128, 132, 18, 172, 208, 28, knock=True)


def draw_family_social(cv: Canvas) -> None:
    """Social certificates (indigence, income): a hand holding up a heart."""
    cv.solid(heart(152, 48, 72))
    cv.solid(rrect(42, 156, 54, 212, 4))
    cv.stroke(
        rounded(
            [(72, 168), (100, 154), (148, 154), (148, 178), (114, 178)],
            [0, 10, 12, 12, 0],
            closed=False,
        )
    )
    cv.stroke(
        rounded(
            [(72, 206), (160, 206), (214, 166), (200, 148), (166, 174)],
            [0, 20, 12, 10, 0],
            closed=False,
        )
    )


def draw_listen(cv: Canvas) -> None:
    """A loudspeaker with two sound waves: "listen again"."""
    cv.solid(rounded([(40, 100), (80, 100), (132, 52), (132, 204), (80, 156), (40, 156)], 6, True))
    for r in (40.0, 72.0):
        cv.stroke(arc((132, 128), r, -45, 45))


JOURNEYS: dict[str, Callable[[Canvas], None]] = {
    "ticket": draw_ticket,
    "status": draw_status,
    "guide": draw_guide,
    "account": draw_account,
    "passport": draw_passport,
    "firearm_licence": draw_firearm_licence,
    "search": draw_search,
    "back": draw_back,
    "online": draw_online,
    "offline": draw_offline,
    "printer": draw_printer,
    "listen": draw_listen,
}

# One pictogram per ticket family of kiosk/domain/catalogue.json (letter -> drawing).
FAMILIES: dict[str, Callable[[Canvas], None]] = {
    "A": draw_family_residence,
    "B": draw_family_people,
    "C": draw_family_social,
    "P": draw_passport,
    "F": draw_firearm_licence,
}


def icons() -> dict[str, Callable[[Canvas], None]]:
    return {**JOURNEYS, **{f"family-{k}": v for k, v in FAMILIES.items()}}


def check_families() -> None:
    """Fail when the catalogue has a ticket family with no pictogram."""
    if not CATALOGUE.exists():
        return
    letters = {f["letter"] for f in json.loads(CATALOGUE.read_text("utf-8"))["families"]}
    missing = sorted(letters - FAMILIES.keys())
    if missing:
        raise SystemExit(f"no pictogram for ticket family {', '.join(missing)}: add one")


def build(out: Path) -> dict[str, Image.Image]:
    out.mkdir(parents=True, exist_ok=True)
    done: dict[str, Image.Image] = {}
    for name, draw in icons().items():
        cv = Canvas()
        draw(cv)
        img = cv.render()
        img.save(out / f"{name}.png", optimize=True)
        done[name] = img
    return done


def contact_sheet(images: dict[str, Image.Image], path: Path) -> None:
    """All icons on teal, each at full size (with its margin shown) and at 64 px, labelled."""
    cols, cell_w, cell_h = 4, 340, 330
    rows = math.ceil(len(images) / cols)
    sheet = Image.new("RGB", (cols * cell_w, rows * cell_h), TEAL)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(FONT), 18) if FONT.exists() else ImageFont.load_default()
    m = round(OUTPUT * 0.12)
    for i, (name, img) in enumerate(images.items()):
        x, y = (i % cols) * cell_w + 8, (i // cols) * cell_h + 8
        draw.rectangle([x, y, x + OUTPUT - 1, y + OUTPUT - 1], outline=(0, 110, 120))
        draw.rectangle([x + m, y + m, x + OUTPUT - m, y + OUTPUT - m], outline=(0, 100, 110))
        sheet.paste(img, (x, y), img)
        small = img.resize((64, 64), Image.Resampling.LANCZOS)
        sheet.paste(small, (x + OUTPUT + 6, y + 8), small)
        draw.text((x, y + OUTPUT + 8), f"{name}.png", font=font, fill=(255, 255, 255))
    sheet.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    ap.add_argument("--sheet", type=Path, help="also write a contact sheet here")
    args = ap.parse_args()
    check_families()
    images = build(args.out)
    if args.sheet:
        contact_sheet(images, args.sheet)
    for name in images:
        print(f"{name}.png {(args.out / f'{name}.png').stat().st_size} bytes")


if __name__ == "__main__":
    main()
