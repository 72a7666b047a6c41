"""Larger text and high contrast from home, for every journey; gone when the citizen leaves."""

from __future__ import annotations

from collections import Counter

from tests.support.ui_driver import AppDriver

# A pictogram says as much as its label: held to the text's 7:1 (WCAG asks 3:1 of icons).
ICON_CONTRAST_MIN = 7.0


def test_larger_text_and_high_contrast_apply_to_every_screen_then_reset(home: AppDriver) -> None:
    from kivy.core.window import Window

    normal_size = home.screen().ids.annex.font_size
    home.tap(home.button("نص أكبر"))
    assert home.screen().ids.annex.font_size == normal_size * 1.25
    home.tap(home.button("تباين عال"))
    assert tuple(Window.clearcolor) == (0, 0, 0, 1)
    home.screenshot("home-ar-large-contrast-portrait")
    # A journey built after the switch has the same look: white text on black, larger.
    home.tap(home.screen().take_ticket)
    screen = home.wait_until(lambda: home.app.root.current == "ticket" and home.screen())
    assert screen.ids.title.color[:3] == [1, 1, 1]
    home.screenshot("ticket-ar-large-contrast-portrait")
    home.tap(screen.ids.back)
    # The buttons now offer the way back.
    assert {b.text for b in home.buttons()} >= {"نص عادي", "الألوان العادية"}
    # Nobody touches the kiosk: the next citizen finds the standard look.
    home.wait_until(lambda: not home.app.large_text and not home.app.high_contrast, timeout=15)
    assert home.screen().ids.annex.font_size == normal_size
    assert tuple(Window.clearcolor) != (0, 0, 0, 1)


def test_the_configured_display_is_where_the_kiosk_comes_back_to(home: AppDriver) -> None:
    # [accessibility] large_text / high_contrast: the annex's resting display. Whatever a
    # citizen chose, the kiosk returns to it once they have gone.
    import dataclasses

    from kivy.core.window import Window

    config = home.app.context.config
    resting = dataclasses.replace(config.accessibility, large_text=True, high_contrast=True)
    home.app.context.config = dataclasses.replace(config, accessibility=resting)
    try:
        home.app._restart_inactivity()  # home, untouched: the inactivity timer runs out
        home.wait_until(lambda: home.app.large_text and home.app.high_contrast, timeout=15)
        assert tuple(Window.clearcolor) == (0, 0, 0, 1)
        home.tap(home.button("نص عادي"))  # a citizen prefers normal text
        assert not home.app.large_text
        home.wait_until(lambda: home.app.large_text, timeout=15)  # and has gone
    finally:
        home.app.context.config = config
    home.wait_until(lambda: not home.app.large_text and not home.app.high_contrast, timeout=15)


def _icon_contrasts(driver: AppDriver, where: str) -> dict[str, float]:
    """Each pictogram shown now: its contrast with the surface around it, read from pixels."""
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
    from kivy.uix.image import Image

    from kiosk.ui import theme

    driver.pump(3)
    ratios = {}
    for image in driver.screen().walk():
        if not isinstance(image, Image) or image.width < 10 or image.opacity == 0:
            continue
        x, y = image.to_window(image.x, image.y)
        width, height = int(image.width), int(image.height)
        data = bytes(glReadPixels(int(x), int(y), width, height, GL_RGBA, GL_UNSIGNED_BYTE))
        ranked = [
            c for c, _n in Counter(data[i : i + 3] for i in range(0, len(data), 4)).most_common()
        ]
        surface = ranked[0]
        # The pictogram's own colour: the commonest far from the surface (edges are blends).
        far = [c for c in ranked if sum(abs(a - b) for a, b in zip(c, surface, strict=True)) > 90]
        if not far:
            ratios[f"{where}: {image.source}"] = 1.0  # nothing to see
            continue
        icon, back = (tuple(v / 255 for v in c) for c in (far[0], surface))
        ratios[f"{where}: {image.source.rsplit('/', 1)[-1]}"] = theme.contrast(icon, back)
    return ratios


def test_pictograms_keep_their_contrast_in_both_palettes(home: AppDriver) -> None:
    low: dict[str, float] = {}
    seen = 0
    try:
        for look in ("standard", "high-contrast"):
            if look == "high-contrast":
                home.tap(home.screen().contrast_button)
            home.screenshot(f"icons-home-{look}")
            ratios = _icon_contrasts(home, f"{look} home")
            home.tap(home.screen().tiles["ticket"])
            home.wait_until(lambda: home.app.root.current == "ticket")
            home.screenshot(f"icons-ticket-families-{look}")
            ratios |= _icon_contrasts(home, f"{look} ticket")
            seen += len(ratios)
            low |= {name: round(r, 2) for name, r in ratios.items() if r < ICON_CONTRAST_MIN}
            home.app.go_home()
            home.pump(3)
    finally:
        if home.app.high_contrast:
            home.tap(home.screen().contrast_button)
    assert seen >= 2 * 8, seen  # four journeys and four families at least, in each look
    assert not low, low
