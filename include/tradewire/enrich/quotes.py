"""Direct quotations and who said them.

A quotation is a span in typographic (“...”) or straight ("...") double quotes, one paragraph at
most (an unclosed quote that the next paragraph reopens runs on, as news style does). Its speaker
comes from, in order: an attribution right after it (“...,” Bessent said / said Bessent / according
to Bessent, with a quote split around it joined up), one right before it (Bessent said: “...”), or
the nearest speech verb earlier in its sentence (Trump confirmed a “pretty long meeting”). The
phrase found is resolved to a person of `people` (the people enricher's dicts, whose offsets point
into the text): a mention inside the phrase, else the full name or surname written in it; "he"/"she"
is the person mentioned last before the quote (outside quotes). An organisation or spokesman ("the
ministry", "a spokesperson for the ministry") is kept as written.

Left out: quoted single words, short spans with no speech verb near (scare quotes), and titles of
films, books and the like (a title cue right before, or Title Case with no attribution).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from tradewire.enrich.sentences import Sentence, sentence_at, split_sentences

_VERBS = (
    r"said|says|say|told|tells|tell|added|adds|noted|notes|stated|states|wrote|writes|explained|explains|argued|"
    r"argues|insisted|insists|warned|warns|asked|asks|declared|declares|remarked|remarks|continued|recalled|"
    r"acknowledged|acknowledges|conceded|concedes|stressed|stresses|emphasised|emphasized|emphasises|"
    r"emphasizes|claimed|claims|observed|replied|replies|responded|commented|posted|tweeted|announced|"
    r"announces|concluded|cautioned|predicted|predicts|urged|urges|quipped|admitted|admits|maintained|"
    r"reiterated|reiterates|affirmed|confirmed|confirms|vowed|vows|promised|promises|suggested|suggests|"
    r"complained|complains|boasted|countered|pledged|proclaimed|wondered|joked|shouted"
)
# verbs that introduce a partial quote later in the sentence ("saying the levy was “not sustainable”")
_NEAR_VERBS = (
    rf"{_VERBS}|saying|adding|noting|arguing|warning|insisting|stressing|telling|declaring|writing|claiming|"
    r"explaining|describing|described|calling|called|according to"
)
_STOP = (
    r"in|on|at|during|after|before|when|while|to|from|via|last|this|earlier|late|told|who|that|and|as|but|"
    r"adding|saying|noting|yesterday|today|because|since|if|though|although"
)
_PHRASE_CHARS = r"[^,;:.!?“”\"()\n]"  # abbreviation dots are masked before matching (Mr. -> Mr_)
_QUOTE = re.compile(r"„([^„“”\n]*)[“”]|“([^“”\n]*)(”|(?=\n)|\Z)|\"([^\"\n]+)\"")  # „German“ first: its “ closes
_ABBREVIATION_DOT = re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|St|Jr|Sr|[A-Z])\.")
# “...,” the ministry said | “...,” he told reporters
_AFTER_SPEAKER_VERB = re.compile(rf"\s*(?P<sp>{_PHRASE_CHARS}{{1,80}}?)\s+(?P<verb>{_VERBS})\b")
# “...,” said Derek Scissors, a China scholar
_AFTER_VERB_SPEAKER = re.compile(
    rf"\s*(?P<verb>{_VERBS})\s+(?P<sp>{_PHRASE_CHARS}{{1,80}}?)(?=\s*[,;:.!?()“”\"\n]|\s*$|\s+(?:{_STOP})\b)"
)
_AFTER_ACCORDING = re.compile(
    rf"\s*,?\s*(?P<verb>according to)\s+(?P<sp>{_PHRASE_CHARS}{{1,80}}?)(?=\s*[,;:.!?()“”\"\n]|\s*$|\s+(?:{_STOP})\b)"
)
_SPEECH = re.compile(rf"\b(?:{_VERBS})\b")
# where a clause starts: punctuation, or a conjunction before a lower-case word ("... and he said")
_BOUNDARY = re.compile(r"[,;:.!?“”\"\n]|\b(?:and|but|that|while|when|after|as|because|which|who|so)\s+(?=[a-z])")
_TAIL = re.compile(r"(?:\s+[^\s,;:.!?“”\"()]+){0,6}\s*[:,]?\s*")  # "told reporters in Ottawa:" before a quote
_NEAR = re.compile(rf"\b(?:{_NEAR_VERBS})\b")
_TRAILING_CONJUNCTION = re.compile(r"(?:^|\s)(?:and|but|or|then)$")
_CONTINUES = re.compile(r"[^“”\"\n.!?]{0,60}?,\s*(?=[“\"])")  # after a split quote's attribution: , “
_TITLE_CUE = re.compile(
    r"\b(?:film|movie|documentary|book|novel|memoir|song|album|show|series|play|programme|program|titled|entitled|"
    r"dubbed|so-called|called|known as|named|termed|nicknamed|headlined|slogan|hashtag|motto|term|phrase|word|"
    r"words|label|banner|campaign)"
    r"(?:\s+(?:the|a|an|its|his|her|their))?\s*[,:]?\s*$",
    re.IGNORECASE,
)
# a name, maybe an apposition, then a speech verb: "Pham Duc Thanh, head of research at ..., said"
_SPEAKS = re.compile(
    rf"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){{0,3}}(?:,[^.;“”\"\n]{{0,120}}?,)?\s+(?:{_VERBS}|estimated|expects|expected)\b"
)
# someone the text introduces: "said Gordon Halloran", "chief executive, Gordon Halloran", "Choi Seung-woo, an analyst"
_INTRODUCED = re.compile(
    r"(?:\b(?:said|says|executive|director|president|chairman|analyst|economist|officer|spokesperson|spokesman|"
    r"spokeswoman|minister|founder|owner|manager),?\s+(?P<n>[A-Z][a-z]+(?:-[a-z]+)?\s[A-Z][a-z]+(?:-[A-Za-z]+)?)\b)|"
    r"(?:(?:^|[.,;]\s+|\n)(?P<m>[A-Z][a-z]+(?:-[a-z]+)?\s[A-Z][a-z]+(?:-[A-Za-z]+)?),\s(?:a|an|the|who|head|chief|"
    r"director|managing|president|senior|executive|founder|owner|chair|manager|analyst|economist)\b)",
    re.MULTILINE,
)
_PRONOUNS = frozenset({"he", "she"})
_PRONOUN_REACH = 600  # characters back in which "he"/"she" looks for a person
_KEEP_AS_WRITTEN = frozenset({"i", "we", "they", "it", "you"})
_LEADING = re.compile(r"^(?:and|but|so|yet|then|also|however|meanwhile)\b\s*", re.IGNORECASE)
# a phrase holding one of these is a clause ("the talks were"), not someone who speaks
_CLAUSE_WORDS = frozenset(
    {
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "did",
        "does",
        "do",
        "not",
        "also",
        "which",
        "what",
        "this",
        "these",
        "those",
        "there",
        "here",
    }
)


_FIRST_WORDS = frozenset(
    {
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "the",
        "a",
        "an",
        "its",
        "his",
        "her",
        "their",
        "our",
        "one",
        "two",
        "three",
        "some",
        "several",
        "many",
        "most",
        "both",
        "officials",
        "analysts",
        "economists",
        "traders",
        "sources",
        "diplomats",
        "people",
        "experts",
        "executives",
        "lawmakers",
        "investors",
        "farmers",
        "residents",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "ministers",
        "negotiators",
    }
)
_TITLE_WORDS = frozenset(
    {"Minister", "Secretary", "President", "Representative", "Governor", "Ambassador", "Commissioner", "Chairman"}
)


def _speaker_like(phrase: str, strict: bool = True) -> bool:
    """A phrase that can name who speaks: a name, a pronoun or a noun phrase, not a clause ("the talks were")."""
    words = _LEADING.sub("", phrase.strip()).split()
    if not words or any(w.lower() in _CLAUSE_WORDS for w in words):
        return False
    if words[-1].lower() in {"and", "or", "but", "of", "for", "in", "at", "with", "to"}:
        return False
    # right after a quote ("...,” said head coach Duncan Reid) any noun phrase will do
    return not strict or words[0][:1].isupper() or words[0].lower() in _FIRST_WORDS


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None
    speaker_role: str | None
    speaker_actor_id: str | None
    verb: str | None
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text, "speaker": self.speaker, "speaker_role": self.speaker_role,
            "speaker_actor_id": self.speaker_actor_id, "verb": self.verb, "start": self.start, "end": self.end,
        }  # fmt: skip


@dataclass
class _Span:
    start: int  # inner text, without the marks
    end: int
    close: int  # just after the closing mark (== end when unclosed)
    closed: bool


@dataclass(frozen=True)
class _Attribution:
    phrase: str
    start: int
    end: int
    verb: str
    direct: bool  # right next to the quote, not a speech verb somewhere earlier in the sentence


def _spans(masked: str) -> list[_Span]:
    spans: list[_Span] = []
    for match in _QUOTE.finditer(masked):
        group = next(g for g in (1, 2, 4) if match.group(g) is not None)
        closed = match.group(3) != "" if group == 2 else True
        spans.append(_Span(match.start(group), match.end(group), match.end(), closed))
    return spans


def _words(text: str) -> int:
    return len(text.split())


class _People:
    """The people dicts, with their mentions in text order for pronouns and offsets."""

    def __init__(self, people: list[dict[str, Any]], quoted: list[tuple[int, int]]) -> None:
        self.people = people
        mentions = []
        for index, person in enumerate(people):
            for offset in person.get("offsets") or ():
                if offset >= 0 and not any(s <= offset < e for s, e in quoted):
                    mentions.append((offset, index))
        mentions.sort()
        self.mentions = mentions
        self.starts = [m[0] for m in mentions]

    def pronoun(self, masked: str, anchor: int, floor: int) -> dict[str, Any] | str | None:
        """Whom "he"/"she" before `anchor` means: of the people named since `floor`, the last one said to
        speak ("Sheinbaum said ..."), else the last one named; but a name the roster does not know that
        the text introduces after them wins ("..., said its chief executive, Gordon Halloran. “...,” he
        said"), as a name."""
        low, high = bisect.bisect_left(self.starts, floor), bisect.bisect_left(self.starts, anchor)
        chosen = self.mentions[high - 1] if low < high else None
        for offset, index in reversed(self.mentions[low:high]):
            if _SPEAKS.match(masked, offset):
                chosen = (offset, index)
                break
        surnames = {str(p.get("name") or "").split()[-1] for p in self.people if p.get("name")}
        stranger = None
        for match in _INTRODUCED.finditer(masked, chosen[0] + 1 if chosen else floor, anchor):
            name = match.group("n") or match.group("m")
            if not _TITLE_WORDS.intersection(name.split()):
                stranger = None if name.split()[-1] in surnames else name
        if stranger is not None:
            return stranger
        return self.people[chosen[1]] if chosen else None

    def subject(self, masked: str, floor: int, end: int) -> dict[str, Any] | None:
        """The person named between `floor` and `end` who is said to speak ("Anwar Ibrahim, who welcomed
        Trump ..., said"), else the last one named there."""
        low, high = bisect.bisect_left(self.starts, floor), bisect.bisect_left(self.starts, end)
        for offset, index in reversed(self.mentions[low:high]):
            if _SPEAKS.match(masked, offset):
                return self.people[index]
        return self.people[self.mentions[high - 1][1]] if low < high else None

    def inside(self, start: int, end: int) -> dict[str, Any] | None:
        at = bisect.bisect_left(self.starts, end) - 1
        if at >= 0 and self.mentions[at][0] >= start:
            return self.people[self.mentions[at][1]]
        return None

    def by_name(self, phrase: str) -> dict[str, Any] | None:
        best: dict[str, Any] | None = None
        for person in self.people:
            name = str(person.get("name") or "")
            parts = name.split()
            if not parts:
                continue
            surname = parts[-1]
            named = name in phrase or (len(surname) > 1 and re.search(rf"\b{re.escape(surname)}\b", phrase))
            if named and (best is None or int(person.get("mentions") or 0) > int(best.get("mentions") or 0)):
                best = person
        return best


def _attribution_after(masked: str, span: _Span, quote_text: str) -> _Attribution | None:
    pos = span.close
    sentence_final = quote_text.rstrip().endswith(".")
    for pattern in (_AFTER_SPEAKER_VERB, _AFTER_VERB_SPEAKER, _AFTER_ACCORDING):
        match = pattern.match(masked, pos)
        if not match or _words(match.group("sp")) > 8 or not _speaker_like(match.group("sp"), strict=False):
            continue
        if sentence_final and pattern is not _AFTER_ACCORDING:
            # “... .” Then a new sentence: only a short "Bessent said." closes onto the quote
            following = masked[match.end() : match.end() + 1]
            if _words(match.group("sp")) > 4 or following not in {".", ",", ""}:
                continue
        return _Attribution(match.group("sp"), match.start("sp"), match.end("sp"), match.group("verb"), True)
    return None


def _clause_before(masked: str, floor: int, end: int) -> tuple[int, str] | None:
    """The clause that ends at `end` (from the last boundary after `floor`), if it is a short speaker-like phrase."""
    start = floor
    for boundary in _BOUNDARY.finditer(masked, floor, end):
        start = boundary.end()
    phrase = masked[start:end]
    stripped = phrase.lstrip()
    start += len(phrase) - len(stripped)
    phrase = stripped.rstrip()
    if not phrase or len(phrase) > 80 or _words(phrase) > 8 or not _speaker_like(phrase):
        return None
    return start, phrase


def _attribution_before(masked: str, span: _Span, sentence: Sentence | None) -> _Attribution | None:
    opening = span.start - 1
    floor = max(sentence.start if sentence else 0, opening - 200)
    verb = None
    for verb in _SPEECH.finditer(masked, floor, opening):  # noqa: B007  # the last one is wanted
        pass
    if verb is None or not _TAIL.fullmatch(masked, verb.end(), opening):
        return None
    clause = _clause_before(masked, floor, verb.start())
    if clause is None:
        return None
    return _Attribution(clause[1], clause[0], clause[0] + len(clause[1]), verb.group(), True)


def _attribution_in_sentence(masked: str, span: _Span, sentence: Sentence | None) -> _Attribution | None:
    """The nearest speech verb earlier in the sentence whose subject reads as a speaker.

    With none, the last speech verb and no phrase: the speaker is then the person named last in the
    sentence before it ("Trump, who has spoken ..., confirmed a “...”"), or nobody.
    """
    if sentence is None:
        return None
    verbs = [v for v in _NEAR.finditer(masked, sentence.start, span.start - 1) if v.group() != "according to"]
    for verb in reversed(verbs):
        before = _TRAILING_CONJUNCTION.sub("", masked[sentence.start : verb.start()].rstrip())
        clause = _clause_before(masked, sentence.start, sentence.start + len(before))
        if clause is not None:
            return _Attribution(clause[1], clause[0], clause[0] + len(clause[1]), verb.group(), False)
    if not verbs:
        return None
    return _Attribution("", verbs[-1].start(), verbs[-1].start(), verbs[-1].group(), False)


def _is_title(quote_text: str, before: str) -> bool:
    if _TITLE_CUE.search(before):
        return True
    words = quote_text.split()
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return (
        len(words) >= 2 and capitalised >= 0.6 * len(words) and not quote_text.rstrip().endswith((".", "?", "!", ","))
    )


def find_quotes(text: str, people: list[dict[str, Any]], sentences: list[Sentence] | None = None) -> list[Quote]:
    """Direct quotations in `text` in order, each with its speaker resolved against `people` where possible."""
    if "“" not in text and '"' not in text:
        return []
    masked = _ABBREVIATION_DOT.sub(r"\1_", text)  # same length: offsets stay those of the text
    sentences = sentences if sentences is not None else split_sentences(text)
    spans = _spans(masked)
    roster = _People(people, [(s.start, s.end) for s in spans])
    quotes: list[Quote] = []
    previous_close = -1_000  # where the last kept quote's closing mark was
    index = 0
    while index < len(spans):
        span = spans[index]
        fragments = [span]
        # a quote that runs past its paragraph and is reopened in the next one
        while (
            not fragments[-1].closed
            and index + 1 < len(spans)
            and not masked[fragments[-1].end : spans[index + 1].start - 1].strip()
        ):
            index += 1
            fragments.append(spans[index])
        index += 1
        quote_text = " ".join(text[f.start : f.end].strip() for f in fragments)
        last = fragments[-1]
        sentence = sentence_at(sentences, span.start)
        attribution = _attribution_after(masked, last, quote_text) if last.closed else None
        if attribution is not None and index < len(spans):
            # “We are close,” Bessent said, “but not there.”: the second part belongs to the first
            tail = _CONTINUES.match(masked, attribution.end)
            if tail and spans[index].start - 1 == tail.end():
                follow = spans[index]
                quote_text = f"{quote_text} {text[follow.start : follow.end].strip()}"
                fragments.append(follow)
                index += 1
        if attribution is None:
            attribution = _attribution_before(masked, span, sentence)
        direct = attribution is not None
        if attribution is None:
            attribution = _attribution_in_sentence(masked, span, sentence)
        words = _words(quote_text)
        before = masked[max(0, span.start - 40) : span.start - 1]
        if words < 2 and not (direct and quote_text.rstrip()[-1:] in {",", ".", "?", "!"}):
            continue  # a quoted single term (but “No,” he said is speech)
        if not direct and _is_title(quote_text, before):
            continue
        # this quote opens its sentence, and the last quote is in this sentence or the one before
        follows_quote = (
            quotes
            and quotes[-1].speaker
            and sentence is not None
            and not masked[sentence.start : span.start - 1].strip()
            and sentence_at(sentences, previous_close - 1) in _neighbours(sentences, sentence)
        )
        if attribution is None or (not direct and attribution.start < span.start - 150 and words < 4):
            if follows_quote and words >= 3:  # “A,” he said. “B.”: the same voice goes on
                previous_close = fragments[-1].close
                quotes.append(Quote(quote_text.strip().rstrip(","), *_voice(quotes[-1]), None, span.start, last.end))
                continue
            if words < 6 or not quote_text.rstrip().endswith((".", "?", "!", ",")):
                continue  # a scare quote, or a fragment nobody is said to have said
            attribution = None
        speaker, role, actor_id = _resolve(attribution, roster, span.start, sentence, text, masked, quotes)
        previous_close = fragments[-1].close
        quotes.append(
            Quote(
                text=quote_text.strip().rstrip(","),
                speaker=speaker,
                speaker_role=role,
                speaker_actor_id=actor_id,
                verb=attribution.verb if attribution else None,
                start=span.start,
                end=fragments[-1].end,
            )
        )
    return quotes


def _neighbours(sentences: list[Sentence], sentence: Sentence) -> tuple[Sentence, ...]:
    at = bisect.bisect_left([s.start for s in sentences], sentence.start)
    return tuple(sentences[max(0, at - 1) : at + 1])


def _voice(quote: Quote) -> tuple[str | None, str | None, str | None]:
    return quote.speaker, quote.speaker_role, quote.speaker_actor_id


def _resolve(
    attribution: _Attribution | None,
    roster: _People,
    quote_start: int,
    sentence: Sentence | None,
    text: str,
    masked: str,
    earlier: list[Quote],
) -> tuple[str | None, str | None, str | None]:
    if attribution is None:
        return None, None, None
    phrase = _LEADING.sub("", text[attribution.start : attribution.end].strip())
    lowered = phrase.lower()
    person: dict[str, Any] | None = None
    if lowered in _PRONOUNS:
        anchor = min(attribution.start, quote_start)
        found = roster.pronoun(masked, anchor, max(0, anchor - _PRONOUN_REACH))
        if isinstance(found, str):
            return found, None, None
        person = found
    elif lowered in {"it", "they"}:
        # "It urged ...": the organisation quoted just before, if the last quote was one
        if earlier and earlier[-1].speaker and not earlier[-1].speaker_actor_id and earlier[-1].end > quote_start - 400:
            return earlier[-1].speaker, None, None
        return phrase, None, None
    elif lowered in _KEEP_AS_WRITTEN:
        return phrase, None, None
    elif phrase:
        person = roster.inside(attribution.start, attribution.end) or roster.by_name(phrase)
    else:  # "..., adding that ...": the subject is further back in the sentence
        person = roster.subject(masked, sentence.start if sentence else 0, attribution.start)
    if person is not None:
        return str(person.get("name")), person.get("role"), person.get("actor_id")
    return (phrase or None), None, None
