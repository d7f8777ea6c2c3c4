"""Idle screen: the officer on duty (photo, name, title, counter) and the invitation to rate."""

import hashlib
import io
import logging
from pathlib import Path

from kivy.core.image import Image as CoreImage
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from rating.screens.base import TabletScreen

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
PLACEHOLDER = str(Path(__file__).resolve().parents[2] / "assets" / "rating" / "officer.png")
log = logging.getLogger(__name__)


def photo_texture(data: bytes):
    """A texture from PNG or JPEG bytes (the staff cache keeps photos in the store, not as files)."""
    ext = "png" if data.startswith(b"\x89PNG") else "jpg"
    return CoreImage(io.BytesIO(data), ext=ext).texture


class IdleScreen(TabletScreen):
    officer_name = StringProperty("")
    officer_title = StringProperty("")
    photo = StringProperty(PLACEHOLDER)  # "" while the officer's own photo is shown
    photo_texture = ObjectProperty(None, allownone=True)  # the officer's photo, None: the placeholder
    has_officer = BooleanProperty(False)
    waits_for_officer = BooleanProperty(False)
    officer_button = BooleanProperty(False)
    cooling = BooleanProperty(False)  # within the cooldown after a rating: the invitation looks asleep
    _photo_digest = None

    def refresh(self):
        flow = self.flow
        self.officer_button = self.services.officer_button
        self.show_officer(flow.officer, self.services.officer_photo(flow.officer))
        self.waits_for_officer = flow.settings.require_service_done and not flow.service_done
        self.cooling = flow.cooldown_remaining() > 0

    def show_officer(self, officer, photo: bytes | None = None):
        self.has_officer = officer is not None
        self.officer_name = officer.get("name", "") if officer else ""
        self.officer_title = (officer.get("title") or "") if officer else ""
        digest = hashlib.sha1(photo).digest() if photo else None
        if digest == self._photo_digest:
            return  # the screen redraws often; decode a photo only when it changed
        self._photo_digest = digest
        try:
            self.photo_texture = photo_texture(photo) if photo else None
        except Exception as exc:  # a broken image from the server must not take the tablet down
            log.warning("officer photo could not be decoded: %s", exc.__class__.__name__)
            self.photo_texture = None
        self.photo = "" if self.photo_texture else PLACEHOLDER
        if self.photo_texture:
            self.ids.photo.texture = self.photo_texture
