"""Debian's headless Chromium, driven through chromedriver, for the server's web pages."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# A mid-range phone held upright, in CSS pixels.
PHONE = (390, 844)
# Where screenshots land for a person to look at (docs/ takes a chosen few).
ARTEFACTS = Path(tempfile.gettempdir()) / "gau-kiosk-web-artefacts"


class Browser:
    """One headless Chromium window; pages read as a person would see them."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver

    def open(self, url: str) -> Browser:
        """Load `url` and wait for it (no JavaScript is needed by any page)."""
        self.driver.get(url)
        return self

    def text(self) -> str:
        """The visible text of the page body."""
        return str(self.driver.find_element(By.TAG_NAME, "body").text)

    def attribute(self, css: str, name: str) -> str | None:
        """An attribute of the first element `css` selects."""
        value = self.driver.find_element(By.CSS_SELECTOR, css).get_attribute(name)
        return None if value is None else str(value)

    def click(self, css: str) -> None:
        """Click the first element `css` selects (a link or a form's button)."""
        self.driver.find_element(By.CSS_SELECTOR, css).click()

    def type_into(self, css: str, text: str) -> None:
        """Type `text` into the field `css` selects, replacing what it held."""
        field = self.driver.find_element(By.CSS_SELECTOR, css)
        field.clear()
        field.send_keys(text)

    def overflows_horizontally(self) -> bool:
        """Whether the page is wider than the window (something cut off or scrolling sideways)."""
        return bool(
            self.driver.execute_script(
                "return document.documentElement.scrollWidth > window.innerWidth"
            )
        )

    def screenshot(self, name: str) -> Path:
        """The whole page as a PNG in ARTEFACTS (its full height, at the window's width)."""
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        width = self.driver.get_window_size()["width"]
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(width, max(int(height) + 120, 200))
        path = ARTEFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path


@contextmanager
def chromium(
    language: str = "fr", size: tuple[int, int] = PHONE, javascript: bool = False
) -> Iterator[Browser]:
    """A fresh headless Chromium whose Accept-Language is `language`.

    JavaScript is off by default: every page must read without it.
    """
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        # The machine's network is closed: no background calls to Google.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        f"--window-size={size[0]},{size[1]}",
        f"--lang={language}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": language,
            "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
        },
    )
    with tempfile.TemporaryDirectory(prefix="gau-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        try:
            yield Browser(driver)
        finally:
            driver.quit()
