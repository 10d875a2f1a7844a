"""Read pages as a person sees them: visible text, and the text of elements with a class."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import translation

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
_HIDDEN = {"script", "style", "title", "head"}
_SPACES = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class _Collector(HTMLParser):
    def __init__(self, css_class: str | None = None, tag: str | None = None):
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.tag = tag
        self.stack: list[tuple[str, bool]] = []  # (tag, starts a match)
        self.hidden = 0
        self.all_text: list[str] = []
        self.matches: list[list[str]] = []
        self.open_matches: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            if tag == "br":
                self.handle_data(" ")
            return
        classes = (dict(attrs).get("class") or "").split()
        starts = (self.css_class is None or self.css_class in classes) and (
            self.tag is None or self.tag == tag
        )
        starts = starts and (self.css_class is not None or self.tag is not None)
        if starts:
            self.matches.append([])
            self.open_matches.append(len(self.matches) - 1)
        if tag in _HIDDEN:
            self.hidden += 1
        self.stack.append((tag, starts))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self.stack:
            open_tag, starts = self.stack.pop()
            if open_tag in _HIDDEN:
                self.hidden -= 1
            if starts:
                self.open_matches.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.hidden:
            return
        self.all_text.append(data)
        for index in self.open_matches:
            self.matches[index].append(data)


def _content(response_or_html) -> str:
    if isinstance(response_or_html, str):
        return response_or_html
    return response_or_html.content.decode()


def page_text(response_or_html) -> str:
    """The visible text of a page, white space collapsed."""
    collector = _Collector()
    collector.feed(_content(response_or_html))
    return _squash(" ".join(collector.all_text))


def texts(response_or_html, css_class: str | None = None, tag: str | None = None) -> list[str]:
    """The text of every element with the class (and/or tag), in page order."""
    collector = _Collector(css_class=css_class, tag=tag)
    collector.feed(_content(response_or_html))
    return [_squash("".join(parts)) for parts in collector.matches]


def facts(response_or_html) -> list[tuple[str, str]]:
    """The (term, description) pairs of the page's definition lists, in page order."""
    return list(
        zip(texts(response_or_html, tag="dt"), texts(response_or_html, tag="dd"), strict=True)
    )


class _FormCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, [], None
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            for value in self._selected:
                self.data.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_data(response_or_html) -> dict[str, list[str]]:
    """What a browser would submit from the page's forms as they are (for admin change pages)."""
    collector = _FormCollector()
    collector.feed(_content(response_or_html))
    data: dict[str, list[str]] = {}
    for name, value in collector.data:
        data.setdefault(name, []).append(value)
    return data


def url(name, *args, lang="vi", **kwargs):
    """The address of the core app's page ``name`` in language ``lang``."""
    with translation.override(lang):
        return reverse(f"conference:{name}", args=args, kwargs=kwargs or None)


def open_registration(client, registration, *, lang="vi"):
    """Open the delegate's emailed link in ``client``: the registration is then this session's
    (``/registration/manage/`` and its pages); returns the link's answer (a redirect there)."""
    from conference.signing import manage_token

    response = client.get(url("registration_open", lang=lang, token=manage_token(registration)))
    assert (response.status_code, response.url) == (302, url("registration_manage", lang=lang))
    return response
