"""Home names the annex as the server and its tracking pages do, in the reader's language."""

from __future__ import annotations

from central_server.demo_data import DEMO_ANNEX_NAMES
from tests.support.ui_driver import AppDriver


def test_home_takes_the_annex_name_the_server_gives_in_each_language(home: AppDriver) -> None:
    names = DEMO_ANNEX_NAMES["berkane-5"]
    # The configured names differ ("... 5 - بركان"): the synced ones replace them.
    assert home.app.context.config.kiosk.annex_name_in("ar") != names["ar"]
    home.app.context.sync_now()

    def named_as_the_server(lang: str) -> bool:
        """home's title is the server's name of the annex"""
        home.screen().load_board()
        home.pump(3)
        return bool(home.screen().ids.annex.text == names[lang])

    home.wait_until(lambda: named_as_the_server("ar"))
    home.tap(home.button("English"))
    home.wait_until(lambda: named_as_the_server("en"))
