"""A citizen follows an application and searches the guide, typing on the on-screen keys."""

from __future__ import annotations

from central_server.demo_data import demo_dossiers
from kiosk.services.status import Outcome
from tests.support.reference_server import ReferenceServer
from tests.support.scanner_emulator import ScannerEmulator
from tests.support.ui_driver import AppDriver

NOT_FOUND_AR = "لا يوجد أي ملف يطابق رقم الملف ورقم البطاقة الوطنية."


def _dossier(kind: str, stage: str) -> tuple[str, str]:
    """A demo dossier of `kind` at `stage`, and its holder's CIN."""
    for found_kind, number, cin, found_stage in demo_dossiers():
        if (found_kind, found_stage) == (kind, stage):
            return number, cin
    raise LookupError((kind, stage))


def type_keys(driver: AppDriver, text: str) -> None:
    """Tap the on-screen keys that spell `text`, switching layout when a key is elsewhere."""
    from kiosk.ui.widgets.keyboard import SWITCH_LABELS

    screen = driver.screen()
    for char in text:
        label = driver.app.tr("Space") if char == " " else char
        keys = [b for b in driver.buttons(screen.ids.footer) if b.text == label]
        if not keys:  # on another layout: one of the switch keys leads there
            for switch in driver.buttons(screen.ids.footer):
                if switch.text in SWITCH_LABELS.values():
                    driver.tap(switch)
                    keys = [b for b in driver.buttons(screen.ids.footer) if b.text == char]
                    if keys:
                        break
        assert keys, f"no key {char!r} on the keyboard"
        driver.tap(keys[0])


def _open_status(driver: AppDriver, kind: str) -> object:
    driver.tap(driver.screen().tiles["status"])
    screen = driver.screen()
    driver.tap(driver.buttons(screen.ids.body)[0 if kind == "passport" else 1])
    return screen


def _look_up(driver: AppDriver, kind: str, number: str, cin: str) -> object:
    """Home → follow an application → kind → type both on the keys → look up; the answer."""
    screen = _open_status(driver, kind)
    driver.tap(screen.dossier)
    type_keys(driver, number)
    driver.tap(screen.cin)
    type_keys(driver, cin)
    assert (screen.dossier.value, screen.cin.value) == (number, cin)
    driver.tap(screen.look_up_button)
    return driver.wait_until(lambda: screen.answer)


def test_applications_at_several_stages_show_their_timeline(home: AppDriver) -> None:
    cases = [
        ("passport", "submitted", "تم استلام الطلب"),
        ("passport", "incomplete", "الملف غير مكتمل: وثائق ناقصة"),
        ("passport", "ready", "جاهز: يمكنك سحبه"),
        ("firearm_licence", "investigation", "البحث الإداري جار"),
    ]
    for kind, stage, stage_ar in cases:
        home.app.go_home()
        home.pump(2)
        number, cin = _dossier(kind, stage)
        answer = _look_up(home, kind, number, cin)
        assert answer.outcome is Outcome.FOUND
        texts = home.texts()
        assert number in texts
        assert f"المرحلة الحالية: {stage_ar}" in texts
        assert stage_ar in texts  # the current stage closes the timeline
        if stage == "incomplete":
            assert any(t.startswith("السبب الذي قدمته الإدارة:") for t in texts)


def test_a_wrong_cin_gets_one_plain_message_and_keeps_what_was_typed(home: AppDriver) -> None:
    number, _cin = _dossier("passport", "ready")
    answer = _look_up(home, "passport", number, "Z999999")
    assert answer.outcome is Outcome.NOT_FOUND
    assert NOT_FOUND_AR in home.texts()
    home.tap(home.screen().ids.back)  # back to the form: the number is still there
    assert home.screen().dossier.value == number


def test_offline_the_last_answer_shows_as_of_its_time(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    number, cin = _dossier("passport", "in_production")
    assert _look_up(home, "passport", number, cin).outcome is Outcome.FOUND
    ui_server.stop()
    try:
        home.app.go_home()
        home.pump(2)
        answer = _look_up(home, "passport", number, cin)
        assert answer.outcome is Outcome.CACHED
        assert any(t.startswith("لا توجد شبكة: هذه آخر حالة معروفة، بتاريخ") for t in home.texts())
        home.screenshot("status-as-of-ar-portrait")
        home.app.go_home()
        home.pump(2)
        never_seen, never_cin = _dossier("passport", "collected")
        assert _look_up(home, "passport", never_seen, never_cin).outcome is Outcome.NEEDS_NETWORK
    finally:
        ui_server.restart()


def _search(driver: AppDriver, words: str) -> list[str]:
    """Guide → search → type on the keys; the names of the procedures listed."""
    driver.tap(driver.screen().tiles["guide"])
    screen = driver.screen()
    driver.tap(screen.search_field)
    type_keys(driver, words)
    driver.wait_until(lambda: screen.results and screen._searched == words)
    return [service.code for service in screen.results]


def test_guide_search_in_arabic_finds_hamza_and_alef_variants(home: AppDriver) -> None:
    # Typed without hamza, as many people type: "الادارية" finds "الإدارية".
    assert "administrative_certificate" in _search(home, "شهادة اداري")
    home.app.go_home()
    home.pump(2)
    assert "residence_certificate" in _search(home, "السكني")  # ى typed as ي


def test_guide_search_in_french_ignores_accents_and_opens_the_page(home: AppDriver) -> None:
    home.tap(home.button("Français"))
    found = _search(home, "residence")
    assert found[0] == "residence_certificate"
    screen = home.screen()
    home.tap(home.buttons(screen.ids.body)[1])  # the first result (0 is the search field)
    texts = home.texts()
    assert "Pièces à fournir" in texts and "Frais : gratuit" in texts
    assert "Certificat de résidence" in texts


def test_a_dossier_code_and_a_cau_card_read_by_the_scanner_fill_the_look_up(
    home: AppDriver, ui_scanner: ScannerEmulator
) -> None:
    # At home, the receipt's code opens the look-up of the right kind, number filled in.
    number, cin = _dossier("firearm_licence", "investigation")
    ui_scanner.scan(number)
    screen = home.wait_until(lambda: home.app.root.current == "status" and home.screen())
    home.wait_until(lambda: screen.dossier.value == number)
    assert screen.kind == "firearm_licence"
    assert screen.cin.value == ""
    # On the form, the citizen's CAU card gives the CIN; the look-up then finds the dossier.
    ui_scanner.scan(f"CAU:{cin}")
    home.wait_until(lambda: screen.cin.value == cin)
    assert screen.dossier.value == number  # the card did not overwrite the number
    home.tap(screen.look_up_button)
    answer = home.wait_until(lambda: screen.answer)
    assert answer.outcome is Outcome.FOUND
    assert "البحث الإداري جار" in home.texts()
    # A code that is neither (a shop's barcode) is ignored; the code read after it shows
    # when both were handled, and the journey (the CIN from the card) is still there.
    ui_scanner.scan("4006381333931")
    other, _cin = _dossier("passport", "ready")
    ui_scanner.scan(other)
    home.wait_until(lambda: screen.dossier.value == other)
    assert (home.screen(), screen.kind, screen.cin.value) == (screen, "passport", cin)
    assert not home.app.screens["home"].ids.notice.text  # no apology: nothing failed
