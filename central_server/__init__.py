"""Reference implementation of the central CAU platform API that the kiosk speaks (v1)."""

API_VERSION = 1
