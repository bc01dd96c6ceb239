"""De-duplication on constructed pages: exact copies collapse, versions of one story cluster, other stories stay apart.

Nothing is deleted: every page is an article, a member of a story, or an exact copy whose URL the
article keeps.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from tradewire.clean.dedup import STORY_JACCARD, minhash, similarity
from tradewire.load.warehouse import LOAD_CHUNK_ARTICLES
from tradewire.pipeline import run_all
from tradewire.settings import Settings

STORY = [
    "BRUSSELS, March 3 - The European Commission on Tuesday proposed cutting the volume of steel that can enter the "
    "bloc tariff-free by almost half, and doubling the duty on imports above the quota to 50 percent.",
    "The proposal, which replaces safeguard measures that expire in June, is aimed at overcapacity in China and "
    "other producers that officials say has pushed European mills to the brink.",
    "Trade Commissioner Maros Sefcovic said the measure was compatible with World Trade Organization rules and "
    "would be negotiated country by country with partners that have free trade agreements with the union.",
    "Eurofer, the industry association, welcomed the plan, saying that imports had taken a record share of the "
    "European market last year while domestic production fell to its lowest level since the financial crisis.",
    "Exporters in Turkey, India and South Korea, which together ship more than a third of the bloc's steel "
    "imports, are expected to push for larger allocations before the rules take effect.",
    "The United Kingdom, which has its own safeguard regime, said it was studying the proposal and would seek to "
    "protect its mills from steel diverted away from the European market.",
    "Analysts said the measure would raise prices for carmakers and construction firms, which have complained "
    "about the cost of steel since the end of the pandemic.",
]
UPDATE = [
    *STORY[:3],
    "Eurofer, the industry association, welcomed the plan on Tuesday evening, saying imports had taken a record "
    "share of the European market last year while domestic production fell to its lowest level since 2009.",
    *STORY[4:],
    "China's commerce ministry said on Wednesday it would follow the proposal closely and take necessary measures "
    "to protect the legitimate rights and interests of Chinese companies.",
]
OTHER = [
    "OTTAWA, March 3 - Canada will impose tariff-rate quotas on steel imports from countries without a free trade "
    "agreement, Finance Minister Francois-Philippe Champagne said on Tuesday.",
    "Imports above 2024 levels will face a surtax of 25 percent, rising to 50 percent for steel melted and poured "
    "in China, as Ottawa tries to stop product diverted from the United States from flooding its market.",
    "The Canadian Steel Producers Association said the measures were overdue, noting that mills in Ontario and "
    "Quebec had cut shifts after Washington doubled its own tariffs on Canadian metal last year.",
    "Champagne said the government would also tighten procurement rules so that federal infrastructure projects "
    "use Canadian steel wherever possible, a long-standing demand of the United Steelworkers union.",
    "Economists warned that the surtax could raise construction costs at a time when the government is trying to "
    "accelerate the building of homes, and said exemptions for some products were likely.",
]


def page(outlet: str, title: str, paragraphs: list[str], published: str, boilerplate: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title} | {outlet}</title><meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='{published}'></head><body>"
        f"<nav><a href='/'>{outlet}</a> <a href='/world'>World</a> <a href='/business'>Business</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<aside><p>{boilerplate}</p></aside><footer>Copyright {outlet}. All rights reserved.</footer></body></html>"
    )


# the load goes in chunks of articles, earliest published first: one article a chunk must decide the same
# (and a load of several chunks commits each on a copy of the warehouse)
@pytest.fixture(scope="module", params=[LOAD_CHUNK_ARTICLES, 1], ids=["one-chunk", "chunk-per-article"])
def loaded(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Settings, dict[str, dict]]:
    return _load_stories(tmp_path_factory.mktemp("stories"), request.param)


def _load_stories(root: Path, chunk_articles: int) -> tuple[Settings, dict[str, dict]]:
    pages = root / "pages"
    pages.mkdir()
    title = "EU proposes halving tariff-free steel quota"
    files = {
        "wire-original.html": page("Wire One", title, STORY, "2026-03-03T10:00:00Z", "Sign up for our newsletter."),
        "wire-copy.html": page("Wire One", title, STORY, "2026-03-03T10:00:00Z", "Sign up for our newsletter."),
        "daily-reprint.html": page("The Daily", title, STORY, "2026-03-03T11:30:00Z", "Follow us on social media."),
        "wire-update.html": page("Wire One", title + ", China reacts", UPDATE, "2026-03-04T08:00:00Z", "Share this."),
        "other-story.html": page("Maple Post", "Canada sets steel quotas", OTHER, "2026-03-03T12:00:00Z", "Share."),
    }
    for name, html in files.items():
        (pages / name).write_text(html, encoding="utf-8")
    sources = root / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{"name": "saved", "kind": "local", "path": str(pages)}]}))
    settings = Settings.from_env(
        {
            "TRADEWIRE_HOME": str(root / "home"),
            "TRADEWIRE_SOURCES": str(sources),
            "TRADEWIRE_LOAD_CHUNK_ARTICLES": str(chunk_articles),
        }
    )
    run_all("stories-1", settings)
    run_all("stories-2", settings)  # loading again changes nothing
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT regexp_extract(i.path, '[^/]+$'), i.status, i.article_id, i.duplicate_of, a.story_id "
            "FROM items i LEFT JOIN articles a ON a.article_id = coalesce(i.duplicate_of, i.article_id)"
        ).fetchall()
        urls = con.execute("SELECT article_id, count(*) FROM article_urls GROUP BY ALL").fetchall()
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
    finally:
        con.close()
    by_file = {name: {"status": s, "article": a, "duplicate_of": d, "story": st} for name, s, a, d, st in rows}
    return settings, {"files": by_file, "urls": dict(urls), "articles": articles[0] if articles else 0}


def test_exact_copies_collapse_to_one_article_keeping_every_page(loaded: tuple) -> None:
    files = loaded[1]["files"]
    original = files["wire-original.html"]
    assert original["status"] == "loaded"
    for copy in ("wire-copy.html", "daily-reprint.html"):  # different boilerplate, same article text
        assert files[copy]["status"] == "duplicate" and files[copy]["duplicate_of"] == original["article"], copy
    assert loaded[1]["urls"][original["article"]] == 3


def test_a_lightly_edited_update_joins_the_story(loaded: tuple) -> None:
    files = loaded[1]["files"]
    update, original = files["wire-update.html"], files["wire-original.html"]
    assert update["status"] == "loaded" and update["article"] != original["article"]
    assert update["story"] == original["story"] == original["article"]  # the first published names the story


def test_another_story_on_the_same_topic_stays_apart(loaded: tuple) -> None:
    files = loaded[1]["files"]
    other = files["other-story.html"]
    assert other["status"] == "loaded" and other["story"] == other["article"] != files["wire-original.html"]["story"]
    assert loaded[1]["articles"] == 3  # nothing deleted: original, update, other story


def test_the_constructed_pairs_sit_where_the_threshold_expects() -> None:
    original, update, other = (minhash(" ".join(text)) for text in (STORY, UPDATE, OTHER))
    print(f"update {similarity(original, update):.2f}, other story {similarity(original, other):.2f}")
    assert similarity(original, update) >= STORY_JACCARD > 0.3 > similarity(original, other)
