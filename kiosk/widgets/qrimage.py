"""A QR code as a Kivy image: the matrix from kiosk.qr blitted into a greyscale texture."""

from kivy.graphics.texture import Texture
from kivy.properties import StringProperty
from kivy.uix.image import Image

from kiosk.qr import qr_luminance


class QRImage(Image):
    """Shows the QR code of `data` (an URL); empty data shows nothing."""

    data = StringProperty("")

    def on_data(self, _, data):
        if not data:
            self.texture = None
            return
        side, pixels = qr_luminance(data, scale=4)
        texture = Texture.create(size=(side, side), colorfmt="luminance")
        texture.blit_buffer(pixels, colorfmt="luminance", bufferfmt="ubyte")
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        self.texture = texture
