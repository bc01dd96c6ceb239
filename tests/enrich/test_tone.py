from __future__ import annotations

from pathlib import Path

from tests.conftest import SEED, require_shared
from tradewire.enrich.tone import score_tone, sentence_tone


def test_negation_flips_and_clause_breaks_stop_it() -> None:
    assert sentence_tone("The levy was not sustainable.")[0] < 0
    assert sentence_tone("Profits did not fall.")[0] > 0
    assert sentence_tone("No. Profits grew.")[0] > 0


def test_conflict_and_cooperation() -> None:
    tone, cc = sentence_tone("China threatened retaliation and imposed sanctions.")
    assert tone < 0 and cc < 0
    tone, cc = sentence_tone("The two sides signed a deal and agreed to ease tariffs.")
    assert tone > 0 and cc > 0


def test_intensifiers_weigh_more() -> None:
    assert sentence_tone("Exports sharply declined.")[0] < sentence_tone("Exports slightly declined.")[0] < 0


def test_document_tone_shape_and_evidence() -> None:
    result = score_tone("Talks collapse", "Talks collapsed and China threatened retaliation. Markets slumped.")
    data = result.as_dict()
    assert set(data) == {"tone", "conflict_cooperation", "positive", "negative", "polarity", "word_count", "evidence"}
    assert -1 <= data["tone"] < 0 and -1 <= data["conflict_cooperation"] < 0
    assert data["word_count"] == 10
    assert any(e.startswith("tone-: ") for e in data["evidence"])
    assert any(e.startswith("conflict: ") for e in data["evidence"])
    empty = score_tone(None, "")
    assert empty.tone == 0 and empty.word_count == 0


def test_seed_is_mixed() -> None:
    from tradewire.clean.textdump import clean_text_dump

    dump = clean_text_dump(Path(require_shared("seeds", SEED.name)).read_text())
    result = score_tone(dump.title, dump.text)
    # talks, a truce and a planned summit, against a trade war, threats and retaliation
    assert -0.35 < result.conflict_cooperation < 0.35
    assert -0.5 < result.tone < 0.5
    assert any("threat" in e or "war" in e for e in result.evidence)


def test_stems_do_not_catch_unrelated_words() -> None:
    neutral = "Sources said the stock exchange paid a dividend to the subsidiary's trustee in Bombay."
    tone = score_tone(None, neutral)
    assert tone.tone == 0 and tone.conflict_cooperation == 0, tone.evidence


def test_no_lexicon_stem_is_longer_than_the_lookup_window() -> None:
    import re

    from tradewire.enrich import risk, tone
    from tradewire.settings import CONFIG_DIR

    for module, name in ((tone, "tone.yaml"), (risk, "risk.yaml")):
        stems = re.findall(r"[\w'-]+\*", (CONFIG_DIR / name).read_text(encoding="utf-8"))
        assert max(len(s) - 1 for s in stems) < module._LONGEST_STEM, name
    assert score_tone(None, "a" * 100_000).tone == 0  # one enormous token: scored, not stuck
