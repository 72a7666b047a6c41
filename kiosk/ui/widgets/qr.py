"""A QR code on screen, for a citizen who takes the link along when the paper did not come."""

from __future__ import annotations

import io

import qrcode
from kivy.core.image import Image as CoreImage
from kivy.metrics import dp
from kivy.uix.image import Image

QR_HEIGHT_DP = 320


def qr_image(link: str) -> Image:
    """`link` as a QR with its 4-module quiet zone, large enough for any phone's camera."""
    picture = qrcode.make(link, border=4).get_image().convert("RGB")
    data = io.BytesIO()
    picture.save(data, format="PNG")
    data.seek(0)
    texture = CoreImage(data, ext="png").texture
    return Image(texture=texture, size_hint_y=None, height=dp(QR_HEIGHT_DP))
