"""Widgets of the rating tablet: the face buttons, reason toggles and the notice bar."""
