"""GAU Kiosk test suite."""
