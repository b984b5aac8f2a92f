"""
What a browser would send for a form on a rendered page: ``form_values(html, "post_form")``.

Admin tests post exactly what the page offers (read-only inline rows send
nothing editable), then change only what the test is about.
"""

from html.parser import HTMLParser

_SKIPPED_INPUTS = {"submit", "button", "reset", "file", "image"}


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values = {}
        self._textarea = None
        self._select = None  # [name, multiple, selected values, first value]

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[3] is None:
                self._select[3] = value
            if "selected" in attrs:
                self._select[2].append(value)
            return
        if not self.inside or "name" not in attrs or "disabled" in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in _SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "on"))
                return
            self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = [attrs["name"], "multiple" in attrs, [], None]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Browsers drop one newline right after <textarea>.
            self._add(name, text.removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple, selected, first = self._select
            if selected:
                for value in selected:
                    self._add(name, value)
            elif not multiple and first is not None:
                self._add(name, first)
            self._select = None


def form_values(html, form_id):
    """The fields of ``<form id=form_id>`` as a browser would submit them: name → list of values."""
    reader = _FormReader(form_id)
    reader.feed(html)
    if not reader.values:
        raise AssertionError(f"No form with id {form_id!r} (or it has no fields) on the page")
    return reader.values
