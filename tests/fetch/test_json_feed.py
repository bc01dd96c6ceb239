"""JSON Feed and malformed XML feeds."""

from __future__ import annotations

import json

import pytest

from tradewire.fetch.feeds import Discovered, FeedError, parse_feed

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Example trade news",
    "items": [
        {
            "id": "1",
            "url": "https://news.example/a.html",
            "title": "Tariffs rise",
            "date_published": "2025-10-01T08:00:00Z",
        },
        {"id": "2", "external_url": "https://other.example/b.html", "date_modified": "2025-10-02T09:00:00Z"},
        {"id": "3", "content_text": "no link: skipped"},
        "not an object",
    ],
}


def test_json_feed_items() -> None:
    kind, items = parse_feed(b"\xef\xbb\xbf" + json.dumps(JSON_FEED).encode())
    assert kind == "json"
    assert items == [
        Discovered("https://news.example/a.html", "Tariffs rise", "2025-10-01T08:00:00Z"),
        Discovered("https://other.example/b.html", None, "2025-10-02T09:00:00Z"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b'{"version": "1", "items": []}',
        b"{not json",
        b'{"version": "https://jsonfeed.org/version/1", "items": 5}' + b"x",
    ],
)
def test_json_that_is_not_a_json_feed(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(data)


def test_deeply_nested_json_is_a_feed_error() -> None:
    with pytest.raises(FeedError):
        parse_feed(b"{" + b'"a":[' * 100_000 + b"]" * 100_000 + b"}")


def test_malformed_xml_without_items_is_refused_but_salvageable_feeds_are_read() -> None:
    with pytest.raises(FeedError, match="malformed"):
        parse_feed(b"<rss><channel><item>")
    kind, items = parse_feed(b"<rss><channel><item><link>https://a.example/1</link></item><item><link>broken")
    assert kind == "rss" and [i.url for i in items][:1] == ["https://a.example/1"]
