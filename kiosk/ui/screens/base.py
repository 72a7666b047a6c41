"""What every screen shares: the app, translated texts redrawn in place, a reset."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.factory import Factory
from kivy.uix.screenmanager import Screen

from kiosk.ui import theme

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

# Each language named in its own script, so a reader finds theirs whatever is shown now.
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}


class KioskScreen(Screen):  # type: ignore[misc]
    """A screen of a journey. Subclasses set their texts in `refresh_texts` (never in kv)."""

    def __init__(self, app: KioskApp, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app

    def add_language_buttons(self, container: Any) -> None:
        """One button per configured language; switching redraws every screen in place."""
        self._language_row = container
        self._language_buttons: list[Any] = []
        for lang in self.app.context.config.kiosk.languages:
            button = Factory.LanguageButton(
                text=LANGUAGE_NAMES[lang], font_name=theme.font_path(lang)
            )
            button.bind(on_release=lambda _button, chosen=lang: self.app.set_language(chosen))
            self._language_buttons.append(button)

    def order_language_buttons(self) -> None:
        """Arabic first, where reading starts in the current language."""
        self.order_for_reading(self._language_row, *self._language_buttons)

    def order_for_reading(self, row: Any, *widgets: Any) -> None:
        """Lay `widgets` out in reading order: from the left in French, from the right in Arabic."""
        row.clear_widgets()
        for widget in reversed(widgets) if self.app.rtl else widgets:
            row.add_widget(widget)

    def tr(self, message: str) -> str:
        """`message` in the citizen's current language."""
        return self.app.tr(message)

    def refresh_texts(self) -> None:
        """Redraw every visible text in the current language, keeping the journey's state."""

    def reset(self) -> None:
        """Forget everything shown or typed for the last citizen."""

    def show_notice(self, text: str) -> None:
        """A one-line notice (an apology after a fault); screens that have none ignore it."""
