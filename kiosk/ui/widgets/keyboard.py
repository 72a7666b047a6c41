"""On-screen keyboards (Arabic, AZERTY, Tifinagh, digits) and the field they type into.

No system keyboard ever appears: fields are labels that take taps, and keys are buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_, typed_run
from kiosk.ui import theme
from kiosk.ui.widgets.aligned_label import AlignedLabel

DELETE = N_("Delete")
SPACE = N_("Space")

# Rows as on the physical keyboards sold in Morocco (Arabic 101, French AZERTY); Tifinagh in
# the IRCAM alphabet's order. Keys never mirror: a keyboard is a place, not a sentence.
# At most eleven keys a row, so each key is 2 cm wide on a 1080-pixel panel at 102 dpi:
# the Arabic 101 rows (twelve keys, 1.86 cm) are cut into four rows of nine, in their order
# (WIDE_LAYOUTS below keeps them where twelve fit).
LAYOUTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "arabic": (
        tuple("ضصثقفغعهخ"),
        tuple("حجدشسيبلا"),
        tuple("تنمكطذئءؤ"),
        tuple("رىةوزظأإآ"),
    ),
    "azerty": (
        tuple("1234567890"),
        tuple("azertyuiop"),
        tuple("qsdfghjklm"),
        tuple("wxcvbnéèàç-"),
    ),
    "tifinagh": (
        ("ⴰ", "ⴱ", "ⴳ", "ⴳⵯ", "ⴷ", "ⴹ", "ⴻ", "ⴼ", "ⴽ", "ⴽⵯ", "ⵀ"),
        ("ⵃ", "ⵄ", "ⵅ", "ⵇ", "ⵉ", "ⵊ", "ⵍ", "ⵎ", "ⵏ", "ⵓ", "ⵔ"),
        ("ⵕ", "ⵖ", "ⵙ", "ⵚ", "ⵛ", "ⵜ", "ⵟ", "ⵡ", "ⵢ", "ⵣ", "ⵥ"),
    ),
    "digits": (tuple("123"), tuple("456"), tuple("789"), tuple("-0")),
    # A phone number may start with the country code: "+212…".
    "phone": (tuple("123"), tuple("456"), tuple("789"), tuple("+0")),
    "pin": (tuple("123"), tuple("456"), tuple("789"), tuple("0")),
}
# On a panel wide enough for twelve keys of at least KEY_MIN_WIDTH_DP (landscape), Arabic
# keeps the 101 keyboard's own three rows, and a row's height for the page above it.
WIDE_LAYOUTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "arabic": (
        tuple("ضصثقفغعهخحجد"),
        tuple("شسيبلاتنمكطذ"),
        tuple("ئءؤرىةوزظأإآ"),
    ),
}
# Each layout's switch key, written in its own script so a reader recognises theirs.
SWITCH_LABELS = {
    "arabic": "أ ب ت",
    "azerty": "A Z E",
    "tifinagh": "ⴰ ⴱ ⴳ",
    # One number, not "1 2 3": spaced digits are separate numbers to the bidi algorithm,
    # and an Arabic screen lays them out right to left ("3 2 1").
    "digits": "123",
    "phone": "123",
    "pin": "123",
}
LAYOUT_FONTS = {
    "arabic": "ar",
    "azerty": "fr",
    "tifinagh": "zgh",
    "digits": "fr",
    "phone": "fr",
    "pin": "fr",
}
MASK = "•"
NUMBER_PADS = ("digits", "phone", "pin")
# Where the keys are when no field has them: nothing of the last field or citizen carries.
NEUTRAL_LAYOUT = "azerty"
# The layout a citizen reading each language expects first when typing words.
WORD_LAYOUT = {"ar": "arabic", "fr": "azerty", "zgh": "tifinagh", "en": "azerty"}


class TextField(ButtonBehavior, AlignedLabel):  # type: ignore[misc]
    """A box that shows what was typed on the on-screen keyboard; a tap gives it the keys."""

    hint = StringProperty("")
    value = StringProperty("")
    focused = BooleanProperty(False)
    max_length = NumericProperty(40)
    uppercase = BooleanProperty(False)
    # A PIN: one dot per digit on screen, so a person behind the citizen reads nothing.
    masked = BooleanProperty(False)
    # The field's keyboard: the layouts it offers, the first being the one it always opens
    # on (a dossier number on letters, a phone on the phone pad), whatever the last field
    # or citizen used; with `uppercase` and `masked`, everything the keys need to know.
    layouts = ObjectProperty(("azerty",))

    def on_value(self, *_args: Any) -> None:
        self._show()

    def on_hint(self, *_args: Any) -> None:
        self._show()

    def on_masked(self, *_args: Any) -> None:
        self._show()

    def _show(self) -> None:
        shown = MASK * len(self.value) if self.masked else typed_run(self.value)
        self.text = shown or self.hint
        self.color = theme.TEXT if self.value else theme.MUTED_TEXT

    def type(self, characters: str) -> None:
        """Add what a key gives, within the field's length."""
        if self.uppercase:
            characters = characters.upper()
        if len(self.value) + len(characters) <= self.max_length:
            self.value += characters

    def delete(self) -> None:
        """Remove the last character typed."""
        self.value = self.value[:-1]


class OnScreenKeyboard(BoxLayout):  # type: ignore[misc]
    """Keys for the focused field; layouts switch with keys written in each script."""

    layout = StringProperty("azerty")
    target = ObjectProperty(None, allownone=True)
    # The app's translator for the two word keys (Delete, Space), and the current font.
    translate: Callable[[str], str] = staticmethod(lambda message: message)
    action_font = StringProperty(theme.font_path("fr"))
    on_change: Callable[[], None] | None = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "vertical")
        super().__init__(**kwargs)
        self.spacing = dp(theme.KEY_SPACING_DP)
        self.size_hint_y = None
        # Keys and rows are kept and written over for each layout and field: made anew,
        # every form threw some eighty buttons away (about 25 KB of Python each), and the
        # freed memory stayed with the process in fragments.
        self._keys: list[Any] = []
        self._rows: list[BoxLayout] = []
        self._attaching = False
        self._drawn: tuple[tuple[str, ...], ...] = ()
        self.bind(layout=self._redraw_on_change, target=self._redraw_on_change)
        self.bind(width=self._width_changed)

    def _redraw_on_change(self, *_args: Any) -> None:
        if not self._attaching:
            self.redraw()

    def _width_changed(self, *_args: Any) -> None:
        # Lent to a footer, or the panel turned: the rows that fit may be others.
        if self.target is not None and self._rows_of(self.layout) is not self._drawn:
            self.redraw()

    def _rows_of(self, layout: str) -> tuple[tuple[str, ...], ...]:
        wide = WIDE_LAYOUTS.get(layout)
        if wide is not None:
            most = max(len(row) for row in wide)
            key_width = (self.width - (most - 1) * self.spacing) / most
            if key_width >= dp(theme.KEY_MIN_WIDTH_DP):
                return wide
        return LAYOUTS[layout]

    def attach(self, field: TextField) -> None:
        """Type into `field` from now on, on its first layout.

        Only the same field given the keys again (the screen redrawn in another language)
        keeps the layout the citizen switched to. Keeping any layout the field merely
        allowed let a phone's digit pad open the next dossier field on digits only.
        """
        if self.target is not None:
            self.target.focused = False
        field.focused = True
        self._attaching = True  # one redraw below, not one per property set
        try:
            if field is not self.target or self.layout not in field.layouts:
                self.layout = field.layouts[0]
            self.target = field
        finally:
            self._attaching = False
        self.redraw()

    def detach(self) -> None:
        """Type into nothing and put the keys away (they are written over on `attach`).

        The keys go back to their neutral layout: the next field, or the next citizen
        after a reset, finds nothing of this one.
        """
        if self.target is not None:
            self.target.focused = False
        self._attaching = True
        try:
            self.target = None
            self.layout = NEUTRAL_LAYOUT
        finally:
            self._attaching = False
        self.on_change = None
        self.redraw()

    def redraw(self) -> None:
        """Lay the keys of the current layout and the action row out again."""
        for row in self.children:
            row.clear_widgets()
        self.clear_widgets()
        if self.target is None:
            self.height = 0
            self._drawn = ()
            return
        rows = self._drawn = self._rows_of(self.layout)
        font = theme.font_path(LAYOUT_FONTS[self.layout])
        keys = iter(self._keys_for(sum(len(row) for row in rows)))
        for index, row in enumerate(rows):
            line = self._row(index)
            for key in row:
                button = next(keys)
                button.typed = key
                button.text = key.upper() if self.target.uppercase else key
                button.font_name = font
                line.add_widget(button)
            self.add_widget(line)
        self.add_widget(self._action_row())
        count = len(rows) + 1
        self.height = count * dp(theme.KEY_HEIGHT_DP) + (count - 1) * self.spacing

    def _keys_for(self, count: int) -> list[Any]:
        while len(self._keys) < count:
            button = Factory.KeyButton()
            button.typed = ""
            button.bind(on_release=lambda pressed: self._type(pressed.typed))
            self._keys.append(button)
        return self._keys[:count]

    def _row(self, index: int) -> BoxLayout:
        while len(self._rows) <= index:
            line = BoxLayout(spacing=dp(theme.KEY_SPACING_DP), size_hint_y=None)
            line.height = dp(theme.KEY_HEIGHT_DP)
            self._rows.append(line)
        return self._rows[index]

    def _action_row(self) -> BoxLayout:
        row = BoxLayout(spacing=dp(theme.KEY_SPACING_DP), size_hint_y=None)
        row.height = dp(theme.KEY_HEIGHT_DP)
        offered = self.target.layouts if self.target is not None else (self.layout,)
        for layout in offered:
            if layout == self.layout:
                continue
            switch = Factory.ActionKey(
                text=SWITCH_LABELS[layout],
                font_name=theme.font_path(LAYOUT_FONTS[layout]),
                size_hint_x=0.6,
            )
            switch.bind(on_release=lambda _b, chosen=layout: setattr(self, "layout", chosen))
            row.add_widget(switch)
        if self.layout not in NUMBER_PADS:  # numbers and PINs have no spaces
            space = Factory.ActionKey(text=self.translate(SPACE), font_name=self.action_font)
            space.bind(on_release=lambda _b: self._type(" "))
            row.add_widget(space)
        delete = Factory.ActionKey(
            text=self.translate(DELETE), font_name=self.action_font, size_hint_x=0.8
        )
        delete.bind(on_release=lambda _b: self._delete())
        row.add_widget(delete)
        return row

    def _type(self, characters: str) -> None:
        if self.target is not None:
            self.target.type(characters)
            self._changed()

    def _delete(self) -> None:
        if self.target is not None:
            self.target.delete()
            self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
