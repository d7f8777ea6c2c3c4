"""Procedures: browse by field (lĩnh vực) with counts, or search as you type without diacritics.

When a search finds nothing, the screen says so in plain words and offers browsing by field and asking
at the counter ("nothing fits": no dead end). A search that ends with nothing offered, or with
results and none tapped, is counted for the dashboard's missed searches (query text only:
kiosk/missed.py). A search ends when the citizen starts a different one, browses a field, goes home
or the kiosk goes idle; erasing letters or typing more continues the same search.
"""

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.utils import escape_markup

from kiosk import present
from kiosk.screens.base import KioskScreen
from kiosk.widgets.wrap import text_height
from motcua import missed
from touchui.i18n import i18n
from touchui.theme import theme


class ProcedureRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """One result: code and name on the first line, field, time and fee on the second."""

    code = StringProperty("")
    title = StringProperty("")
    subtitle = StringProperty("")
    screen = None


class FieldRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """A field (lĩnh vực) with how many procedures it holds."""

    code = StringProperty("")
    title = StringProperty("")
    count_text = StringProperty("")
    selected = BooleanProperty(False)
    screen = None


class ProceduresScreen(KioskScreen):
    field_code = StringProperty("")
    message = StringProperty("")
    count_text = StringProperty("")

    keyboard_open = BooleanProperty(False)
    nothing_fits = BooleanProperty(False)  # a search found nothing: the "nothing fits" panel is shown
    asked_counter = BooleanProperty(False)  # the citizen chose "ask at the counter" on that panel
    none_text = StringProperty("")
    search_hint = StringProperty("")  # the hint in the empty search field: the long one when it fits

    _open_query = ""  # the search under way (not ended yet), as typed
    _open_found = False  # whether it offered any procedure
    _tapped_query = ""  # the search a procedure was opened from (shown again on the way back: not a new one)

    def on_kv_post(self, _):
        self._search_trigger = Clock.create_trigger(self.refresh_results, 0.12)
        self.ids.query.bind(text=lambda *_: self._search_trigger(), on_touch_down=self._query_touched)
        self.keyboard = self.ids.keyboard.__self__  # a strong reference: it leaves the tree when hidden
        self.keyboard.target = self.ids.query
        self.keyboard.bind(on_enter=lambda *_: self.close_keyboard())
        self.ids.main.remove_widget(self.keyboard)
        self.none_panel = self.ids.none_panel.__self__  # likewise: in the tree only while nothing fits
        self._none_host = self.none_panel.parent
        self._none_host.remove_widget(self.none_panel)
        i18n.bind(lang=lambda *_: self.refresh())
        # Rows are as tall as their wrapped text: measured again when the lists change width
        # (the keyboard opens, portrait) or the text size changes.
        self._resize_trigger = Clock.create_trigger(self.size_rows, 0)
        self.ids.results.bind(width=self._resize_trigger)
        self.ids.fields.bind(width=self._resize_trigger)
        theme.bind(font_scale=self._resize_trigger)
        self._hint_trigger = Clock.create_trigger(self.fit_hint, 0)
        self.ids.query.bind(width=self._hint_trigger, font_size=self._hint_trigger)
        i18n.bind(lang=self._hint_trigger)
        self.fit_hint()

    def on_nothing_fits(self, _, shown):
        if shown and self.none_panel.parent is None:
            self._none_host.add_widget(self.none_panel)
        elif not shown and self.none_panel.parent is not None:
            self._none_host.remove_widget(self.none_panel)

    def _query_touched(self, widget, touch):
        if widget.collide_point(*touch.pos):
            self.open_keyboard()
        return False

    def open_keyboard(self):
        if not self.keyboard_open:
            self.ids.main.add_widget(self.keyboard)
            self.keyboard_open = True

    def close_keyboard(self):
        if self.keyboard_open:
            self.ids.main.remove_widget(self.keyboard)
            self.keyboard_open = False

    def toggle_keyboard(self):
        self.close_keyboard() if self.keyboard_open else self.open_keyboard()

    def show(self, **_):
        if self.portrait:
            self.open_keyboard()
        self.refresh()

    def reset(self):
        self.end_search()
        self._tapped_query = ""
        self.field_code = ""
        self.close_keyboard()
        self.keyboard.clear()
        self.ids.query.text = ""
        self.ids.results.data = []
        self.ids.results.scroll_y = 1

    def refresh(self, *_):
        self.refresh_fields()
        self.refresh_results()

    def refresh_fields(self):
        lang = i18n.lang
        fields = self.services.fields()
        total = sum(f.get("count", 0) for f in fields)
        rows = [
            {
                "code": "",
                "title": i18n.t("proc.all_fields", lang),
                "count_text": str(total),
                "selected": self.field_code == "",
            }
        ]
        rows += [
            {
                "code": f["code"],
                "title": f["name"],
                "count_text": str(f.get("count", 0)),
                "selected": self.field_code == f["code"],
            }
            for f in fields
        ]
        self.ids.fields.data = self._sized_fields(rows)

    def choose_field(self, code):
        self.end_search()
        self.field_code = code
        if not self.portrait:
            self.close_keyboard()
        if self.ids.query.text:
            self.keyboard.clear()
            self.ids.query.text = ""
        self.refresh()
        self.ids.results.scroll_y = 1

    def refresh_results(self, *_):
        lang = i18n.lang
        query = self.ids.query.text.strip()
        if query:
            items = self.services.search(query)
            self._follow_search(query, bool(items))
            self.count_text = i18n.t("proc.results", lang, n=len(items))
            self.message = ""
        else:
            items = self.services.by_field(self.field_code) if self.field_code else self._all()
            self.count_text = i18n.t("proc.count", lang, n=len(items))
            self.message = "" if items else i18n.t("proc.empty_catalogue", lang)
        self.nothing_fits = bool(query) and not items
        self.none_text = self._none_text(query, lang) if self.nothing_fits else ""
        self.ids.results.data = self._sized_results([self._row(item, lang) for item in items])
        self.ids.results.scroll_y = 1

    def _none_text(self, query, lang):
        said = i18n.t("proc.none_query", lang, query=escape_markup(query[:60]))
        body = i18n.t("proc.ask_counter_body" if self.asked_counter else "proc.none", lang)
        return f"[b]{said}[/b]\n{body}"

    # ---- searches that end without a tap (missed searches) ---------------------------------
    def _follow_search(self, query, found):
        """The query now on screen: the same search typed on or erased back, or a new one."""
        prev = self._open_query
        if not prev and query == self._tapped_query:  # back from its procedure, or the language switched
            return
        self._tapped_query = ""
        if prev and query.startswith(prev):  # typed on
            self._open_query, self._open_found = query, found
        elif prev and prev.startswith(query):  # letters erased: still the same search, as last typed
            pass
        else:
            if prev:
                self.end_search()
            self._open_query, self._open_found = query, found
        if query != prev:
            self.asked_counter = False

    def end_search(self):
        """The search under way ended: counted as missed unless a procedure was tapped."""
        query, found = self._open_query, self._open_found
        self._open_query, self._open_found = "", False
        self.asked_counter = False
        if query and self.services is not None:
            self.services.search_ended(query, missed.NO_TAP if found else missed.NO_MATCH)

    # ---- the "nothing fits" panel ------------------------------------------------------------
    def browse_fields(self):
        """Leave the search for the list of fields (lĩnh vực): every procedure, the fields beside them."""
        self.choose_field("")
        self.close_keyboard()
        self.ids.fields.scroll_y = 1

    def ask_counter(self):
        """Say where to ask (the counter), keeping the search on screen."""
        self.asked_counter = True
        self.close_keyboard()
        self.none_text = self._none_text(self.ids.query.text.strip(), i18n.lang)

    def search_again(self):
        """Clear the search and open the keyboard for another word."""
        self.end_search()
        self.keyboard.clear()
        self.ids.query.text = ""
        self.open_keyboard()

    # ---- rows as tall as their wrapped text (the kv rules of ProcedureRow and FieldRow) ----------
    def _sized_results(self, rows):
        width = self.ids.results.width - 40  # the row's side padding
        if width < 50:  # not laid out yet: sized again when it is
            return rows
        scaled = theme.sp_scaled
        for row in rows:
            height = (
                text_height(row["title"], scaled(32), width, bold=True)
                + text_height(row["subtitle"], scaled(28), width)
                + 4  # spacing
                + 28  # top and bottom padding
                + 8  # the gap between rows
            )
            row["row_size"] = (None, max(110, scaled(116), height))
        return rows

    def _sized_fields(self, rows):
        width = self.ids.fields.width - 32 - 8 - theme.sp_scaled(70)  # padding, spacing, the count
        if width < 50:
            return rows
        for row in rows:
            height = text_height(row["title"], theme.sp_scaled(30), width) + 16 + 8 + 8
            row["row_size"] = (None, max(88, theme.sp_scaled(92), height))
        return rows

    def size_rows(self, *_):
        """Measure every row again (new width or text size); the lists keep their place."""
        for view, sized in ((self.ids.results, self._sized_results), (self.ids.fields, self._sized_fields)):
            if view.data:
                scroll = view.scroll_y
                view.data = sized([dict(row) for row in view.data])
                view.scroll_y = scroll

    def fit_hint(self, *_):
        """The search field's hint, shorter where the long one would be cut (large text, portrait)."""
        from kivy.core.text import Label as CoreLabel

        field = self.ids.query
        keys = ("proc.search_hint", "proc.search_hint_short", "proc.search_hint_tiny")  # the longest that fits
        hints = [i18n.t(key, i18n.lang) for key in keys]
        room = field.width - field.padding[0] - field.padding[2]
        if room <= 50:  # not laid out yet
            self.search_hint = hints[0]
            return
        core = CoreLabel(font_size=field.font_size, font_name=field.font_name)
        self.search_hint = next((hint for hint in hints if core.get_extents(hint)[0] <= room), hints[-1])

    def _all(self):
        items = []
        for field in self.services.fields():
            items.extend(self.services.by_field(field["code"]))
        return items

    @staticmethod
    def _row(item, lang):
        field = present.field_name(item)
        return {
            "code": item["code"],
            "title": f"{item.get('name', '')}",
            "subtitle": f"{item['code']} · {field} · {present.summary_line(item, lang)}",
        }

    def open_procedure(self, code):
        self._open_query, self._open_found = "", False  # found: a tapped search is not a missed one
        self._tapped_query = self.ids.query.text.strip()
        self.nav.go("detail", code=code)
