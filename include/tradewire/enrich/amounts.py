"""Money, percentages and quantities in news text, with what the sentence says they are about.

One compiled regex finds "$1.2 billion", "€3bn", "1.5 trillion yuan", "25 percent", "2.5 percentage
points", "240,000 tonnes"; values are plain floats in units (1.2e9), currencies ISO 4217. `refers_to`
comes from a few patterns around the amount: "a 100% tariff on Chinese goods", "exports rose 5%",
"tariffs on steel to 50%", "a deal worth $10bn". None when the sentence does not say.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from tradewire.enrich.sentences import Sentence, split_sentences
from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

_SCALES = {
    "trillion": 1e12, "tn": 1e12, "trn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6,
    "mln": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3,
}  # fmt: skip
_SYMBOLS = {
    "us$": "USD", "usd": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "hk$": "HKD",
    "s$": "SGD", "nz$": "NZD", "nt$": "TWD", "r$": "BRL", "mx$": "MXN", "€": "EUR", "eur": "EUR", "£": "GBP",
    "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "cny": "CNY", "rmb": "CNY", "chf": "CHF", "₹": "INR", "inr": "INR",
    "rs": "INR", "rs.": "INR", "₩": "KRW", "krw": "KRW",
}  # fmt: skip
_WORDS = {
    "dollar": "USD", "euro": "EUR", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY", "pound": "GBP",
    "sterling": "GBP", "won": "KRW", "rupee": "INR", "ringgit": "MYR", "baht": "THB", "rupiah": "IDR",
    "peso": "MXN", "real": "BRL", "reais": "BRL", "rouble": "RUB", "ruble": "RUB", "franc": "CHF", "dong": "VND",
    "lira": "TRY", "rand": "ZAR", "zloty": "PLN",
}  # fmt: skip
_DOLLARS = {
    "us": "USD", "u.s.": "USD", "american": "USD", "australian": "AUD", "canadian": "CAD", "hong kong": "HKD",
    "singapore": "SGD", "new zealand": "NZD", "taiwan": "TWD", "taiwanese": "TWD",
}  # fmt: skip

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SYM = r"(?:US\$|USD|AU?\$|CA?\$|HK\$|S\$|NZ\$|NT\$|R\$|MX\$|\$|€|£|¥|₹|₩|Rs\.?|EUR|GBP|JPY|CNY|RMB|CHF|INR|KRW)"
_SCALE_WORD = r"(?:trillion|billion|million|thousand|tn|trn|bn|mn|mln)"
_CURRENCY_WORD = (
    r"(?:(?:US|U\.S\.|American|Australian|Canadian|Hong\s+Kong|Singapore|New\s+Zealand|Taiwan(?:ese)?)\s+)?"
    r"(?:dollars?|dlrs|euros?|yuan|renminbi|yen|pounds?(?:\s+sterling)?(?!\s+of\b)|sterling|won|rupees?|ringgit|baht|rupiah|"
    r"pesos?|reais|roubles?|rubles?|francs?|dong|lira|rand|zloty)"
)
_UNIT = (
    r"(?:(?:metric\s+)?(?:tonnes|tons|tonne|ton)|barrels|bushels|kilograms|kg|cubic\s+(?:metres|meters)|bcm|"
    r"megawatts|gigawatts|MW|GW|TEUs?|containers|vehicles|cars|units|vessels|ships|pounds(?=\s+of\b))"
)
# Money after a currency sign, and a number with what follows it (percent, basis points, a scale, a currency word,
# a unit): two patterns that each open on a literal or a digit, so that re skips ahead to candidates fast (one
# alternation of both, opened by look-behinds, tries every position of the text). _amount_matches merges them as
# finditer would the alternation, and checks the sign's look-behind itself.
_MONEY = re.compile(
    rf"(?P<sym>{_SYM})\s?(?P<n1>{_NUM})(?:(?:\s?(?P<s1>{_SCALE_WORD})|(?P<s1b>[mbk]))\b)?"
    rf"(?:\s+(?P<cw1>(?:US\s+)?dollars))?"
)
# _NUM with its first digit matched before the look-behind: "(?<![\w.,])" + _NUM
_NUMBER_START = r"\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?P<n2>{_NUMBER_START})(?:[\s-]?(?P<s2>{_SCALE_WORD})\b)?"
    rf"(?:(?P<pp>[\s-]?(?:percentage|per\s?cent|percent)[\s-]points?\b)"
    rf"|(?P<bp>[\s-]?(?:basis[\s-]points?|bps?)\b)"
    rf"|(?P<pct>\s?%|[\s-]?(?:per\s?cent|percent|pct)\b)"
    rf"|\s+(?P<cw2>{_CURRENCY_WORD})\b"
    rf"|\s+(?P<unit>{_UNIT})\b(?:\s+(?P<rate>(?:a|per)\s+(?:day|year|month|week)|bpd))?)"
)
_CHANGE = (
    r"(?:rose|rise|rises|rising|fell|fall|falls|falling|grew|grow|grows|growing|increased|increases|decreased|"
    r"decreases|jumped|jumps|climbed|climbs|dropped|drops|declined|declines|slumped|slumps|surged|surges|soared|"
    r"soars|plunged|plunges|slid|slides|tumbled|tumbles|gained|gains|expanded|expands|shrank|shrinks|"
    r"contracted|contracts|edged\s+(?:up|down)|(?:was|were|is|are)\s+(?:up|down)|was|were|is|are|stood\s+at|"
    r"reached|hit|totall?ed|amounted\s+to|came\s+in\s+at)"
)
# "exports rose 5% to $3.4 trillion": the subject of a change verb, then anything up to the amount
_SUBJECT = re.compile(
    rf"(?P<np>(?:[\w'’.-]+\s+){{0,5}}?[\w'’.-]+)\s+{_CHANGE}\b(?:\s+(?:by|to|from))?"
    rf"(?:\s+(?:about|around|nearly|almost|some|roughly|an?\s+(?:estimated|additional))?)?"
    rf"(?:\s+[^\s,;]+\s+(?:to|from))?\s*$",
    re.I,
)
_WORTH = re.compile(
    r"(?P<np>(?:[\w'’-]+\s+){0,3}?[\w'’-]+)(?:\s+(?:is|are|was|were|be|been))?\s+(?:worth|valued\s+at|totall?ing)\s+(?:about\s+|around\s+|nearly\s+|some\s+)?$",
    re.I,
)
_SUBJECT_CASED = re.compile(_SUBJECT.pattern, _SUBJECT.flags & ~re.I)  # for lower-cased text (_plain_case)
_SPECIAL_FOLDS = frozenset("ſİı")
# the words each pattern above and _heads()' "before" pattern can end in: without one last, no search
_SUBJECT_TAIL = re.compile(
    rf"{_CHANGE}|up|down|at|to|by|from|about|around|nearly|almost|some|roughly|estimated|additional", re.I
)
_WORTH_TAIL = re.compile(r"worth|at|totall?ing|about|around|nearly|some", re.I)
_HEAD_TAIL = re.compile(r"of|to|at|by|from|an?|the|additional|extra|further|about|around|nearly|almost|as", re.I)
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "while",
        "as",
        "if",
        "than",
        "then",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "into",
        "over",
        "after",
        "before",
        "since",
        "its",
        "his",
        "her",
        "their",
        "our",
        "your",
        "this",
        "these",
        "those",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "said",
        "says",
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "will",
        "would",
        "could",
        "may",
        "might",
        "also",
        "more",
        "less",
    ]
)
_PREPOSITIONS = frozenset(["to", "of", "from", "on", "in", "for", "at", "into", "over", "against"])
_TRAIL_STOP = frozenset(
    [
        "that",
        "which",
        "who",
        "from",
        "by",
        "to",
        "in",
        "at",
        "with",
        "as",
        "and",
        "or",
        "starting",
        "effective",
        "since",
        "after",
        "before",
        "while",
        "than",
        "beginning",
        "until",
    ]
)
_TOKEN = re.compile(r"[a-z]+")
_CHANGE_WORDS = frozenset(
    [
        "rose",
        "rise",
        "rises",
        "rising",
        "fell",
        "fall",
        "falls",
        "falling",
        "grew",
        "grow",
        "grows",
        "growing",
        "increased",
        "increases",
        "decreased",
        "decreases",
        "jumped",
        "jumps",
        "climbed",
        "climbs",
        "dropped",
        "drops",
        "declined",
        "declines",
        "slumped",
        "slumps",
        "surged",
        "surges",
        "soared",
        "soars",
        "plunged",
        "plunges",
        "slid",
        "slides",
        "tumbled",
        "tumbles",
        "gained",
        "gains",
        "expanded",
        "expands",
        "shrank",
        "shrinks",
        "contracted",
        "contracts",
        "edged",
        "was",
        "were",
        "is",
        "are",
        "stood",
        "reached",
        "hit",
        "totalled",
        "totaled",
        "amounted",
        "came",
    ]
)
_WORTH_WORDS = frozenset({"worth", "valued", "totalling", "totaling"})


@dataclass(frozen=True)
class Amount:
    text: str
    kind: str  # money | percent | percentage_points | quantity
    value: float
    currency: str | None
    unit: str | None
    refers_to: str | None
    start: int
    end: int
    sentence: str

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text, "kind": self.kind, "value": self.value, "currency": self.currency,
            "unit": self.unit, "refers_to": self.refers_to, "start": self.start, "end": self.end,
            "sentence": self.sentence,
        }  # fmt: skip


@lru_cache(maxsize=1)
def _head_nouns() -> tuple[str, ...]:
    config = read_yaml(CONFIG_DIR / "events.yaml")
    return tuple(config["amount_heads"])


@lru_cache(maxsize=1)
def _head_set() -> frozenset[str]:
    return frozenset(word for noun in _head_nouns() for word in noun.lower().split())


@lru_cache(maxsize=1)
def _before_head_cased() -> re.Pattern[str]:
    """_heads()' "before" pattern without re.I, for lower-cased text (see _plain_case)."""
    before = _heads()[1]
    return re.compile(before.pattern, before.flags & ~re.I)


def _plain_case(text: str, lower: str) -> bool:
    """Whether a re.I pattern of lower-case ASCII words matches text where its case-sensitive twin matches lower:
    so unless lower-casing changed the length or text holds one of the three letters re.I matches to an ASCII
    letter that do not lower-case to it (ſ, İ, ı). The case-sensitive search is several times faster."""
    return len(lower) == len(text) and _SPECIAL_FOLDS.isdisjoint(text)


@lru_cache(maxsize=1)
def _heads() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for head nouns an amount is about, after it ("a 25% tariff") and before it ("tariffs of 25%")."""
    nouns = "|".join(sorted((re.escape(n) for n in _head_nouns()), key=len, reverse=True))
    after = re.compile(rf"^[\s-]*(?:(?:[a-z][\w-]*)\s+){{0,2}}?(?P<head>(?:{nouns}))\b", re.I)
    before = re.compile(
        rf"(?P<np>\b(?:{nouns})\b(?:\s+(?:on|against|for|of|from|in)\s+[^,;:()\"“”]{{1,50}}?)?)"
        rf"\s+(?:of|to|at|by|from)(?:\s+(?:an?|the))?"
        rf"(?:\s+(?:additional|extra|further|about|around|nearly|almost|up\s+to|as\s+much\s+as|as\s+high\s+as))*\s*$",
        re.I,
    )
    return after, before


def _value(number: str, scale: str | None) -> float:
    value = float(number.replace(",", ""))
    return value * _SCALES[scale.lower()] if scale else value


def _word_currency(phrase: str) -> str | None:
    words = phrase.lower().split()
    last = words[-1]
    if last == "sterling":
        return "GBP"
    if last.rstrip("s") == "dollar" or last == "dlrs":
        return _DOLLARS.get(" ".join(words[:-1]), "USD")
    return _WORDS.get(last, _WORDS.get(last.rstrip("s"), _WORDS.get(words[0].rstrip("s"))))


def _trail(text: str) -> str:
    """The prepositional phrase after a head noun: "on Chinese goods", up to a stop word or punctuation."""
    words = text.split()
    if not words or words[0].lower() not in ("on", "against", "for", "of", "in"):
        return ""
    kept = [words[0]]
    for word in words[1:5]:
        bare = word.strip(",.;:)”\"'")
        if not bare or bare.lower() in _TRAIL_STOP or (bare[0].isdigit() and len(kept) > 1):
            break
        kept.append(bare)
        if bare != word:  # punctuation closes the phrase
            break
    return " ".join(kept) if len(kept) > 1 else ""


def _subject(np: str) -> str | None:
    """The noun phrase right before a change verb, cut at the last determiner that does not follow a preposition."""
    words = np.split()
    kept: list[str] = []
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        lower = word.lower().strip(",")
        if word.endswith(",") or lower in ("said", "says", "that", "and", "while", "as", "but", "which", "when"):
            break
        if lower in ("the", "a", "an", "its", "their", "his", "her"):
            if index > 0 and words[index - 1].lower() in _PREPOSITIONS:
                kept.append(word)
                continue
            break
        kept.append(word)
    kept.reverse()
    while kept and kept[0].lower() in _FUNCTION_WORDS:
        kept.pop(0)
    return " ".join(kept) or None


def _refers_to(sentence: str, start: int, end: int) -> str | None:
    after_head, before_head = _heads()
    after = sentence[end : end + 80]
    head = after_head.match(after)
    if head:
        return head.group("head") + ((" " + trail) if (trail := _trail(after[head.end() :])) else "")
    # the patterns below end at the amount ("...$"), slow to search: run each only from its key word on, and only
    # when the last word before the amount is one that pattern can end in
    before = sentence[max(0, start - 160) : start]
    tail = before.rsplit(None, 1)
    last = tail[-1] if tail else ""
    by_head, by_change, by_worth = (
        _HEAD_TAIL.fullmatch(last),
        _SUBJECT_TAIL.fullmatch(last),
        _WORTH_TAIL.fullmatch(last),
    )
    if not (by_head or by_change or by_worth):
        return None  # most amounts
    lower = before.lower()
    words = set(_TOKEN.findall(lower))
    head_words = words & _head_set() if by_head else None
    plain = _plain_case(before, lower)  # then search lower without re.I, and read the words from before
    if head_words:
        at = min(lower.rfind(w) for w in head_words)
        if plain:
            noun_phrase = _before_head_cased().search(lower, max(0, at - 2))
        else:
            noun_phrase = before_head.search(before, max(0, at - 2))
        if noun_phrase:
            return " ".join(before[noun_phrase.start("np") : noun_phrase.end("np")].split())
    change_words = words & _CHANGE_WORDS if by_change else None
    if change_words:
        at = max(lower.rfind(w) for w in change_words)
        subject = _SUBJECT_CASED.search(lower, max(0, at - 60)) if plain else _SUBJECT.search(before, max(0, at - 60))
        if subject:
            return _subject(before[subject.start("np") : subject.end("np")])
    if by_worth and words & _WORTH_WORDS:
        worth = _WORTH.search(before, max(0, len(before) - 60))
        if worth:
            return _subject(worth.group("np"))
    return None


def _money_at(text: str, pos: int) -> re.Match[str] | None:
    """The next money match from pos whose sign is not glued to a word or a "$" before it."""
    while (match := _MONEY.search(text, pos)) is not None:
        start = match.start()
        before = text[start - 1] if start else " "
        if not (before.isalnum() or before in "_$"):  # (?<![\w$])
            return match
        pos = start + 1
    return None


def _amount_matches(text: str) -> list[re.Match[str]]:
    """Money and number matches in order, not overlapping: leftmost first, as one alternation's finditer."""
    found: list[re.Match[str]] = []
    money, number = _money_at(text, 0), _NUMBER.search(text)
    while True:
        if money is not None and (number is None or money.start() < number.start()):
            match = money
        elif number is not None:
            match = number
        else:
            return found
        found.append(match)
        pos = match.end()
        if money is not None and money.start() < pos:
            money = _money_at(text, pos)
        if number is not None and number.start() < pos:
            number = _NUMBER.search(text, pos)


_YUAN = re.compile(r"\b(?:yuan|renminbi|RMB)\b")


def find_amounts(text: str, sentences: list[Sentence] | None = None) -> list[Amount]:
    """Money, percentages, percentage points and unit quantities in `text`, in order, with their sentence."""
    found: list[Amount] = []
    starts: list[int] | None = None
    says_yuan: dict[int, bool] = {}  # per sentence: searched once, not once per "¥" in it (quadratic in long ones)
    for match in _amount_matches(text):
        if starts is None:
            sentences = sentences if sentences is not None else split_sentences(text)
            starts = [s.start for s in sentences]
        index = bisect_right(starts, match.start()) - 1
        sentence = sentences[index] if sentences and index >= 0 else Sentence(0, len(text), text)
        currency = unit = None
        if match.re is _MONEY:
            kind = "money"
            value = _value(match["n1"], match["s1"] or match["s1b"])
            currency = _SYMBOLS.get(match["sym"].lower(), "USD")
            if currency == "JPY" and index not in says_yuan:
                says_yuan[index] = _YUAN.search(sentence.text) is not None
            if currency == "JPY" and says_yuan[index]:
                currency = "CNY"  # "¥" is also the yuan sign
        else:
            value = _value(match["n2"], match["s2"])
            if match["pp"]:
                kind, unit = "percentage_points", "pp"
            elif match["bp"]:
                kind, unit, value = "percentage_points", "pp", value / 100
            elif match["pct"]:
                kind, unit = "percent", "%"
            elif match["cw2"]:
                kind, currency = "money", _word_currency(match["cw2"])
            else:
                kind = "quantity"
                unit = " ".join(match["unit"].lower().split())
                if unit == "pounds":
                    unit = "lb"
                if match["rate"]:
                    unit += "/day" if match["rate"] == "bpd" else "/" + match["rate"].split()[-1]
        local_start, local_end = match.start() - sentence.start, match.end() - sentence.start
        refers = _refers_to(sentence.text, local_start, local_end)
        found.append(
            Amount(match.group(0), kind, value, currency, unit, refers, match.start(), match.end(), sentence.text)
        )
    return found
