"""is_trade: named, countable features; weights fitted on Reuters' ModApte TRAIN split only."""

from __future__ import annotations

import yaml

from tradewire.enrich.trade import FEATURES, judge_trade
from tradewire.settings import CONFIG_DIR

TRADE = (
    "The United States trade deficit widened to a record in September as imports of cars rose, and the "
    "administration said it would press Japan in trade talks to cut tariffs and open its markets to American rice."
)
NOT_TRADE = (
    "The central bank left interest rates unchanged on Thursday, saying inflation was close to target and "
    "the labour market remained tight. Economists expect a cut early next year."
)


def test_a_trade_story_is_trade_with_its_evidence() -> None:
    verdict = judge_trade("U.S. trade deficit widens; talks with Japan", TRADE)
    assert verdict.is_trade and verdict.probability > 0.5
    fired = dict(verdict.evidence)
    assert fired["trade_balance"].lower() == "trade deficit" and "tariff" in fired


def test_a_monetary_policy_story_is_not_trade() -> None:
    verdict = judge_trade("Central bank holds rates", NOT_TRADE)
    assert not verdict.is_trade and verdict.probability < 0.2


def test_the_weights_file_names_only_known_features_and_says_where_it_came_from() -> None:
    path = CONFIG_DIR / "is_trade.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data["weights"]) <= set(FEATURES)
    assert 0 < data["threshold"] < 1
    assert "ModApte TRAIN split" in path.read_text(encoding="utf-8")
