"""is_trade: named, countable features and a lexical layer; weights fitted on Reuters' ModApte TRAIN split only."""

from __future__ import annotations

import time

import yaml

from tests.conftest import SEED, require_shared
from tradewire.clean.textdump import clean_text_dump
from tradewire.enrich.trade import FEATURES, NAMES, _alternatives, _literal_prefix, feature_vector, judge_trade
from tradewire.settings import CONFIG_DIR

TRADE = (
    "The United States trade deficit widened to a record in September as imports of cars rose, and the "
    "administration said it would press Japan in trade talks to cut tariffs and open its markets to American rice."
)
NOT_TRADE = (
    "The central bank left interest rates unchanged on Thursday, saying inflation was close to target and "
    "the labour market remained tight. Economists expect a cut early next year."
)
STOCK_RALLY = (
    "Wall Street stocks rallied on Tuesday, with the Nasdaq and the S&P 500 closing at record highs as technology "
    "shares climbed after strong quarterly earnings. Traders said bond yields eased and the dollar slipped. "
    "Trading volume was heavy, and analysts expect the index to test new highs if inflation data stay benign."
)
FOOTBALL = (
    "Manchester United have completed the signing of the Brazilian midfielder for a transfer fee of 60 million "
    "euros, the club said on Friday. The 24-year-old agreed a five-year deal and will wear the number eight shirt. "
    "The manager said the player would add energy to the midfield ahead of the new Premier League season."
)


def test_a_trade_story_is_trade_with_its_evidence() -> None:
    verdict = judge_trade("U.S. trade deficit widens; talks with Japan", TRADE)
    assert verdict.is_trade and verdict.probability > 0.5
    fired = dict(verdict.evidence)
    assert fired["trade_balance"].lower() == "trade deficit" and "tariff" in fired
    assert any(feature == "term" for feature, _ in verdict.evidence)  # the lexical layer says what pushed it up


def test_a_monetary_policy_story_is_not_trade() -> None:
    verdict = judge_trade("Central bank holds rates", NOT_TRADE)
    assert not verdict.is_trade and verdict.probability < 0.2


def test_a_stock_rally_and_a_football_transfer_are_not_trade() -> None:
    assert not judge_trade("Stocks rally to record as tech shares climb", STOCK_RALLY).is_trade
    assert not judge_trade("United sign Brazilian midfielder", FOOTBALL).is_trade


def test_trade_in_the_market_sense_is_kept_apart() -> None:
    values = feature_vector(None, "Traders said wheat traded higher, trade sources said, in active trading.")
    assert values["trade_word"] == 0.0 and values["trade_other_sense"] > 0


def test_features_match_on_word_starts_only() -> None:
    values = feature_vector(None, "The retrade of the portfolio; contariffs; an embargoed file.")
    assert values["trade_word"] == values["tariff"] == 0.0
    assert feature_vector(None, "New tariffs and an embargo.")["tariff"] > 0


def test_every_feature_alternative_opens_on_literal_text() -> None:
    for name, pattern in FEATURES.items():
        for alternative in _alternatives(pattern):
            assert len(_literal_prefix(alternative)) >= 2, (name, alternative)


def test_the_seed_story_is_trade() -> None:
    require_shared("seeds", SEED.name)
    dump = clean_text_dump(SEED.read_text(encoding="utf-8"))
    verdict = judge_trade(dump.title, dump.text)
    assert verdict.is_trade and verdict.probability > 0.9
    assert {"trade_word", "trade_policy", "tariff"} <= {feature for feature, _ in verdict.evidence}


def test_judging_an_800_word_story_is_fast() -> None:
    text = " ".join([TRADE, NOT_TRADE, STOCK_RALLY, FOOTBALL] * 8)  # ~800 words
    judge_trade("Trade talks", text)
    start = time.perf_counter()
    for _ in range(50):
        judge_trade("Trade talks", text)
    assert (time.perf_counter() - start) / 50 < 0.005  # about 0.3 ms on an idle core; slack for a busy machine


def test_the_weights_file_names_only_known_features_and_says_where_it_came_from() -> None:
    path = CONFIG_DIR / "is_trade.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data["weights"]) <= set(NAMES)
    assert 0 < data["threshold"] < 1
    assert 100 <= len(data["terms"]) <= 5000 and all(isinstance(w, float) for w in data["terms"].values())
    assert "ModApte TRAIN split" in path.read_text(encoding="utf-8")


def test_trade_policy_topics_widen_the_reuters_model() -> None:
    title = "Malaysia raises export duty on processed palm oil"
    text = "Malaysia raised the export duty on processed palm oil. The duty rises again in May."
    topics = [{"id": "tariffs", "hits": 3}, {"id": "trade_dispute", "hits": 1}]
    alone = judge_trade(title, text)
    widened = judge_trade(title, text, topics)
    assert widened.is_trade
    assert ("policy_topics", "tariffs (3), trade_dispute (1)") in widened.evidence
    assert widened.probability == alone.probability  # the model's own score is kept as it is
    assert not judge_trade(title, text, [{"id": "trade_talks", "hits": 9}]).is_trade or alone.is_trade
