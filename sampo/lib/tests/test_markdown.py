from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from sampo.lib.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown


def test_it_renders_the_markdown_people_write_in_call_notes():
    html = render_markdown("**Budget** agreed\nnext: *offer*\n\n- delivery in May\n- 3 sites")

    assert "<strong>Budget</strong> agreed<br>" in html
    assert "<em>offer</em>" in html
    assert "<li>delivery in May</li>" in html


def test_it_strips_scripts_event_handlers_and_javascript_links():
    html = render_markdown(
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        '[click](javascript:alert(3)) <a href="https://example.fi" onclick="alert(4)">site</a>'
    )

    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<img" not in html
    assert 'href="https://example.fi"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, [name for name, _ in attrs]))


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdefghijklmnopqrstuvwxyz:()[]*_-\n"))))
def test_whatever_is_typed_only_allowed_tags_and_attributes_come_out(text):
    parser = _Tags()
    parser.feed(render_markdown(text))

    for tag, attributes in parser.seen:
        assert tag in ALLOWED_TAGS
        assert set(attributes) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
