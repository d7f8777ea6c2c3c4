"""Kiosk widgets: big buttons, wrapping labels, the top bar, charts and the QR image."""
