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

German, French and Spanish text (people.text_language) also has „...“, »...«, « ... » and ‚...‘
quotes and its own attributions: „...“, sagte Merz / so Merz; « ... », a-t-il déclaré / selon X;
«...», dijo (the subject left out: the person named last) / según X; "Dazu sagte X:" and
"räumte er ein" put the subject after the verb.

Left out: quoted single words, short spans with no speech verb near (scare quotes), and titles of
films, books and the like (a title cue right before, or Title Case with no attribution).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from tradewire.enrich.people import text_language
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
_PHRASE_CHARS = r"[^,;:.!?“”\"()\n„»«‚‘]"  # abbreviation dots are masked before matching (Mr. -> Mr_)
# „German“ first: its “ closes. »German«, « French » and «Spanish» guillemets, ‚German single‘ quotes
_QUOTE = re.compile(
    r"„(?P<de>[^„“”\n]*)[“”]|“(?P<en>[^“”\n]*)(?P<close>”|(?=\n)|\Z)|\"(?P<st>[^\"\n]+)\"|"
    r"»(?P<gr>[^»«\n]*)«|«(?P<fr>[^«»\n]*)»|‚(?P<sg>[^‚‘\n]*)‘"
)
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
_CONTINUES = re.compile(r"[^“”\"\n.!?„»«]{0,60}?,\s*(?=[“\"„»«])")  # after a split quote's attribution: , “
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
_PRONOUNS = frozenset({"he", "she", "er", "sie", "il", "elle", "él", "ella"})
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


_CLAUSE_WORDS_DE_FR_ES = (
    "ist sind war waren hat haben hatte wird werden würde nicht dass es sei seien man "
    "est sont était ont avait pas ne n' que "
    "es son era han había fue no se"
)
_FOREIGN_CLAUSE_WORDS = frozenset(_CLAUSE_WORDS_DE_FR_ES.split())
_FOREIGN_FIRST_WORDS = frozenset(
    {"er", "sie", "der", "die", "das", "ein", "eine", "il", "elle", "le", "la", "les", "un", "une", "él", "ella"}
    | {"el", "los", "las", "una"}
)  # fmt: skip


def _stops(words: str) -> str:
    return rf"(?=\s*[,;:.!?()“”\"„»«\n]|\s*$|\s+(?:{words})\b)"


def _after(verbs: str, stops: str) -> re.Pattern[str]:
    """“...”, <verb> <speaker>: the inverted order German, French and Spanish put after a quote."""
    return re.compile(rf"\s*,?\s*(?P<verb>{verbs})\s+(?P<sp>{_PHRASE_CHARS}{{1,80}}?){_stops(stops)}")


_DE_VERBS = (
    r"sagte|sagten|sagt|erklärte|erklärten|erklärt|betonte|betont|warnte|warnt|meinte|meint|ergänzte|ergänzt|"
    r"fügte|kritisierte|kritisiert|forderte|fordert|schrieb|schreibt|bestätigte|bestätigt|unterstrich|mahnte|"
    r"mahnt|versicherte|versichert|räumte|teilte|bekräftigte|argumentierte|beklagte|beklagt|lobte|urteilte|"
    r"befand|kündigte|berichtete|berichtet|erläuterte|erläutert|zitiert|glaubt|glaubte|erwartet|erwartete"
)
_DE_STOPS = (
    r"in|im|am|an|auf|bei|beim|vor|nach|mit|zu|zum|zur|gegenüber|während|seit|für|dem|den|heute|gestern|laut|und|"
    r"über|bereits|zuletzt|damals|ebenfalls|kürzlich|dazu|dabei|jedoch|aber|ist|sind|war|hat|haben|wird|werden|"
    r"sei|seien|habe|gibt|gebe|liegt|bleibt|steht|könne|müsse|solle|dürfte"
)
_FR_PARTICIPLES = (
    r"déclaré|dit|affirmé|estimé|souligné|expliqué|ajouté|averti|indiqué|précisé|assuré|jugé|insisté|martelé|"
    r"prévenu|confié|commenté|résumé|reconnu|lancé|écrit|annoncé|rappelé|promis|observé|noté|fait valoir"
)
_FR_VERBS = (
    rf"a (?:{_FR_PARTICIPLES})|avait (?:{_FR_PARTICIPLES})|déclare|dit|affirme|estime|souligne|explique|ajoute|"
    r"avertit|indique|précise|assure|juge|insiste|martèle|prévient|confie|commente|résume|reconnaît|note|observe|"
    r"rappelle|déclara|affirma|ajouta|expliqua"
)
_FR_STOPS = (
    r"à|au|aux|en|dans|lors|devant|pendant|après|avant|sur|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"hier|ce|cette|et|qui|mais|est|sont|va|sera|serait|reste|a|ont"
)
_ES_VERBS = (
    r"dijo|afirmó|señaló|explicó|añadió|aseguró|indicó|declaró|advirtió|subrayó|destacó|sostuvo|agregó|comentó|"
    r"apuntó|precisó|insistió|manifestó|expresó|reconoció|escribió|anunció|dice|afirma|señala|explica|asegura|"
    r"añade|indica|advierte|sostiene|agrega|destaca|subraya|comenta|apunta"
)
_ES_STOPS = (
    r"a|al|en|durante|ante|tras|desde|este|esta|ayer|hoy|y|que|lunes|martes|miércoles|jueves|viernes|sábado|"
    r"domingo|pero|mientras|antes|después|es|son|será|sería|está|están|ha|han"
)


@dataclass(frozen=True)
class _Tongue:
    """How one language attributes quotes: after the quote, before it, and earlier in its sentence."""

    after: tuple[re.Pattern[str], ...]  # right after the closing mark
    speech: re.Pattern[str]  # verbs whose subject speaks the quote that follows
    near: re.Pattern[str]  # verbs that introduce a partial quote later in the sentence
    according: re.Pattern[str] | None = None  # "laut Brenner", "selon X", "según X", "Brenner zufolge"
    verb_first: re.Pattern[str] | None = None  # "Dazu sagte Merz: „...“": the subject after the verb
    clause_words: frozenset[str] = _CLAUSE_WORDS
    first_words: frozenset[str] = _FIRST_WORDS
    prepositions: frozenset[str] = frozenset({"according to"})  # attributions that may follow a full sentence


def _foreign(verbs: str, stops: str, according: str, extra_after: tuple[re.Pattern[str], ...] = ()) -> _Tongue:
    return _Tongue(
        after=(*extra_after, _after(rf"{verbs}|{according.split('|')[0]}", stops)),
        speech=re.compile(rf"(?<![\w-])(?:{verbs})(?![\w-])"),
        near=re.compile(rf"(?<![\w-])(?:{verbs})(?![\w-])"),
        according=re.compile(rf"(?<![\w-])(?i:{according})\s+(?P<sp>{_PHRASE_CHARS}{{1,60}}?){_stops(stops)}"),
        verb_first=re.compile(rf"(?<![\w-])(?P<verb>{verbs})\s+(?P<sp>{_PHRASE_CHARS}{{1,60}}?)\s*:\s*$"),
        clause_words=_CLAUSE_WORDS | _FOREIGN_CLAUSE_WORDS,
        first_words=_FIRST_WORDS | _FOREIGN_FIRST_WORDS,
        prepositions=frozenset(according.split("|")) | {"so"},
    )


_ENGLISH = _Tongue((_AFTER_SPEAKER_VERB, _AFTER_VERB_SPEAKER, _AFTER_ACCORDING), _SPEECH, _NEAR)
_TONGUES = {
    # „...“, so Brenner. | „...“, sagte Bundeskanzler Friedrich Merz. | laut Brenner ... „...“
    "de": _foreign(_DE_VERBS + "|so", _DE_STOPS, r"laut|nach Angaben von|nach Angaben des|nach Angaben der"),
    # « ... », a-t-il déclaré | « ... », estime-t-elle | « ... », a déclaré X | selon X
    "fr": _foreign(
        _FR_VERBS,
        _FR_STOPS,
        "selon",
        (
            re.compile(r"\s*,?\s*(?:a|avait)-t-(?P<sp>il|elle)\s+(?P<verb>\w+)"),
            re.compile(r"\s*,?\s*(?P<verb>\w+)-(?:t-)?(?P<sp>il|elle)\b"),
        ),
    ),
    # «...», dijo la ministra | «...», dijo. (the subject left out: the person named last) | según X
    "es": _foreign(
        _ES_VERBS,
        _ES_STOPS,
        "según",
        (re.compile(rf"\s*,?\s*(?P<verb>{_ES_VERBS})(?P<sp>){_stops(_ES_STOPS)}"),),
    ),
}
_FOREIGN_MARKS = frozenset("„»«‚")
# "er räumte ein" / "räumte er ein": German puts the subject after the verb when something else opens the clause
_PRONOUN_AFTER_VERB = re.compile(r"\s+(?P<sp>er|sie|il|elle|él|ella)\b")
# a sentence end the shared splitter does not see: before „ » « or a capital with an accent ("Ökonomen")
_FOREIGN_CUT = re.compile(r"[.!?][\"”“’‘)»«]*(?=[^\S\n]+[„»«‚\"“(]?[A-Z0-9ÀÁÂÄÇÉÈÊÍÓÔÖÚÜÑŠŽČŁŚ])")
_NOT_AN_END = re.compile(r"(?:\b[A-Z]|\d|\b(?:Dr|Prof|Nr|Mio|Mrd|bzw|ca|St|vgl|Hr|Fr|etc|Sr|Sra|Mme|[a-z]\.[a-z]))$")


def _refined(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences, also cut where German, French or Spanish quotes open the next one."""
    out: list[Sentence] = []
    for sentence in sentences:
        start = sentence.start
        for cut in _FOREIGN_CUT.finditer(text, sentence.start, sentence.end):
            if _NOT_AN_END.search(text, start, cut.start()):
                continue  # "am 1. Dezember", "Prof. Dr. Hans Müller": no sentence end
            out.append(Sentence(start, cut.end(), text[start : cut.end()]))
            start = cut.end() + len(text[cut.end() : sentence.end]) - len(text[cut.end() : sentence.end].lstrip())
        out.append(Sentence(start, sentence.end, text[start : sentence.end]))
    return out


def _speaker_like(phrase: str, strict: bool = True, tongue: _Tongue = _ENGLISH) -> bool:
    """A phrase that can name who speaks: a name, a pronoun or a noun phrase, not a clause ("the talks were")."""
    words = _LEADING.sub("", phrase.strip()).split()
    if not words or any(w.lower() in tongue.clause_words for w in words):
        return False
    if words[-1].lower() in {"and", "or", "but", "of", "for", "in", "at", "with", "to"}:
        return False
    # right after a quote ("...,” said head coach Duncan Reid) any noun phrase will do
    return not strict or words[0][:1].isupper() or words[0].lower() in tongue.first_words


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
    open: int  # the opening mark
    start: int  # inner text, without the marks (nor the spaces inside guillemets)
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
        group = next(g for g in ("de", "en", "st", "gr", "fr", "sg") if match.group(g) is not None)
        closed = match.group("close") != "" if group == "en" else True
        start, end = match.start(group), match.end(group)
        if group in {"gr", "fr"}:  # « ... »: French sets the marks off with (narrow) spaces
            inner = match.group(group)
            start, end = start + len(inner) - len(inner.lstrip()), end - len(inner) + len(inner.rstrip())
        spans.append(_Span(match.start(), start, end, match.end(), closed))
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


def _attribution_after(masked: str, span: _Span, quote_text: str, tongue: _Tongue = _ENGLISH) -> _Attribution | None:
    pos = span.close
    sentence_final = quote_text.rstrip().endswith(".")
    for pattern in tongue.after:
        match = pattern.match(masked, pos)
        if match and match.group("sp") == "":  # «...», dijo.: the subject left out
            return _Attribution("", match.start("sp"), match.start("sp"), match.group("verb"), True)
        if not match or _words(match.group("sp")) > 8 or not _speaker_like(match.group("sp"), False, tongue):
            continue
        if sentence_final and match.group("verb") not in tongue.prepositions:
            # “... .” Then a new sentence: only a short "Bessent said." closes onto the quote
            following = masked[match.end() : match.end() + 1]
            if _words(match.group("sp")) > 4 or following not in {".", ",", ""}:
                continue
        return _Attribution(match.group("sp"), match.start("sp"), match.end("sp"), match.group("verb"), True)
    return None


_LOOK_BACK = 600  # characters before a quote searched for its attribution within the sentence
_CLAUSE_WINDOW = 160  # characters before a speech verb searched first for the boundary that opens its subject


def _clause_before(masked: str, floor: int, end: int, tongue: _Tongue = _ENGLISH) -> tuple[int, str] | None:
    """The clause that ends at `end` (from the last boundary after `floor`), if it is a short speaker-like phrase."""
    start = floor
    # Only the last boundary counts, and a clause over 80 characters is refused: look in the last stretch first,
    # and from `floor` only when it holds none. The same boundary either way (matches are local, and one that
    # straddles the stretch's edge differs only by whitespace, which is stripped below). A sentence dense with
    # quotes and verbs otherwise rescanned the whole 600-character look-back once per verb.
    for boundary in _BOUNDARY.finditer(masked, max(floor, end - _CLAUSE_WINDOW), end):
        start = boundary.end()
    if start == floor:
        for boundary in _BOUNDARY.finditer(masked, floor, end):
            start = boundary.end()
    phrase = masked[start:end]
    stripped = phrase.lstrip()
    start += len(phrase) - len(stripped)
    phrase = stripped.rstrip()
    if not phrase or len(phrase) > 80 or _words(phrase) > 8 or not _speaker_like(phrase, True, tongue):
        return None
    return start, phrase


def _attribution_before(
    masked: str, span: _Span, sentence: Sentence | None, tongue: _Tongue = _ENGLISH
) -> _Attribution | None:
    opening = span.open
    floor = max(sentence.start if sentence else 0, opening - 200)
    if tongue.verb_first is not None:
        inverted = tongue.verb_first.search(masked, floor, opening)
        if inverted and _speaker_like(inverted.group("sp"), True, tongue):
            return _Attribution(inverted.group("sp"), inverted.start("sp"), inverted.end("sp"), inverted["verb"], True)
    verb = None
    for verb in tongue.speech.finditer(masked, floor, opening):  # noqa: B007  # the last one is wanted
        pass
    if verb is None or not _TAIL.fullmatch(masked, verb.end(), opening):
        return None
    clause = _clause_before(masked, floor, verb.start(), tongue)
    if clause is None:
        return None
    return _Attribution(clause[1], clause[0], clause[0] + len(clause[1]), verb.group(), True)


def _attribution_in_sentence(
    masked: str, span: _Span, sentence: Sentence | None, tongue: _Tongue = _ENGLISH
) -> _Attribution | None:
    """The nearest speech verb earlier in the sentence whose subject reads as a speaker.

    With none, the last speech verb and no phrase: the speaker is then the person named last in the
    sentence before it ("Trump, who has spoken ..., confirmed a “...”"), or nobody.
    """
    if sentence is None:
        return None
    # a "sentence" can be a whole page without stops (markup, lists): look back a bounded stretch only, so
    # that a page with thousands of quotes in one run costs linear time, not quadratic
    start = max(sentence.start, span.open - _LOOK_BACK)
    if tongue.according is not None:  # "Laut Brenner ist das „kein Grund zur Panik“"
        for match in tongue.according.finditer(masked, start, span.open):
            if _speaker_like(match.group("sp"), False, tongue):
                return _Attribution(
                    match.group("sp"), match.start("sp"), match.end("sp"), match.group().split()[0], False
                )
    verbs = [v for v in tongue.near.finditer(masked, start, span.open) if v.group() != "according to"]
    for verb in reversed(verbs):
        pronoun = _PRONOUN_AFTER_VERB.match(masked, verb.end()) if tongue is not _ENGLISH else None
        if pronoun is not None:  # "Zugleich räumte er ein, dass ... „...“"
            return _Attribution(pronoun["sp"], pronoun.start("sp"), pronoun.end("sp"), verb.group(), False)
        before = _TRAILING_CONJUNCTION.sub("", masked[start : verb.start()].rstrip())
        clause = _clause_before(masked, start, start + len(before), tongue)
        if clause is not None:
            return _Attribution(clause[1], clause[0], clause[0] + len(clause[1]), verb.group(), False)
    if not verbs:
        return None
    return _Attribution("", verbs[-1].start(), verbs[-1].start(), verbs[-1].group(), False)


def _is_title(quote_text: str, before: str, capitalised_nouns: bool = False) -> bool:
    if _TITLE_CUE.search(before):
        return True
    if capitalised_nouns:  # German capitalises every noun: Title Case says nothing there
        return False
    words = quote_text.split()
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return (
        len(words) >= 2 and capitalised >= 0.6 * len(words) and not quote_text.rstrip().endswith((".", "?", "!", ","))
    )


def find_quotes(text: str, people: list[dict[str, Any]], sentences: list[Sentence] | None = None) -> list[Quote]:
    """Direct quotations in `text` in order, each with its speaker resolved against `people` where possible."""
    if "“" not in text and '"' not in text and not _FOREIGN_MARKS.intersection(text):
        return []
    language = text_language(text)
    tongue = _TONGUES.get(language, _ENGLISH)
    masked = _ABBREVIATION_DOT.sub(r"\1_", text)  # same length: offsets stay those of the text
    sentences = sentences if sentences is not None else split_sentences(text)
    if tongue is not _ENGLISH:
        sentences = _refined(text, sentences)
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
            and not masked[fragments[-1].end : spans[index + 1].open].strip()
        ):
            index += 1
            fragments.append(spans[index])
        index += 1
        quote_text = " ".join(text[f.start : f.end].strip() for f in fragments)
        last = fragments[-1]
        sentence = sentence_at(sentences, span.start)
        attribution = _attribution_after(masked, last, quote_text, tongue) if last.closed else None
        if attribution is not None and index < len(spans):
            # “We are close,” Bessent said, “but not there.”: the second part belongs to the first
            tail = _CONTINUES.match(masked, attribution.end)
            if tail and spans[index].open == tail.end():
                follow = spans[index]
                quote_text = f"{quote_text} {text[follow.start : follow.end].strip()}"
                fragments.append(follow)
                index += 1
        if attribution is None:
            attribution = _attribution_before(masked, span, sentence, tongue)
        direct = attribution is not None
        if attribution is None:
            attribution = _attribution_in_sentence(masked, span, sentence, tongue)
        words = _words(quote_text)
        before = masked[max(0, span.open - 39) : span.open]
        spoken = quote_text.rstrip()[-1:] in {",", ".", "?", "!"} or masked[last.close : last.close + 1] == ","
        if words < 2 and not (direct and spoken):
            continue  # a quoted single term (but “No,” he said and „Nein“, sagte er are speech)
        if not direct and _is_title(quote_text, before, language == "de"):
            continue
        # this quote opens its sentence, and the last quote is in this sentence or the one before
        follows_quote = (
            quotes
            and quotes[-1].speaker
            and sentence is not None
            and not masked[sentence.start : span.open].strip()
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
    if lowered in _PRONOUNS or (not phrase and attribution.direct):
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
