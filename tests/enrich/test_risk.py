from __future__ import annotations

from pathlib import Path

from tests.conftest import SEED, require_shared
from tradewire.enrich.risk import load_risk_config, risk_flags

JPN = [{"iso3": "JPN", "name": "Japan"}]


def test_war_threat_within_two_words() -> None:
    flags = risk_flags(None, "The threat of a war loomed over Japan.", JPN)
    assert flags.gpr_threat and not flags.gpr_act
    assert flags.gpr_countries == ("JPN",)
    assert flags.gpr_evidence[0].startswith("q1 war_threats (threat): 'threat of a war'")
    far = risk_flags(None, "The threat of a long and costly war loomed.", JPN)
    assert not far.gpr_threat  # four words apart


def test_acts_and_phrases() -> None:
    flags = risk_flags(None, "War broke out on Monday as the army launched an attack.", [])
    assert flags.gpr_act and not flags.gpr_threat
    assert any("q6" in e for e in flags.gpr_evidence) and any("q7" in e for e in flags.gpr_evidence)
    nuclear = risk_flags(None, "Officials fear a nuclear test. Separately, markets rose.", [])
    assert nuclear.gpr_threat  # q4: nuclear bigram AND threat anywhere


def test_exclusion_list_drops_the_article() -> None:
    flags = risk_flags("Review", "The film depicts the threat of war.", JPN)
    assert not flags.gpr_threat and flags.gpr_countries == ()
    assert flags.gpr_evidence[0].startswith("excluded")
    assert not risk_flags(None, "A price war threat hit retailers.", []).gpr_threat


def test_tpu() -> None:
    flags = risk_flags(None, "Tariff uncertainty weighed on exporters.", [])
    assert flags.tpu and flags.tpu_evidence == ("trade policy ~ uncertainty: 'tariff uncertainty' @0",)
    assert not risk_flags(None, "Tariffs were raised. Exporters were calm and sales grew fast in the end.", []).tpu
    assert set(flags.as_dict()) == {"gpr", "gpr_countries", "tpu", "tpu_evidence"}
    assert set(flags.as_dict()["gpr"]) == {"threat", "act", "evidence"}


def test_config_has_the_eight_queries() -> None:
    config = load_risk_config()
    assert [q.id for q in config.queries] == list(range(1, 9))
    assert {q.kind for q in config.queries[:5]} == {"threat"} and {q.kind for q in config.queries[5:]} == {"act"}


def test_seed_flags() -> None:
    from tradewire.clean.textdump import clean_text_dump

    dump = clean_text_dump(Path(require_shared("seeds", SEED.name)).read_text())
    flags = risk_flags(dump.title, dump.text, [{"iso3": "CHN"}, {"iso3": "USA"}])
    assert flags.tpu and "threat to increase tariffs" in flags.tpu_evidence[0]
    # "trade war" has no threat word within two words, "truce" no disruption word, "start" no war word
    assert not flags.gpr_threat and not flags.gpr_act and flags.gpr_countries == ()
