"""Procedures: browse by field (lĩnh vực) with counts, or search as you type without diacritics."""

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk import present
from kiosk.screens.base import KioskScreen
from touchui.i18n import i18n


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

    def on_kv_post(self, _):
        self._search_trigger = Clock.create_trigger(self.refresh_results, 0.12)
        self.ids.query.bind(text=lambda *_: self._search_trigger(), on_touch_down=self._query_touched)
        self.keyboard = self.ids.keyboard.__self__  # a strong reference: it leaves the tree when hidden
        self.keyboard.target = self.ids.query
        self.keyboard.bind(on_enter=lambda *_: self.close_keyboard())
        self.ids.main.remove_widget(self.keyboard)
        i18n.bind(lang=lambda *_: self.refresh())

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
        self.ids.fields.data = rows

    def choose_field(self, code):
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
            self.count_text = i18n.t("proc.results", lang, n=len(items))
            self.message = "" if items else i18n.t("proc.none", lang)
        else:
            items = self.services.by_field(self.field_code) if self.field_code else self._all()
            self.count_text = i18n.t("proc.count", lang, n=len(items))
            self.message = "" if items else i18n.t("proc.empty_catalogue", lang)
        self.ids.results.data = [self._row(item, lang) for item in items]
        self.ids.results.scroll_y = 1

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
        self.nav.go("detail", code=code)
