"""A status shown as a chip: its words on its semantic colour (theme.STATES), laid out in kv."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import OptionProperty

from kiosk.ui.theme import STATES
from kiosk.ui.widgets.aligned_label import AlignedLabel


class StatusChip(AlignedLabel):  # type: ignore[misc]
    """`tone` picks the pair of colours (kv/theme.kv `<StatusChip>`)."""

    tone = OptionProperty("in_progress", options=list(STATES))


# kv files name it (kv/history.kv) before any screen module would have imported it.
Factory.register("StatusChip", cls=StatusChip)
