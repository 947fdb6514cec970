"""Reading built HTML back with a real parser, as a browser would see its elements."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Links, images, scripts and brand style of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self._open: tuple[str, dict] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.attributes += [(tag, k, v or "") for k, v in attrs]
        for key in ("href", "src"):
            if attributes.get(key) and not (tag == "link" and attributes.get("rel") in ("alternate", "canonical")):
                self.links.append(attributes[key])
        if tag in ("script", "style"):
            self._open = (tag, attributes)

    def handle_data(self, data):
        if self._open:
            tag, attributes = self._open
            (self.scripts.append((attributes, data)) if tag == "script" else self.styles.append(data))

    def handle_endtag(self, tag):
        self._open = None
