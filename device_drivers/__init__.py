"""Device drivers: ESC/POS printers (document model, rendering, transports) and serial scanners."""
