"""The window that app-wide listeners (idle timer, scanner, admin gesture) attach to."""


class WindowListener:
    """Mixin: `self.window` is the window given to the constructor (tests), else Kivy's Window."""

    _window = None

    @property
    def window(self):
        if self._window is None:
            from kivy.core.window import Window  # imported late: creating the Window opens it

            self._window = Window
        return self._window
