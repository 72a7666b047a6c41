"""Widgets the screens share: the on-screen keyboards and the fields they type into."""
