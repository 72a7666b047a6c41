"""Larger text and high contrast from home, for every journey; gone when the citizen leaves."""

from __future__ import annotations

from tests.support.ui_driver import AppDriver


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
