"""Buttons with a pictogram: the home screen's journey tiles and the journeys' choices."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout


class JourneyTile(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """Tapping anywhere on the tile starts its journey (laid out in kv/home.kv)."""

    text = StringProperty("")
    icon = StringProperty("")
    compact = BooleanProperty(False)  # landscape: pictogram beside a smaller name
    show_icon = BooleanProperty(True)  # off only where larger text needs the whole width


class IconButton(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """A wide button with a pictogram before its label (laid out in kv/widgets.kv)."""

    text = StringProperty("")
    icon = StringProperty("")


class ListenButton(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """A square button with the loudspeaker: "say it again" (laid out in kv/widgets.kv)."""

    icon = StringProperty("")
    text = StringProperty("")  # none shown: the pictogram speaks for every language
