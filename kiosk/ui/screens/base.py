"""What every screen shares: the app, translated texts redrawn in place, a reset."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from kivy.clock import Clock, ClockEvent
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.metrics import dp, sp
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.i18n import N_
from kiosk.services.documents import printable_receipt_link
from kiosk.services.faults import message_key
from kiosk.services.printing import PrintResult
from kiosk.ui import theme
from kiosk.ui.widgets.chip import StatusChip  # noqa: F401  (registered for the kv files)
from kiosk.ui.widgets.keyboard import OnScreenKeyboard, TextField
from kiosk.ui.widgets.qr import qr_image
from kiosk.ui.widgets.tile import IconButton, ListenButton

if TYPE_CHECKING:
    from kiosk.services.front_desk import FrontDesk
    from kiosk.ui.contract import KioskAppApi

log = logging.getLogger(__name__)
T = TypeVar("T")

# Each language named in its own script, so a reader finds theirs whatever is shown now.
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}
BACK = N_("Back")
DONE = N_("Done")
START_OVER = N_("Start over")
SIGNED_OUT = N_("You are signed out. Your data is no longer on this kiosk.")
RECEIPT_PRINTED = N_("Take your receipt below the screen.")
SCAN_RECEIPT = N_("Scan this code with your phone to follow your request.")


def landscape() -> bool:
    """Whether the screen is wider than tall (1920×1080, 1366×768 panels)."""
    return bool(Window.width > Window.height)


class KioskScreen(Screen):  # type: ignore[misc]
    """A screen of a journey. Subclasses set their texts in `refresh_texts` (never in kv)."""

    def __init__(self, app: KioskAppApi, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app: KioskAppApi = app
        self._stale = False  # drawn for an earlier language or size: redrawn when next shown
        self._generation = 0  # bumped by forget_jobs(): older answers are dropped
        app.bind(lang=self._drawing_outdated)
        # A new size (a panel turned, the window resized) lays every screen out anew, as
        # a new language does: once per burst of size events.
        self._resized = Clock.create_trigger(lambda _dt: self._drawing_outdated())
        Window.bind(size=self._on_window_size)

    def _on_window_size(self, *_args: Any) -> None:
        self._resized()

    # --- language and size: the screen follows them, never told by the app ---------------

    def _drawing_outdated(self, *_args: Any) -> None:
        # A new language or window size. The screen in front is redrawn now, the others
        # when they are next shown: a switch costs one screen's layout, not nine.
        if self.app.root.current == self.name:
            self._stale = False
            self.refresh_texts()
        else:
            self._stale = True

    def mark_stale(self) -> None:
        """Redraw this screen (`refresh_texts`) the next time it is shown."""
        self._stale = True

    def refresh_if_stale(self) -> None:
        """Redraw now if something changed since this screen was last drawn."""
        if self._stale:
            self._stale = False
            self.refresh_texts()

    # --- work on the worker: one helper, stale answers dropped --------------------------

    def run_job(
        self,
        job: Callable[[FrontDesk], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `job(front_desk)` on the worker; its answer comes back on the UI thread.

        The job is stamped with the screen's generation: an answer (or a fault) that comes
        after `forget_jobs()` (the citizen went home, or the screen started over) is dropped,
        never drawn for the next citizen. A fault is in the journal (the worker logs it);
        `on_error` handles it, or else `show_fault` tells the citizen in the fault's words.
        """
        generation = self._generation

        def done(result: T) -> None:
            if generation != self._generation:
                log.info(
                    "%s: an answer that came after the citizen moved on was dropped", self.name
                )
                return
            on_done(result)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                log.info("%s: a fault that came after the citizen moved on was dropped", self.name)
                return
            (on_error or self.show_fault)(error)

        self.app.worker.run(job, done, failed)

    def forget_jobs(self) -> None:
        """Drop the answers of every job started so far (the journey starts over)."""
        self._generation += 1

    def show_fault(self, error: BaseException) -> None:
        """Tell the citizen a job failed, in the translated words for that fault."""
        self.show_notice(self.tr(message_key(error)))

    def add_language_buttons(self, container: Any) -> None:
        """One button per configured language; switching redraws every screen in place."""
        self._language_row = container
        self._language_buttons: dict[str, Any] = {}
        for lang in self.app.context.config.kiosk.languages:
            button = Factory.LanguageButton(
                text=LANGUAGE_NAMES[lang], font_name=theme.font_path(lang)
            )
            button.bind(on_release=lambda _button, chosen=lang: self.app.choose_language(chosen))
            self._language_buttons[lang] = button

    def order_language_buttons(self) -> None:
        """Arabic first, where reading starts in the current language; the current one marked."""
        self.mark_current_language()
        self.order_for_reading(self._language_row, *self._language_buttons.values())

    def mark_current_language(self) -> None:
        """The language shown now filled (and not tapped again); the others plain."""
        for lang, button in self._language_buttons.items():
            current = lang == self.app.lang
            # Disabled: a second tap on the language already shown would only redraw.
            button.disabled = current
            button.background_color = theme.PRIMARY if current else theme.SURFACE
            button.color = theme.PRIMARY if not current else theme.PRIMARY_TEXT
            button.disabled_color = theme.PRIMARY_TEXT

    def order_for_reading(self, row: Any, *widgets: Any) -> None:
        """Lay `widgets` out in reading order: from the left in French, from the right in Arabic."""
        # Hold the widgets themselves first: `ids` keeps only weak proxies, and a widget whose
        # one owner was this row would be freed by clear_widgets() before it is added back.
        widgets = tuple(getattr(widget, "__self__", widget) for widget in widgets)
        row.clear_widgets()
        for widget in reversed(widgets) if self.app.rtl else widgets:
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
            row.add_widget(widget)

    def icon_button(self, text: str, icon: str) -> IconButton:
        """A wide button, its pictogram leading the reading direction."""
        button = IconButton(text=text, icon=theme.icon_path(icon))
        self.order_for_reading(button, button.ids.picture, button.ids.label)
        return button

    def tr(self, message: str) -> str:
        """`message` in the citizen's current language."""
        return self.app.tr(message)

    def refresh_texts(self) -> None:
        """Redraw every visible text in the current language, keeping the journey's state."""

    def dispose(self) -> None:
        """Let go of the app's and the window's events: the screen is being rebuilt."""
        self.app.unbind(lang=self._drawing_outdated)
        Window.unbind(size=self._on_window_size)
        self._resized.cancel()

    def reset(self) -> None:
        """Forget everything shown or typed for the last citizen, widgets included.

        The app redraws the screen from that clean state the next time it is shown.
        """

    def show_notice(self, text: str, fault: bool = True) -> None:
        """A one-line notice: an apology after a fault (in the error colour) or, `fault`
        False, news such as "you are signed out" (emphasis). Screens that have none ignore it.
        """

    def spoken_prompt(self) -> str:
        """What the kiosk says when this screen shows (its title; home says its own)."""
        return ""

    def on_scan(self, kind: str, value: str) -> None:
        """A code read by the scanner while this screen is shown; most screens ignore it."""

    def hand_over(self, **values: str) -> None:
        """What the citizen typed on the screen before (a CIN), to fill in; most ignore it."""


class JourneyScreen(KioskScreen):
    """A journey in the shared skeleton (kv/journey.kv): header, languages, body, keyboard,
    and the actions bar (the step's primary action, "start over")."""

    back_width = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_language_buttons(self.ids.languages)
        self._keyboard_field: TextField | None = None
        # Held here: `ids` keeps weak proxies, and a hidden primary leaves the actions bar.
        self.primary_button = self.ids.primary.__self__
        self.start_over_button = self.ids.start_over.__self__
        self._primary_action: Callable[[], None] | None = None
        self._bottom_rtl: bool | None = None
        self._title_size = sp(theme.TITLE_SP)
        fit = Clock.create_trigger(lambda _dt: self._fit_title())
        self.ids.title.bind(text=lambda *_args: fit(), width=lambda *_args: fit())
        self.ids.footer.bind(height=lambda *_args: self._arrange_bottom())
        # Bound rather than overridden: several screens define on_pre_enter themselves.
        self.bind(on_pre_enter=lambda *_args: self._take_keyboard())
        # The way out's words are drawn on the screen in front only: a texture per hidden
        # screen (nine of them) for the same two words is memory for nothing.
        self._way_out = ""
        self.bind(on_pre_enter=lambda *_args: self._show_way_out(True))
        self.bind(on_leave=lambda *_args: self._show_way_out(False))
        # Each step's title is said aloud once the frame settles on it (a step clears the
        # title, then sets the new one: the trigger speaks the last, once).
        self.listen_button = ListenButton(icon=theme.icon_path("listen"))
        self.listen_button.bind(on_release=lambda _b: self.app.speak(self.spoken_prompt()))
        self._say_title = Clock.create_trigger(lambda _dt: self._speak_title())
        self.ids.title.bind(text=lambda *_args: self._say_title())
        self._next_turn: ClockEvent | None = None

    def spoken_prompt(self) -> str:
        return str(self.ids.title.text)

    def _speak_title(self) -> None:
        if self.app.root.current == self.name and self.ids.title.text:
            self.app.speak(self.ids.title.text)

    def show_fault(self, error: BaseException) -> None:
        """The fault's translated words at the end of the body, where the answer was awaited."""
        self.ids.body.add_widget(Factory.AlertLabel(text=self.tr(message_key(error))))

    def arrange_frame(self, back_text: str | None = BACK, back_enabled: bool = True) -> None:
        """Back leads the reading direction; in landscape the languages join the top bar.

        `back_text` None: a step with no step before it (the back button is hidden). The
        primary action is hidden until the step sets one (`set_primary`).
        """
        back = self.ids.back
        back.text = self.tr(back_text) if back_text else ""
        back.disabled = not back_enabled or back_text is None
        back.opacity = 1 if back_text else 0
        self.back_width = 0  # set again below: a hidden back takes no room from the title
        self.set_way_out(self.tr(START_OVER))
        # Leaving while a ticket or receipt prints would lose its number: as for Back.
        self.start_over_button.disabled = not back_enabled
        self.set_primary(None)
        header = [self.ids.back, self.ids.title]
        if self.app.context.speaker.available(self.app.lang):
            header.append(self.listen_button)  # after the title, in reading order
        wide = landscape()
        # A 768-pixel-tall screen has no room for a row of its own under the title: in
        # landscape the languages join the top bar, and the bar's texts get smaller.
        self._title_size = sp(theme.TITLE_SP * (0.75 if wide else 1))
        self.ids.title.font_size = self._title_size
        if back_text:
            self.back_width = dp(theme.BACK_BUTTON_DP * (0.8 if wide else 1))
        for button in self._language_buttons.values():
            button.size_hint_x = None if wide else 1
            button.width = dp(theme.LANGUAGE_BUTTON_DP)
            button.font_size = sp(theme.BODY_SP - (6 if wide else 0))
        self.mark_current_language()
        if wide:
            self.order_for_reading(self.ids.top_bar, *header, *self._language_buttons.values())
            self._language_row.height = 0
        else:
            self.order_for_reading(self.ids.top_bar, *header)
            self._language_row.height = dp(theme.BAR_HEIGHT_DP)
            self.order_language_buttons()
        self._arrange_bottom()
        self._fit_title()

    def _fit_title(self) -> None:
        """One line at the design's size, or smaller until it fits: the header never grows."""
        title = self.ids.title
        title.font_size = self._title_size
        available = title.width - 2 * dp(8)  # KioskLabel's padding on each side
        if not title.text or available <= 0:
            return
        # Measured by the text provider (the measure is remembered, see kiosk/ui/text.py),
        # not rendered: a texture per trial size would cost a frame.
        natural = title._label.get_extents(title.text)[0]
        if natural <= available:
            return
        # Only sizes of the type scale, which other labels open anyway: the text provider
        # keeps a font face per file and size, and a size per title would add one each.
        smallest = self._title_size * theme.TITLE_MIN_SCALE
        steps = [sp(size) for size in theme.TITLE_STEPS_SP]
        steps = [size for size in steps if smallest <= size < self._title_size] or [smallest]
        fitting = [size for size in steps if natural * size / self._title_size <= available]
        title.font_size = fitting[0] if fitting else steps[-1]

    def set_primary(
        self, text: str | None, action: Callable[[], None] | None = None, enabled: bool = True
    ) -> Any:
        """The step's primary action in the footer, always in view (None: the step has none).

        Returns the button, so a form can enable it as its fields fill.
        """
        button = self.primary_button
        self._primary_action = action if text else None
        button.busy = False  # a step drawn anew: its action not yet tapped
        button.text = text or ""
        button.disabled = not text or not enabled
        self._arrange_actions()
        return button

    def primary_pressed(self) -> None:
        if self._primary_action is not None:
            self._primary_action()

    def start_over(self) -> None:
        """Home, the visit ended: the footer's way out from any step.

        The kiosk's default language and display come back (the next person starts clean),
        where Back keeps the language of the citizen still in front of it.
        """
        signed_in = self.app.context.session.citizen is not None
        self.app.start_over()
        if signed_in:
            # Said on home, in words: signing out must never happen without a word.
            self.app.screen("home").show_notice(self.tr(SIGNED_OUT), fault=False)

    def set_way_out(self, text: str) -> None:
        """The words of the footer's way out: "start over", or "sign out" when signed in."""
        self._way_out = text
        self._show_way_out(self.manager is not None and self.manager.current == self.name)

    def _show_way_out(self, shown: bool) -> None:
        self.start_over_button.text = self._way_out if shown else ""

    def _arrange_actions(self) -> None:
        shown = [self.start_over_button]
        if self.primary_button.text:
            shown.append(self.primary_button)
        wanted = shown[::-1] if self.app.rtl else shown
        if self.ids.actions.children[::-1] == wanted:
            return  # already so: re-adding them would lay the bar out again for nothing
        self.order_for_reading(self.ids.actions, *shown)

    def _arrange_bottom(self) -> None:
        """Actions under the keys in portrait; beside them, as a column, in landscape."""
        bottom, actions, footer = self.ids.bottom, self.ids.actions, self.ids.footer
        column = landscape() and bool(footer.children)
        # Set only what changed: re-adding children on every height change would lay the
        # keyboard out again and again.
        if column:
            actions.height = footer.height
        if (bottom.orientation == "horizontal") == column and self._bottom_rtl == self.app.rtl:
            return
        self._bottom_rtl = self.app.rtl
        bottom.orientation = "horizontal" if column else "vertical"
        actions.orientation = "vertical" if column else "horizontal"
        actions.size_hint_x = None if column else 1
        actions.width = dp(theme.ACTIONS_COLUMN_DP)
        actions.height = footer.height if column else dp(theme.BAR_HEIGHT_DP)
        # In a row the primary action takes two shares of the width; in a column, all of it.
        self.primary_button.size_hint_x = 1 if column else 2
        self.primary_button.size_hint_y = None
        if column:
            self.order_for_reading(bottom, footer, actions)  # the keys where reading starts
        else:
            footer, actions = footer.__self__, actions.__self__  # held across the clear
            bottom.clear_widgets()
            bottom.add_widget(footer)  # the keys above the actions
            bottom.add_widget(actions)

    def add_in_turns(self, body: Any, makers: Sequence[Callable[[], Any]]) -> None:
        """Add the widgets `makers` make to `body`: the first now, then one each frame.

        A label is laid out and rasterised in the frame it is made in. A result of many
        texts in one frame (the ticket: its number and some seven lines) took 50 to 150 ms,
        the most of any frame while a sync ran; one text a frame keeps each frame short, and
        the first (the most important) shows sooner.
        """
        self.cancel_turns()
        waiting = list(makers)

        def turn(_dt: float = 0.0) -> None:
            body.add_widget(waiting.pop(0)())
            # Scheduled with 0, the next turn runs in the next frame, not this one.
            self._next_turn = Clock.schedule_once(turn, 0) if waiting else None

        if waiting:
            turn()

    def cancel_turns(self) -> None:
        """Drop the widgets still waiting for their turn (the drawing is being replaced)."""
        if self._next_turn is not None:
            self._next_turn.cancel()
            self._next_turn = None

    @property
    def turns_pending(self) -> bool:
        """Whether widgets are still being added, one a frame, by `add_in_turns`."""
        return self._next_turn is not None

    def clear_body(self) -> None:
        """Empty the body, widgets still waiting for their turn included."""
        self.cancel_turns()
        self.ids.body.clear_widgets()

    def clear_drawing(self) -> None:
        """Empty the title and body, put the keys away: nothing a citizen saw stays shown."""
        self.ids.title.text = ""
        self.clear_body()
        self.ids.scroll.scroll_y = 1  # each step starts at its top
        self.show_keyboard(None)

    def add_form(self, body: Any, fields: list[TextField]) -> None:
        """The fields (their button is the footer's primary); in landscape on one line."""
        for field in fields:
            if field.parent is not None:  # still in the row of a drawing at another size
                field.parent.remove_widget(field)
        if landscape():
            row = BoxLayout(spacing=self.ids.body.spacing, size_hint_y=None)
            row.height = fields[0].height
            self.order_for_reading(row, *fields)
            body.add_widget(row)
        else:
            for field in fields:
                body.add_widget(field)

    def add_receipt_outcome(self, body: Any, printed: PrintResult | None, reference: str) -> None:
        """The receipt is out, or why it is not and its QR to take along instead."""
        if printed is not None and printed.printed:
            body.add_widget(Factory.KioskLabel(text=self.tr(RECEIPT_PRINTED)))
            return
        if printed is not None:
            reason = self.tr(printed.message_key or "")
            body.add_widget(Factory.KioskLabel(text=reason, color=theme.ALERT))
        # No QR (and nothing telling to scan one) when the tracking base is a placeholder.
        link = printable_receipt_link(self.app.context.config.tracking_base, reference)
        if link is not None:
            body.add_widget(Factory.KioskLabel(text=self.tr(SCAN_RECEIPT)))
            body.add_widget(qr_image(link))

    def add_family_buttons(self, body: Any) -> None:
        """One button per ticket family, with its pictogram; a tap calls `choose_family`."""
        for letter, family in self.app.context.catalogue.families.items():
            button = self.icon_button(family.names.get(self.app.lang) or letter, f"family-{letter}")
            button.bind(on_release=lambda _b, chosen=letter: self.choose_family(chosen))
            body.add_widget(button)

    def choose_family(self, letter: str) -> None:
        """The citizen chose a family of procedures (screens that list families define it)."""

    @property
    def keyboard(self) -> OnScreenKeyboard:
        """The app's one on-screen keyboard: it moves to the screen that needs it."""
        return self.app.keyboard

    def typing_field(self) -> TextField | None:
        """The field of this screen that has (or gets, when shown) the keys, if any."""
        return self._keyboard_field

    def show_keyboard(self, field: TextField | None) -> None:
        """Give `field` the on-screen keys (None: put them away).

        A screen drawn while another is shown only remembers the field: the keys move to
        it when it is shown, so a hidden screen never takes them from the one in front.
        """
        self._keyboard_field = field
        footer = self.ids.footer
        keyboard = self.app.keyboard
        footer.clear_widgets()
        if field is None:
            if keyboard.parent is None:
                keyboard.detach()
            self._arrange_bottom()
            return
        if self.manager is not None and self.manager.current == self.name:
            self._lend_keyboard(field)

    def _take_keyboard(self) -> None:
        if self._keyboard_field is not None:
            self._lend_keyboard(self._keyboard_field)
            return
        keyboard = self.app.keyboard
        if keyboard.parent is not None:
            keyboard.parent.remove_widget(keyboard)
        keyboard.detach()

    def _lend_keyboard(self, field: TextField) -> None:
        keyboard = self.app.keyboard
        if keyboard.parent is not None:
            keyboard.parent.remove_widget(keyboard)
        self.ids.footer.clear_widgets()
        keyboard.on_change = self.on_typed
        keyboard.translate = self.tr
        keyboard.action_font = self.app.font_regular
        keyboard.attach(field)
        self.ids.footer.add_widget(keyboard)
        self._arrange_bottom()

    def on_typed(self) -> None:
        """A key was pressed on the on-screen keyboard."""
