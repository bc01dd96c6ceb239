"""Known-bad items through the real tradewire_ingest DAG: each lands in its bucket with its reason.

The sources are a folder of text dumps and a URL list served by a real HTTP server on 127.0.0.1:
good articles, one dated 2099, one dated 1985 (before the published floor), one in Nigerian
Pidgin (language code `pcm`, not ISO 639-1), an exact duplicate, a page whose fetch fails
(HTTP 500), a page with an empty body, and one robots.txt forbids. A second DAG run on a batch
that is mostly bad must fail, naming the rule, without publishing the snapshot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import REPO
from tests.e2e.airflow_env import airflow_env
from tests.fetch.loopback import Loopback, page, send
from tradewire.ids import item_id_for_url

AIRFLOW = str(Path(sys.executable).with_name("airflow"))
TRADEWIRE = str(Path(sys.executable).with_name("tradewire"))

pytestmark = pytest.mark.e2e

PARTNERS = [
    ("Chile", "copper cathodes", "Santiago"), ("Kenya", "cut flowers", "Nairobi"), ("Vietnam", "footwear", "Hanoi"),
    ("Morocco", "phosphate fertiliser", "Rabat"), ("Peru", "blueberries", "Lima"), ("Norway", "farmed salmon", "Oslo"),
    ("Thailand", "hard disk drives", "Bangkok"), ("Ghana", "cocoa beans", "Accra"), ("Turkey", "flat steel", "Ankara"),
    ("Indonesia", "nickel pig iron", "Jakarta"), ("Uruguay", "beef", "Montevideo"),
]  # fmt: skip


def _dump(title: str, published: str, body: str) -> str:
    return f"{title}\nPublished: {published}\nAuthor: Test Desk\n\n{body}\n"


def _story(country: str, goods: str, city: str) -> str:
    return (
        f"{city.upper()} - {country} and the European Union agreed on Tuesday to cut tariffs on {goods}, "
        f"officials said, ending two years of talks that had stalled over quotas and rules of origin.\n\n"
        f"Under the deal, duties on {goods} from {country} will fall to zero over five years, while the bloc "
        f"gains wider access for machinery and wine. Exporters in {city} welcomed the agreement, saying it would "
        f"help them compete with suppliers that already enjoy preferential terms.\n\n"
        f'"This is a fair outcome for both sides," the trade minister of {country} told reporters, adding that '
        f"parliament was expected to ratify the text before the end of the year. Farm groups in Europe warned "
        f"that imports of {goods} could rise sharply once the quotas expire."
    )


PIDGIN = (
    "LAGOS - Di federal goment don announce say dem go reduce tariff for rice wey dem dey import from outside "
    "kontri. Di minister of trade tok for press conference for Abuja say di new policy go help pipo wey no fit "
    "buy food again because price don high well well.\n\nTraders for Balogun market tok say dem dey wait to see "
    "weda di price go really come down. 'We don hear dis kain promise before,' one trader tok. Di goment "
    "bin increase di tariff last year to protect local farmers, but di move make rice price double for market."
)


def _write_inputs(root: Path, server: Loopback, bad_share: bool = False) -> Path:
    dumps = root / "dumps"
    dumps.mkdir(parents=True)
    good = PARTNERS[:3] if bad_share else PARTNERS
    for country, goods, city in good:
        title = f"{country} and EU agree to cut tariffs on {goods} after two years of talks"
        (dumps / f"{country.lower()}.txt").write_text(
            _dump(title, "2025-09-16T08:00:00Z", _story(country, goods, city))
        )
    if bad_share:  # more than 20% of the batch broken: the run must stop
        for country, goods, city in PARTNERS[3:6]:
            title = f"{country} tariff story with an impossible date"
            (dumps / f"future-{country.lower()}.txt").write_text(
                _dump(title, "2099-01-01T00:00:00Z", _story(country, goods, city))
            )
    else:
        country, goods, city = PARTNERS[0]
        copy = _dump(f"{country} and EU agree to cut tariffs on {goods} after two years of talks",
                     "2025-09-16T08:00:00Z", _story(country, goods, city))  # fmt: skip
        (dumps / "copy-of-chile.txt").write_text(copy)
        future = _story("Ghana", "rice", "Accra")
        (dumps / "from-the-future.txt").write_text(
            _dump("Rice tariffs cut as talks end", "2099-03-01T09:00:00Z", future)
        )
        old = _story("India", "cotton yarn", "Geneva")
        (dumps / "archive-1985.txt").write_text(_dump("Textile quota talks resume", "1985-07-10T09:00:00Z", old))
        (dumps / "pidgin.txt").write_text(
            _dump("Goment go reduce tariff for imported rice", "2025-09-17T10:00:00Z", PIDGIN)
        )
    urls = root / "urls.txt"
    urls.write_text("\n".join(server.url(p) for p in ("/news/ok", "/news/gone", "/news/empty", "/private/memo")) + "\n")
    sources = {
        "sources": [
            {"name": "dumps", "kind": "local", "path": str(dumps)},
            {"name": "wire-urls", "kind": "urls", "path": str(urls)},
        ]
    }
    path = root / "sources.yaml"
    path.write_text(yaml.safe_dump(sources, sort_keys=False))
    return path


def _server() -> Loopback:
    article = (
        "<html lang='en'><head><title>Mexico raises steel tariffs</title>"
        "<meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2025-09-15T10:00:00Z'></head><body><article>"
        "<h1>Mexico raises tariffs on steel from countries without trade deals</h1>"
        + "".join(f"<p>{_story('Mexico', 'steel', 'Mexico City')}</p>" for _ in range(1))
        + "</article></body></html>"
    ).encode()
    return Loopback(
        routes={
            "/robots.txt": page(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/news/ok": page(article),
            "/news/gone": lambda h: send(h, 500, b"internal error", "text/plain"),
            "/news/empty": page(b""),
        }
    )


def _env(root: Path, sources: Path) -> dict[str, str]:
    return airflow_env(
        root,
        TRADEWIRE_SOURCES=str(sources),
        TRADEWIRE_ALLOW_PRIVATE_HOSTS="127.0.0.1",
        TRADEWIRE_HTTP_ATTEMPTS="1",
        TRADEWIRE_HOST_DELAY="0",
        NO_PROXY="127.0.0.1,localhost",
    )


def _query(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_every_bad_item_lands_in_its_bucket_and_the_ledger_balances(tmp_path: Path) -> None:
    with _server() as server:
        env = _env(tmp_path, _write_inputs(tmp_path, server))
        run = subprocess.run(
            [AIRFLOW, "dags", "test", "tradewire_ingest"], env=env, capture_output=True, text=True, cwd=REPO,
            timeout=900,
        )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    dumps = tmp_path / "dumps"

    def item_of(name: str) -> str:
        return str(_query(warehouse, "SELECT item_id FROM items WHERE path = ?", [str(dumps / name)])[0][0])

    held = {row[0]: row[1:] for row in _query(warehouse, "SELECT item_id, stage, reason, record FROM quarantine")}
    future, old, pidgin = item_of("from-the-future.txt"), item_of("archive-1985.txt"), item_of("pidgin.txt")
    empty = item_id_for_url(server.url("/news/empty"))
    assert set(held) == {future, old, pidgin, empty}
    assert held[future][0] == "clean" and "(published_at)" in str(held[future][1])
    assert held[old][0] == "clean" and "(published_at)" in str(held[old][1])
    assert held[pidgin][0] == "clean" and "(language)" in str(held[pidgin][1])
    assert json.loads(str(held[pidgin][2]))["language"] == "pcm"  # the original record is kept
    assert held[empty][0] == "fetch" and "(body_bytes)" in str(held[empty][1])
    # quarantined items are not articles, and the items table says why
    statuses = dict(_query(warehouse, "SELECT item_id, status FROM items WHERE item_kind = 'page'"))
    assert {statuses[i] for i in held} == {"quarantined"}
    assert not _query(
        warehouse, "SELECT 1 FROM articles a JOIN items i USING (article_id) WHERE i.status = 'quarantined'"
    )
    copy = item_of("copy-of-chile.txt")
    assert statuses[copy] == "duplicate"
    gone = _query(
        warehouse, "SELECT status, reason FROM items WHERE item_id = ?", [item_id_for_url(server.url("/news/gone"))]
    )
    assert gone[0][0] == "error" and "500" in str(gone[0][1])
    robots = _query(
        warehouse, "SELECT status, outcome FROM items WHERE item_id = ?", [item_id_for_url(server.url("/private/memo"))]
    )
    assert robots == [("error", "robots")]
    assert statuses[item_id_for_url(server.url("/news/ok"))] == "loaded"

    ((ledger_json,),) = _query(warehouse, "SELECT to_json(l) FROM run_ledger l")
    ledger = json.loads(str(ledger_json))
    print("ledger:", ledger)
    discovered = len(PARTNERS) + 4 + 4  # good dumps, 4 bad dumps, 4 URLs
    assert ledger["status"] == "loaded" and ledger["balanced"] is True
    assert ledger["items_discovered"] == discovered
    assert (ledger["pages_fetched"], ledger["fetch_failures"], ledger["skipped"]) == (discovered - 2, 1, 1)
    assert ledger["articles_loaded"] == len(PARTNERS) + 1
    assert (ledger["duplicates"], ledger["not_articles"], ledger["quarantined"]) == (1, 0, 4)
    assert ledger["pages_fetched"] == ledger["articles_loaded"] + ledger["duplicates"] + ledger["quarantined"]

    failed = {row[0] for row in _query(warehouse, "SELECT DISTINCT column_name FROM dq_results WHERE NOT success")}
    assert failed == {"published_at", "language", "body_bytes"}
    assert (tmp_path / "data" / "data_docs" / "index.html").exists()
    assert (tmp_path / "data" / "serving" / "tradewire.duckdb").exists()

    # the listing shows them; a release after the fix (an earlier published floor) loads the 1985 story only
    listing = subprocess.run([TRADEWIRE, "quarantine", "list"], env=env, capture_output=True, text=True, check=True)
    assert all(item in listing.stdout for item in held)
    released = subprocess.run(
        [TRADEWIRE, "quarantine", "release", old, pidgin], env={**env, "TRADEWIRE_PUBLISHED_FLOOR": "1980-01-01"},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert released.returncode == 3, released.stdout + released.stderr  # 3: some items are still held
    assert "1 released, 1 still held" in released.stdout
    open_items = {row[0] for row in _query(warehouse, "SELECT item_id FROM quarantine WHERE released_at IS NULL")}
    assert open_items == {future, pidgin, empty}
    assert _query(warehouse, "SELECT status FROM items WHERE item_id = ?", [old]) == [("loaded",)]
    assert _query(warehouse, "SELECT status, balanced FROM run_ledger WHERE run_id LIKE 'release__%'") == [
        ("loaded", True)
    ]


def test_a_batch_over_the_threshold_fails_the_run_and_publishes_nothing(tmp_path: Path) -> None:
    with _server() as server:
        env = _env(tmp_path, _write_inputs(tmp_path, server, bad_share=True))
        run = subprocess.run(
            [AIRFLOW, "dags", "test", "tradewire_ingest"], env=env, capture_output=True, text=True, cwd=REPO,
            timeout=900,
        )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]  # the run failed
    assert "ExpectColumnValuesToBeBetween(published_at)" in output
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    assert not (tmp_path / "data" / "serving" / "tradewire.duckdb").exists()  # the Asset's snapshot never appeared
    assert _query(warehouse, "SELECT count(*) FROM articles") == [(0,)]
    ((status, failed, message),) = _query(warehouse, "SELECT status, failed_expectations, message FROM run_ledger")
    assert status == "rejected"
    assert any("ExpectColumnValuesToBeBetween(published_at)" in f for f in failed)  # type: ignore[union-attr]
    assert "clean batch" in str(message)
    dq = _query(warehouse, "SELECT count(*) FROM dq_results WHERE stage = 'clean' AND NOT success")
    assert dq[0][0] >= 1
