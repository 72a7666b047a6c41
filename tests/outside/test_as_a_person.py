"""The kiosk as a person meets it: `kiosk demo` on an X display, taps, and what shows.

Each test drives the real `kiosk demo` (its own reference server and capture printer) only
through X: xdotool taps at the points where the app's widget map says things are, and the
outcome is judged on screenshots and on that map (what a screen reader would read). The
tests of one screen size share one running kiosk, in the order written here.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator

from PIL import Image

from kiosk.domain.catalogue import packaged_catalogue
from tests.outside.conftest import KioskPool
from tests.support.outside_driver import (
    LANGUAGE_NAMES,
    OutsideKiosk,
    Rect,
    ScreenMap,
    Seen,
    changed_fraction,
    dominant_colour,
    tr,
)

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)
SMALL_LANDSCAPE = (1366, 768)
DEMO_CIN, DEMO_PIN = "AB123456", "123456"  # Amina El Idrissi in the demo data
PHONE = "0612345678"
DOSSIER = "PP-2026-000100"
PRE_REQUEST_OFFER = "Make a pre-request without an account"
# Home's journeys and the words on their tiles (msgids of the kiosk's catalogues).
JOURNEY_TILES = {
    "ticket": "Take a queue ticket",
    "status": "Follow a passport or firearm-licence application",
    "guide": "Guide of procedures",
    "account": "My CAU account: certificates and requests",
}
CATALOGUE = packaged_catalogue()
# A person sees a change when this share of an area's pixels changes colour.
VISIBLE_CHANGE = 0.02


# --- journeys, as a person walks them ----------------------------------------------------


def tile(home: ScreenMap, journey: str) -> Seen:
    """Home's tile for `journey`: by its name in the map, else by the words on it."""
    found = home.find(id=f"home.tiles.{journey}")
    return found[0] if found else home.one(text=tr(home.language, JOURNEY_TILES[journey]))


def start_journey(kiosk: OutsideKiosk, journey: str, lang: str = "ar") -> ScreenMap:
    """From home (in `lang`), the journey's tile."""
    home = kiosk.go_home(lang)
    kiosk.tap(tile(home, journey))
    return kiosk.wait_for(lambda m: m.screen == journey, f"the {journey} journey")


def choose(
    kiosk: OutsideKiosk, text: str, then: Callable[[ScreenMap], object], what: str
) -> ScreenMap:
    """Tap the button that says `text` (scrolled into sight first), and wait for what follows."""
    kiosk.wait_for(lambda m: m.find(text=text, shown=False), f"a button {text!r}")
    kiosk.tap(kiosk.reveal(text=text))
    return kiosk.wait_for(then, what)


def field(shown: ScreenMap, name: str, index: int) -> Seen:
    """The screen's field called `name` (its attribute), else its `index`th field."""
    found = shown.find(id=f"{shown.screen}.{name}")
    if found:
        return found[0]
    fields = shown.find(role="field")
    assert len(fields) > index, f"no field {name!r} on {shown.screen!r}: {shown.texts()}"
    return fields[index]


def fill(kiosk: OutsideKiosk, name: str, index: int, text: str) -> ScreenMap:
    """Tap a field and type `text` on the on-screen keys, switching layouts where needed."""
    kiosk.tap(field(kiosk.now(), name, index))
    kiosk.type_on_keys(text, switch_layouts=True)
    return kiosk.now()


def sign_in(kiosk: OutsideKiosk, lang: str) -> ScreenMap:
    """Type the demo citizen's CIN and PIN and tap "Sign in"; the screen that follows."""
    form = start_journey(kiosk, "account", lang)
    assert form.find(role="field"), f"no sign-in form: {form.texts()}"
    fill(kiosk, "cin", 0, DEMO_CIN)
    fill(kiosk, "pin", 1, DEMO_PIN)
    menu, offer = tr(lang, "Request a certificate"), tr(lang, PRE_REQUEST_OFFER)
    return choose(
        kiosk,
        tr(lang, "Sign in"),
        lambda m: m.find(text=menu, shown=False) or m.find(text=offer, shown=False),
        "the account's menu (or, with no network, the pre-request offered)",
    )


def open_prerequest_form(kiosk: OutsideKiosk, lang: str) -> ScreenMap:
    """The pre-request's CIN-and-phone form, reached as a citizen can today.

    Home's own entry when there is one; otherwise, as on the kiosk before it had one, the
    network goes (the demo's server stops) and a failed sign-in offers the pre-request.
    """
    home = kiosk.go_home(lang)
    entry = [w for w in home.widgets if "prerequest" in w.id and w.shown]
    if entry:
        kiosk.tap(entry[0])
    else:
        kiosk.stop_server()
        offer = tr(lang, PRE_REQUEST_OFFER)
        failed = sign_in(kiosk, lang)
        assert failed.find(text=offer, shown=False), f"no network, and {failed.texts()}"
        kiosk.tap(kiosk.reveal(text=offer))
    kiosk.wait_for(lambda m: m.screen == "prerequest", "the pre-request journey")
    service = CATALOGUE.service("residence_certificate").name(lang)
    return choose(kiosk, service, lambda m: m.find(role="field"), "the CIN and phone form")


# --- what a person checks -----------------------------------------------------------------


def overlaps(a: Rect, b: Rect) -> bool:
    """Whether two rectangles share any pixel."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def primary_problems(
    step: str, shown: ScreenMap, picture: Image.Image, required: bool
) -> list[str]:
    """What keeps the step's primary action from being seen whole without scrolling
    (`picture`: the window as the display showed it with this map)."""
    primaries = shown.find(role="primary", shown=False)
    if not primaries:
        return (
            [f"{step}: no primary action (no widget with kiosk_role 'primary')"] if required else []
        )
    width, height = shown.window
    keyboard = shown.keyboard_rect
    problems = []
    for primary in primaries:
        if not primary.whole:
            problems.append(
                f"{step}: the primary action {primary.text!r} at {primary.rect} shows only "
                f"{primary.shown} in the {width}x{height} window without scrolling"
            )
        elif keyboard is not None and overlaps(primary.rect, keyboard):
            problems.append(
                f"{step}: the keyboard {keyboard} covers {primary.text!r} at {primary.rect}"
            )
        else:
            left, top, wide, high = primary.rect
            _colour, share = dominant_colour(picture.crop((left, top, left + wide, top + high)))
            if share > 0.995:  # one flat colour: no button with its words drawn there
                problems.append(f"{step}: nothing drawn where {primary.text!r} should be")
    return problems


def walk_every_step(kiosk: OutsideKiosk, lang: str) -> Iterator[tuple[str, ScreenMap, bool]]:
    """Each step of each journey as reached by taps: (name, screen, has a primary action).

    A step that offers a choice of buttons (families, services) has no single primary
    action: its own buttons are the actions. Ends with the network gone (the pre-request).
    """
    families = start_journey(kiosk, "ticket", lang)
    yield "ticket: families", families, False
    family = CATALOGUE.families["A"].names[lang]
    first = next(s for s in CATALOGUE if s.family == "A").name(lang)
    services = choose(kiosk, family, lambda m: m.find(text=first, role="button"), "the services")
    yield "ticket: services", services, False

    kinds = start_journey(kiosk, "status", lang)
    yield "status: kinds", kinds, False
    form = choose(kiosk, tr(lang, "Passport"), lambda m: m.find(role="field"), "the form")
    yield "status: dossier and CIN", form, True

    start_journey(kiosk, "guide", lang)
    service = CATALOGUE.service("passport_application")
    name, family = service.name(lang), CATALOGUE.families[service.family].names[lang]
    choose(kiosk, family, lambda m: m.find(text=name, role="button"), "the family's procedures")
    page = choose(kiosk, name, lambda m: m.find(text=name, role="text"), "the procedure's page")
    yield "guide: a procedure's page", page, True

    yield "account: sign-in", start_journey(kiosk, "account", lang), True
    sign_in(kiosk, lang)
    name = CATALOGUE.service("residence_certificate").name(lang)
    menu_item = tr(lang, "Request a certificate")
    choose(kiosk, menu_item, lambda m: m.find(text=name, role="button"), "the certificates")
    page = choose(kiosk, name, lambda m: m.find(text=name, role="text"), "the certificate's page")
    yield "certificate: its page", page, True

    yield "pre-request: CIN and phone", open_prerequest_form(kiosk, lang), True


# --- the tests, grouped by screen size (one kiosk per size) -------------------------------


def test_the_chosen_language_holds_across_back(kiosks: KioskPool) -> None:
    """Home → Français → take a ticket → Back: home is still in French (issue 17, §1.1)."""
    kiosk = kiosks.at(PORTRAIT)
    home = kiosk.go_home("ar")
    arabic = kiosk.screenshot(name="language-1-home-ar")
    kiosk.tap(home.one(text=LANGUAGE_NAMES["fr"]))
    french_home = kiosk.wait_for(lambda m: m.language == "fr", "home in French")
    french = kiosk.screenshot(name="language-2-home-fr")
    kiosk.tap(tile(french_home, "ticket"))
    ticket = kiosk.wait_for(lambda m: m.screen == "ticket", "the ticket journey")
    assert ticket.language == "fr"
    after = kiosk.back()
    assert after.screen == "home", f"Back from the families led to {after.screen!r}"
    shown = kiosk.screenshot(name="language-3-home-after-back")
    assert after.language == "fr", f"home came back in {after.language!r}: {after.texts()[:6]}"
    assert tr("fr", "Take a queue ticket") in after.texts()
    # What the eye sees: the French home again, not the Arabic one.
    assert changed_fraction(french, shown) < changed_fraction(arabic, shown)


def test_a_tile_shows_it_is_pressed_while_the_finger_is_down(kiosks: KioskPool) -> None:
    """The first frame after touch-down shows the pressed tile (issue 17, §1.3)."""
    kiosk = kiosks.at(PORTRAIT)
    home = kiosk.go_home("ar")
    ticket = tile(home, "ticket")
    before = kiosk.screenshot(ticket.rect, name="pressed-1-before")
    kiosk.press(ticket)
    try:
        # Once the app is a turn of its loop past the touch, it has drawn all the touch
        # changed (the turn that takes a touch ends with its frame): look then.
        held = kiosk.wait_for(
            lambda m: m.raw["touches"]["held"] and m.raw["ticks"] > m.raw["touches"]["down_tick"],
            "the finger taken",
            settled=False,
        )
        during = kiosk.screenshot(ticket.rect, name="pressed-2-finger-down")
        still = kiosk.wait_for(lambda _m: True, "the screen under the finger", settled=False)
    finally:
        kiosk.lift()
    assert held.screen == still.screen == "home", "the next screen came before the finger lifted"
    drawn = held.raw["frames"] - held.raw["touches"]["down_frame"]
    changed = changed_fraction(before, during)
    assert changed > VISIBLE_CHANGE, (
        f"the tile under the finger looks as before: {changed:.1%} of its pixels changed, "
        f"{drawn} frame(s) drawn since the finger came down"
    )
    kiosk.wait_for(lambda m: m.screen == "ticket", "the ticket journey once the finger lifted")


def check_primary_actions(kiosks: KioskPool, size: tuple[int, int]) -> None:
    """Walk every step at `size` in Arabic; fail with every step whose action is not whole."""
    kiosk = kiosks.at(size, needs_server=True)
    problems: list[str] = []
    for step, shown, required in walk_every_step(kiosk, "ar"):
        name = step.replace(":", "").replace("'", "").replace(" ", "-")
        picture = kiosk.screenshot(name=f"primary-{size[0]}x{size[1]}-{name}")
        problems += primary_problems(step, shown, picture, required)
    assert not problems, "\n".join(problems)


def test_the_primary_action_shows_without_scrolling_in_portrait(kiosks: KioskPool) -> None:
    """At 1080×1920 each step's primary action is whole on screen (issue 17, §1.5)."""
    check_primary_actions(kiosks, PORTRAIT)


def test_a_field_after_the_digit_pad_opens_on_its_own_keys(kiosks: KioskPool) -> None:
    """A phone typed on the digit pad, then the passport dossier: letters (issue 17, §1.2)."""
    kiosk = kiosks.at(PORTRAIT)
    form = open_prerequest_form(kiosk, "ar")
    kiosk.tap(field(form, "phone", 1))
    kiosk.type_on_keys(PHONE)  # the phone field's own keys: digits
    assert field(kiosk.now(), "phone", 1).text == PHONE
    kinds = start_journey(kiosk, "status", "ar")
    kiosk.tap(kinds.one(text=tr("ar", "Passport")))
    dossier_form = kiosk.wait_for(lambda m: m.find(role="field"), "the dossier form")
    opened = kiosk.tap(field(dossier_form, "dossier", 0))
    kiosk.screenshot(name="keys-dossier-opened")
    letters = [key for key in opened.keys_shown() if key.isalpha() and len(key) == 1]
    assert letters, (
        f"the dossier field opened on the {opened.keyboard_layout!r} keyboard, with no letter "
        f"key: {' '.join(opened.keys_shown())}"
    )
    kiosk.type_on_keys(DOSSIER)
    assert field(kiosk.now(), "dossier", 0).text == DOSSIER


def test_arabic_landscape_home_reads_from_the_right(kiosks: KioskPool) -> None:
    """At 1920×1080 the journey tiles start at the right in Arabic, left in French (§1.7)."""
    kiosk = kiosks.at(LANDSCAPE)
    width = LANDSCAPE[0]
    for lang, at_right in (("ar", True), ("fr", False)):
        home = kiosk.go_home(lang)
        picture = kiosk.screenshot(name=f"mirrored-home-{lang}")
        first, second = tile(home, "ticket"), tile(home, "status")
        # The map tells the truth: a tile's area is its own colour, not the background.
        colour, share = dominant_colour(kiosk.screenshot(first.rect))
        background = picture.getpixel((2, 2))
        assert share > 0.5 and colour != background, (first, colour, share, background)
        side = "right" if at_right else "left"
        on_right = first.centre[0] > width / 2
        assert on_right == at_right, (
            f"in {lang} the first journey tile {first.text!r} is at x={first.rect[0]}, not on "
            f"the {side} half of the {width}-pixel screen"
        )
        if first.rect[1] == second.rect[1]:  # side by side: the second follows in reading order
            assert (second.centre[0] < first.centre[0]) == at_right, (lang, first, second)


def test_kiosk_demo_stops_with_its_server(kiosks: KioskPool) -> None:
    """Terminated as a service manager does (SIGTERM), `kiosk demo` leaves nothing running."""
    kiosk = kiosks.at(LANDSCAPE)
    assert kiosk.server_pid is not None, "kiosk demo started no reference server"
    code = kiosk.stop()
    left = kiosk.leftovers()
    log = (kiosk.workdir / "kiosk-demo.log").read_text(errors="replace")
    kiosks.release()
    assert code != -signal.SIGKILL, "kiosk demo did not end within 30 s of SIGTERM"
    assert left == [], f"kiosk demo ended ({code}) and left running: {left}"
    assert "Traceback" not in log, log[-3000:]


def test_the_primary_action_shows_without_scrolling_at_1920x1080(kiosks: KioskPool) -> None:
    """At 1920×1080 each step's primary action is whole on screen (issue 17, §1.5, §1.7)."""
    check_primary_actions(kiosks, LANDSCAPE)


def test_the_primary_action_shows_without_scrolling_at_1366x768(kiosks: KioskPool) -> None:
    """At 1366×768 each step's primary action is whole on screen (issue 17, §1.5, §1.7)."""
    check_primary_actions(kiosks, SMALL_LANDSCAPE)
