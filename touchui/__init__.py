"""Shared Kivy widgets for the kiosk and the rating tablet: keyboard, idle, lockdown, admin PIN."""
