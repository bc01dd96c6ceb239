"""Document tone and a conflict-cooperation score from word lexicons (config/tone.yaml).

tone = (pos - neg) / (pos + neg + smoothing), in [-1, 1]: GDELT's positive-minus-negative tone,
scaled by the opinion words found (not by all words) so short and long stories compare, with a
smoothing constant so one loaded word does not give +-1. `positive`, `negative` and `polarity` are
GDELT's percentages of all words. conflict_cooperation = (coop - conflict) / (coop + conflict +
smoothing) from a second, CAMEO-QuadClass-like lexicon with Goldstein-like weights.

A negator ("not", "no", "never", "-n't" ...) up to three words before a word flips it, within a
clause (a . ; : ! ? resets it); an intensifier right before ("sharply", "slightly") scales it.
One tokenisation pass; each distinct word is looked up once and memoised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tradewire.enrich.sentences import Sentence
from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

# words (hyphenated compounds and contractions stay one token) or a clause break
# possessive: nothing follows a word to backtrack for, and re then keeps no backtracking state (faster)
_TOKEN = re.compile(r"[a-z0-9\u00c0-\u024f]++(?:['’-][a-z0-9\u00c0-\u024f]++)*+|[.;:!?]")
_MEMO_LIMIT = 200_000  # distinct words memoised before the memo is reset


_LONGEST_STEM = 40  # characters; config/tone.yaml's longest stem is far shorter (checked by a test)


@dataclass(frozen=True)
class WordScore:
    tone: float  # +1 positive, -1 negative, 0 neither
    conflict: float
    cooperation: float


_NEUTRAL = WordScore(0.0, 0.0, 0.0)
_BREAK = WordScore(0.0, 0.0, 0.0)  # . ; : ! ?
_NEGATOR = WordScore(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class _Intensifier(WordScore):
    factor: float = 1.0


@dataclass
class Lexicon:
    tone_exact: dict[str, float]
    tone_stems: dict[str, float]
    conflict_exact: dict[str, float]
    conflict_stems: dict[str, float]
    coop_exact: dict[str, float]
    coop_stems: dict[str, float]
    negators: frozenset[str]
    intensifiers: dict[str, float]
    smoothing: float
    negation_window: int
    memo: dict[str, WordScore]

    def _lookup(self, word: str, exact: dict[str, float], stems: dict[str, float]) -> float:
        value = exact.get(word)
        if value is not None:
            return value
        # the longest stem wins: the most specific entry; no stem is longer than _LONGEST_STEM, and starting
        # there keeps a 200,000-letter "word" from costing a quadratic number of slices
        for cut in range(min(len(word), _LONGEST_STEM), 2, -1):
            value = stems.get(word[:cut])
            if value is not None:
                return value
        return 0.0

    def score(self, word: str) -> WordScore:
        found = self.memo.get(word)
        if found is not None:
            return found
        if not word[0].isalnum():
            found = _BREAK
        elif self.is_negator(word):
            found = _NEGATOR
        elif word in self.intensifiers:
            found = _Intensifier(0.0, 0.0, 0.0, self.intensifiers[word])
        else:
            found = self._word_score(word)
        if len(self.memo) >= _MEMO_LIMIT:
            self.memo.clear()
        self.memo[word] = found
        return found

    def _word_score(self, word: str) -> WordScore:
        tone = self._lookup(word, self.tone_exact, self.tone_stems)
        conflict = self._lookup(word, self.conflict_exact, self.conflict_stems)
        cooperation = self._lookup(word, self.coop_exact, self.coop_stems)
        return WordScore(tone, conflict, cooperation) if tone or conflict or cooperation else _NEUTRAL

    def is_negator(self, word: str) -> bool:
        return word in self.negators or word.endswith(("n't", "n’t"))


def _split_terms(terms: list[str], weight: float, exact: dict[str, float], stems: dict[str, float]) -> None:
    for term in terms:
        term = str(term).lower().strip()
        target, key = (stems, term[:-1]) if term.endswith("*") else (exact, term)
        target[key] = max(target.get(key, 0.0), weight)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = CONFIG_DIR / "tone.yaml") -> Lexicon:
    config = read_yaml(path)
    tone_exact: dict[str, float] = {}
    tone_stems: dict[str, float] = {}
    pos_exact: dict[str, float] = {}
    pos_stems: dict[str, float] = {}
    _split_terms(config["tone"]["positive"], 1.0, pos_exact, pos_stems)
    _split_terms(config["tone"]["negative"], 1.0, tone_exact, tone_stems)
    tone_exact = {k: -v for k, v in tone_exact.items()} | pos_exact
    tone_stems = {k: -v for k, v in tone_stems.items()} | pos_stems
    weights = {"strong": 2.0, "normal": 1.0, "weak": 0.5}
    sides: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
    for side in ("conflict", "cooperation"):
        exact: dict[str, float] = {}
        stems: dict[str, float] = {}
        for tier, weight in weights.items():
            _split_terms(config[side].get(tier) or [], weight, exact, stems)
        sides[side] = (exact, stems)
    negators = frozenset(n for n in config["negators"] if n != "n't")
    return Lexicon(
        tone_exact, tone_stems, *sides["conflict"], *sides["cooperation"], negators,
        {str(k): float(v) for k, v in config["intensifiers"].items()}, float(config["smoothing"]),
        int(config["negation_window"]), {},
    )  # fmt: skip


@dataclass(frozen=True)
class Tone:
    tone: float
    conflict_cooperation: float
    positive: float  # % of words
    negative: float  # % of words
    polarity: float  # % of words that carry tone, either way
    word_count: int
    evidence: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "tone": self.tone, "conflict_cooperation": self.conflict_cooperation, "positive": self.positive,
            "negative": self.negative, "polarity": self.polarity, "word_count": self.word_count,
            "evidence": list(self.evidence),
        }  # fmt: skip


@dataclass
class _Tally:
    positive: float = 0.0
    negative: float = 0.0
    conflict: float = 0.0
    cooperation: float = 0.0
    words: int = 0


def _lower(text: str) -> str:
    lowered = text.lower()
    # a few characters change length when lower-cased (İ): keep offsets aligned with the text
    return lowered if len(lowered) == len(text) else "".join(c.lower()[:1] for c in text)


def _damped(weight: float) -> float:
    """A word's summed weight, with diminishing returns: "meeting" seven times is still one meeting."""
    return weight if weight <= 1.0 else weight**0.5


def _tally(lower_text: str, lexicon: Lexicon) -> tuple[_Tally, dict[str, list[float]]]:
    """Damped totals over one lower-cased text, and per word [positive, negative, conflict, cooperation]."""
    per_word: dict[str, list[float]] = {}
    words = 0
    last_negator = -100  # token index of the latest negator in this clause
    boost_at, boost = -100, 1.0
    memo, score_of = lexicon.memo, lexicon.score
    for word in _TOKEN.findall(lower_text):
        score = memo.get(word) or score_of(word)
        if score is _NEUTRAL:
            words += 1
            continue
        if score is _BREAK:  # clause break: negation and intensifiers do not carry over
            last_negator, boost_at = -100, -100
            continue
        words += 1
        if score is _NEGATOR:
            last_negator = words
            continue
        if isinstance(score, _Intensifier):
            boost_at, boost = words, score.factor
            continue
        weight = boost if words - boost_at <= 2 else 1.0
        negated = words - last_negator <= lexicon.negation_window
        tone = score.tone * weight
        conflict, cooperation = score.conflict * weight, score.cooperation * weight
        if negated:  # "not sustainable", "no deal": polarity reverses; a negated threat is a step back
            tone, conflict, cooperation = -tone, cooperation, conflict
        entry = per_word.setdefault(f"not {word}" if negated else word, [0.0, 0.0, 0.0, 0.0])
        entry[0] += max(tone, 0.0)
        entry[1] += max(-tone, 0.0)
        entry[2] += conflict
        entry[3] += cooperation
    tally = _Tally(words=words)
    for positive, negative, conflict, cooperation in per_word.values():
        tally.positive += _damped(positive)
        tally.negative += _damped(negative)
        tally.conflict += _damped(conflict)
        tally.cooperation += _damped(cooperation)
    return tally, per_word


def _ratio(plus: float, minus: float, smoothing: float) -> float:
    return round((plus - minus) / (plus + minus + smoothing), 4)


def sentence_tone(sentence_text: str) -> tuple[float, float]:
    """(tone, conflict_cooperation) of one sentence, both in [-1, 1]."""
    lexicon = load_lexicon()
    tally, _ = _tally(_lower(sentence_text), lexicon)
    # one sentence holds few opinion words: a smaller constant keeps its score readable
    smoothing = lexicon.smoothing / 3
    return (
        _ratio(tally.positive, tally.negative, smoothing),
        _ratio(tally.cooperation, tally.conflict, smoothing),
    )


def _top(per_word: dict[str, list[float]], axis: int, label: str, limit: int = 3) -> list[str]:
    ranked = sorted(((v[axis], w) for w, v in per_word.items() if v[axis] > 0), reverse=True)
    return [f"{label}: {word} ({value:g})" for value, word in ranked[:limit]]


def score_tone(title: str | None, text: str, sentences: list[Sentence] | None = None) -> Tone:
    """Tone and conflict-cooperation of an article (title words count once, like body words).

    `sentences` is accepted for a signature uniform with the other enrichers: the tokeniser already
    stops negation at clause breaks, so it needs no sentence spans.
    """
    del sentences
    lexicon = load_lexicon()
    body = f"{title}.\n{text}" if title else text
    tally, per_word = _tally(_lower(body), lexicon)
    words = tally.words or 1
    evidence = [
        *_top(per_word, 0, "tone+"), *_top(per_word, 1, "tone-"),
        *_top(per_word, 3, "cooperation"), *_top(per_word, 2, "conflict"),
    ]  # fmt: skip
    return Tone(
        tone=_ratio(tally.positive, tally.negative, lexicon.smoothing),
        conflict_cooperation=_ratio(tally.cooperation, tally.conflict, lexicon.smoothing),
        positive=round(100 * tally.positive / words, 3),
        negative=round(100 * tally.negative / words, 3),
        polarity=round(100 * (tally.positive + tally.negative) / words, 3),
        word_count=tally.words,
        evidence=tuple(evidence),
    )
