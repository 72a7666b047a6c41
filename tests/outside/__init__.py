"""Outside-in tests: `kiosk demo` driven through the X display, as a person would."""
