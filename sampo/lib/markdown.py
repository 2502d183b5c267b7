"""Markdown that users write in notes, rendered to HTML that is safe to show: whatever the
text holds (script tags, event handlers, javascript: links), only the tags below survive."""

from __future__ import annotations

import threading

import markdown as markdown_lib  # type: ignore[import-untyped]  # no stubs in the locks
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


# One converter per thread, reset after each text: building one (its parser and extensions)
# cost more than converting a note, and a timeline shows twenty. A converter keeps state
# while it converts, so threads (the web server's) never share one.
_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=["sane_lists", "nl2br"], output_format="html")
        _local.converter = converter
    return converter


def render_markdown(text: str) -> SafeString:
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    # Headings in a note are demoted below the page's own h1/h2 by keeping only h3 to h6.
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 (sanitized by nh3 just above)
