"""A label whose texture is only as wide as its lines, drawn where its alignment puts them."""

from __future__ import annotations

from kivy.uix.label import Label


class AlignedLabel(Label):  # type: ignore[misc]
    """A Label that draws its texture at its `halign` itself (the rule in kv/theme.kv).

    Kivy's Label centres its texture, so a left- or right-aligned label needs a texture as
    wide as its box; this one tells the text provider (kiosk.ui.text) that it places a
    narrower texture itself, and the kiosk keeps a fraction of the texture memory.
    """

    def _create_label(self) -> None:
        super()._create_label()
        # A new core label is made when markup is switched on or off.
        self._label.drawn_at_alignment = True
