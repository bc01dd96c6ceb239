"""The live sources file parses and covers several regions and languages. It is never fetched in tests."""

from __future__ import annotations

from tests.conftest import REPO
from tradewire.sources import load_sources


def test_live_sources_parse_and_cover_the_world() -> None:
    config = load_sources(REPO / "include" / "sources" / "live.yaml")
    enabled = config.enabled()
    assert config.mirror is None
    assert len(enabled) >= 12
    assert all(s.url and s.url.startswith("https://") for s in enabled)
    assert len({s.language for s in enabled}) >= 3
    assert len({s.country for s in enabled if s.country}) >= 8
    assert all(s.max_items == 100 for s in enabled)
