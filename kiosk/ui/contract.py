"""What screens may ask of the app: a typed protocol, so screens never reach into KioskApp."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiosk.services.front_desk import AppContext
    from kiosk.ui.screens.base import KioskScreen
    from kiosk.ui.widgets.keyboard import OnScreenKeyboard
    from kiosk.ui.worker import Worker


class KioskAppApi(Protocol):
    """The app as its screens see it: language, navigation, hand-overs, the worker, speech.

    Screens bind to `lang` (Kivy's `bind(lang=…)`) to redraw in a new language; the app
    never walks its screens to tell them. A screen hands the citizen to a sibling through
    the hand-over methods here, never by calling the sibling itself.
    """

    # Kivy properties of the app (kv rules read the fonts and the alignment too).
    lang: str
    rtl: bool
    halign: str
    font_regular: str
    font_bold: str
    connectivity: str
    large_text: bool
    high_contrast: bool

    context: AppContext  # configuration, catalogue, session, speaker (built by kiosk.services)
    worker: Worker  # runs a job with this thread's front desk, answers on the UI thread
    keyboard: OnScreenKeyboard  # the one on-screen keyboard, lent to the screen in front
    root: Any  # the ScreenManager: `root.current` names the screen in front

    def tr(self, message: str) -> str:
        """`message` in the current language."""
        ...

    def choose_language(self, lang: str) -> None:
        """A citizen's choice of language (it holds until the session ends)."""
        ...

    def speak(self, text: str) -> None:
        """Say `text` in the current language where a voice exists."""
        ...

    def show(self, name: str) -> KioskScreen:
        """Bring the screen `name` to the front (its journey state kept)."""
        ...

    def go_home(self, apology: bool = False) -> None:
        """End the session: every screen forgets the citizen, home in the default language."""
        ...

    def take_ticket_for(self, service_code: str) -> None:
        """Hand-over: the ticket journey, straight to issuing a ticket for `service_code`."""
        ...

    def open_with_scan(self, name: str, kind: str, value: str) -> None:
        """Hand-over: open the journey `name` with a code the scanner read."""
        ...

    def toggle_large_text(self) -> None:
        """Larger text, or back to normal."""
        ...

    def toggle_high_contrast(self) -> None:
        """High contrast, or back to the standard colours."""
        ...

    def stop(self) -> None:
        """Close the app (technician mode only)."""
        ...

    def bind(self, **kwargs: Any) -> Any:
        """Kivy's event binding (e.g. `bind(lang=…)`, `bind(connectivity=…)`)."""
        ...

    def unbind(self, **kwargs: Any) -> Any:
        """Undo a `bind`."""
        ...
