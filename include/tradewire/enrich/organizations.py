"""Organisations mentioned in an article: the maintained dictionary first, then bodies the text introduces.

Dictionary (config/organizations.yaml): acronyms, short forms and capitalised common words ("WTO",
"Fed", "Apple") match only as written; longer names match whatever their case ("China's commerce
ministry"). Both in one Aho-Corasick pass each, on word boundaries, leftmost-longest. Aliases the
dictionary lists as ambiguous ("BIS": two bodies) are left out rather than guessed, and so is a
department named only inside an official's title ("Treasury Secretary Scott Bessent").

Discovery (body only: headlines are in title case): one regex pass finds runs of capitalised words
("Chicago Board of Trade", "Hanbit Investment & Securities"). A run is an organisation when it ends in
an organisation head word ("... Capital", "... Institute", "... Ministry") or holds one followed by
"of/for/on" ("Bank of Japan", "Institute for Regional Trade Studies"), or when the text introduces it
as one: a descriptor before it ("consultancy Agrivista Dados", "chipmaker Nvidia"), a role at it
("analyst at Capital Economics", "a spokesperson for Global Affairs Canada"), an appositive after it
("Kaveri Knitwear, a garment exporter"), "according to X data", an acronym or one-word brand that
"said", or a definition "Name (ACR)" whose later "ACR" mentions join it. Government bodies named by
function ("the trade ministry", "India's commerce ministry", "Ukraine's navy") count too. People,
places, months and titles are kept out; a shorter name inside a longer one joins it. The type comes
from the head word or the cue; a discovered organisation has no id (the warehouse keys it by name).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tradewire.enrich.shared_scan import cased_hits, lowered_hits
from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml


@dataclass(frozen=True)
class Organization:
    id: str | None  # None: found in the text, not in the dictionary
    name: str
    type: str
    country: str | None


@dataclass
class OrganizationMention:
    org: Organization
    offsets: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.org.id, "name": self.org.name, "type": self.org.type, "country_iso3": self.org.country,
            "mentions": len(self.offsets), "offsets": self.offsets,
        }  # fmt: skip


@dataclass(frozen=True)
class OrganizationIndex:
    cased: Any  # ahocorasick.Automaton: alias as written -> (org id, alias)
    folded: Any  # ahocorasick.Automaton: lower-cased alias -> (org id, alias)
    organizations: dict[str, Organization]


@lru_cache(maxsize=1)
def organization_index() -> OrganizationIndex:
    import ahocorasick

    data = read_yaml(CONFIG_DIR / "organizations.yaml")
    ambiguous = set(data.get("ambiguous") or [])
    cased, folded = ahocorasick.Automaton(), ahocorasick.Automaton()
    organizations: dict[str, Organization] = {}
    for entry in data["organizations"]:
        org = Organization(entry["id"], entry["name"], entry["type"], entry.get("country"))
        organizations[entry["id"]] = org
        exact = set(entry.get("case_sensitive_aliases") or [])
        for alias in entry.get("aliases") or []:
            if alias in ambiguous:
                continue
            if alias in exact:
                cased.add_word(alias, (entry["id"], alias))
            else:
                folded.add_word(alias.lower(), (entry["id"], alias))
    for automaton in (cased, folded):
        automaton.make_automaton()
    return OrganizationIndex(cased, folded, organizations)


def _words(text: str, sep: str | None = None) -> list[str]:
    """A word list written as one string (long vocabularies read better so)."""
    return text.split(sep)


# ---- discovery vocabulary ------------------------------------------------------------------------------------------

# legal forms: nothing after them belongs to the name ("X Ltd and Y Ltd" are two)
_LEGAL = frozenset(
    _words(
        "Corp Inc Incorporated Co Ltd Limited Plc PLC LLC LLP LP AG SA SE NV BV SpA GmbH KGaA AB ASA Oyj "
        "Bhd Berhad Tbk Pte Pty"
    )
)
_COMPANY_HEADS = _words(
    "Corp Corporation Inc Incorporated Co Company Companies Ltd Limited Plc PLC LLC LLP LP AG SA SE NV BV SpA GmbH "
    "KGaA AB ASA Oyj Bhd Berhad Tbk Pte Pty Group Holdings Holding Industries Enterprises Motors Steel Airlines "
    "Airways Petroleum Mining Minerals Resources Metals Chemicals Chemical Pharmaceuticals Pharma Technologies "
    "Systems Microsystems Electronics Semiconductor Semiconductors Electric Logistics Shipping Shipbuilding "
    "Engineering Telecom Communications Capital Partners Associates Securities Investments Management Advisors "
    "Advisers Advisory Consulting Consultants Consultancy Consultores Analytics Intelligence Research Economics "
    "Insights Strategies Commodities Trading Foods Brands Marketing Estates Distillers Breweries Terminals "
    "Chartering Bank Bancorp Financial Insurance Assurance Trust Exchange Monitor Labs Software Networks Solutions "
    "Automotive Aerospace Railways Refining Textiles Apparel Energy Power Utilities Robotics Biotech Ventures "
    "Equity Brokers Agri Agro Dados Antriebstechnik Privatbank"
)
_GOVERNMENT_HEADS = _words(
    "Ministry Department Agency Office Bureau Administration Directorate Authority Service Commission Inspectorate "
    "Secretariat Customs Embassy Consulate Police Guard Cabinet Bundesamt Ministerium"
)
_LEGISLATURE_HEADS = _words("Parliament Congress Senate Assembly Duma Bundestag")
_COURT_HEADS = _words("Court Tribunal")
_THINK_TANK_HEADS = _words("Institute Institution Foundation Centre Center Institut")
_OTHER_HEADS = _words(
    "Association Federation Alliance Chamber Confederation Society Committee Union Council Party Movement "
    "University College Organization Organisation Operator Coalition Cooperative Verband Forum Board Fund Port "
    "Body"
)
_MEDIA_HEADS = _words(
    "News Times Post Journal Herald Tribune Gazette Television TV Radio Network Broadcasting Press Daily Weekly "
    "Magazine Wire"
)
_HEAD_TYPE: dict[str, str] = {
    **{w: "company" for w in _COMPANY_HEADS},
    **{w: "government" for w in _GOVERNMENT_HEADS},
    **{w: "legislature" for w in _LEGISLATURE_HEADS},
    **{w: "court" for w in _COURT_HEADS},
    **{w: "think_tank" for w in _THINK_TANK_HEADS},
    **{w: "other" for w in _OTHER_HEADS},
    **{w: "media" for w in _MEDIA_HEADS},
}
# heads that name a body only with a complement ("Port of Rotterdam", "Ministry of Commerce"), never alone at the end
_COMPLEMENT_ONLY = frozenset({"Port"})
# tokens that may follow a head word and still belong to the name ("Steel Users Alliance Europe")
_TRAILING = frozenset({"International", "Global", "Worldwide", "Europe", "Asia", "America", "Americas", "Africa"})
# titles: a run is cut before them ("Bank of Japan Governor Kazuo Ueda") and after "Title of" ("President of the ...")
_TITLES = frozenset(
    _words(
        "President Vice Chairman Chairwoman Chair Director Secretary Minister Governor Head Chief Member Members "
        "Spokesman Spokeswoman Spokesperson CEO CFO COO Officer Executive Commissioner Ambassador Professor Fellow "
        "Deputy Undersecretary Under Envoy Representative Senator Judge Mayor Premier Chancellor Treasurer Adviser "
        "Advisor Analyst Economist Founder Manager Leader General"
    )
)
# words that open a sentence or a clause, not a name ("The", "On Monday", "Meanwhile")
_LEADING = frozenset(
    _words(
        "The A An In On At For By With From After Before Under Over During Since As But And Or If When While Although "
        "Though Meanwhile However Also Still Yet Then Now Last Next This That These Those Its Their His Her Our Both "
        "Each Every All Some Many Most Several Other Another Such According Despite Including Like Unlike Separately "
        "Earlier Later Shares Analysts Officials Why How What Where Who Whether Only Even Just Instead Because To Of "
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August "
        "September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mr Mrs Ms Dr Sir Former "
        "New Top Big Key Major Leading Rival Big Senior Acting Interim Then-"
    )
)
_WHEN = frozenset(
    _words(
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August "
        "September October November December"
    )
)
# capitalised phrases that end in a head word but are not bodies
_NOT_BODIES = frozenset(
    {"Oval Office", "West Bank", "Artificial Intelligence", "Soviet Union", "Silk Road", "Main Street"}
    | {"Wall Street", "Big Tech", "Big Oil", "Big Pharma", "Black Friday", "Cyber Monday", "Supreme Leader"}
)  # fmt: skip
_CONNECTORS = frozenset({"of", "for", "on", "and", "&", "the", "de", "del", "da", "do", "des", "du", "la", "le"})
_CONNECTORS |= frozenset({"für", "der", "van", "von"})
_COMPLEMENT = frozenset({"of", "for", "on"})
_DROPPED_ALONE = _LEADING | _CONNECTORS | _WHEN | _TITLES  # a run of one of these words is no name

# one capitalised word: "Antwerp-Bruges", "O'Neill", "U.S" (a final dot is not part of it), not a possessive 's
_CAP_WORD = r"[A-Z](?:[\w&-]|['’](?![sS]\b)\w|\.(?=\w))*"
_SEP = "[ ]"  # one space: the text is read with line breaks as spaces, so a paragraph break ("\n\n") still ends a run
_WORD_AT = _CAP_WORD.replace("[A-Z]", r"[A-Z](?<![\w.’'-][A-Z])", 1)
# the first capital is matched before the look-behind, so that re skips ahead to capitals fast
_RUN = re.compile(
    rf"{_WORD_AT}(?:(?:(?<=\.[A-Z])\.)?{_SEP}(?:(?:of|for|on){_SEP}(?:the{_SEP})?|(?:and|&|de|del|da|do|"
    rf"des|du|la|le|für|der|van|von){_SEP})*{_CAP_WORD})*"
)
_POSSESSIVE = re.compile(r"['’]s\b")
_APOSTROPHES = ("'", "’")

# a descriptor right before the name: "consultancy Agrivista Dados", "Kyiv-based broker Dnipro Risk Partners"
_DESCRIPTORS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "consultancy|brokerage|broker|exporter|importer|chipmaker|carmaker|automaker|steelmaker|shipbuilder|miner|"
            "refiner|retailer|lender|insurer|airline|firm|company|maker|producer|manufacturer|supplier|operator|provider|"
            "giant|conglomerate|startup|rival|subsidiary|processor|distributor|developer|bank|shipper|carrier|"
            "e-commerce|platform|app|trader|automaker|oilfield|utility|fund",
            "|",
        ),
        "company",
    ),
    **dict.fromkeys(_words("body|association|group|union|federation|council|lobby|university|alliance", "|"), "other"),
    **dict.fromkeys(_words("think tank|think-tank|institute", "|"), "think_tank"),
    **dict.fromkeys(_words("agency|bureau|regulator|watchdog|ministry|department", "|"), "government"),
    **dict.fromkeys(
        _words("newspaper|broadcaster|news agency|outlet|tabloid|daily|magazine|channel|news site|wire service", "|"),
        "media",
    ),
}
# the last words of a cue before a name (_cue_before): descriptors, "according to", "shares of", roles "at" ...
_CUE_LAST = frozenset(w.rsplit(" ", 1)[-1] for w in _DESCRIPTORS) | frozenset(_words("to of in with on by from at for"))
_DESCRIPTOR_WORDS = "|".join(sorted((re.escape(w) for w in _DESCRIPTORS), key=len, reverse=True))
# roles at a body: "analyst at Capital Economics", "a spokesperson for Global Affairs Canada", "director of X"
_ROLES = frozenset(
    _words(
        "analyst analysts economist economists strategist strategists fellow fellows researcher researchers "
        "director directors manager managers partner partners lawyer lawyers attorney attorneys consultant "
        "consultants professor professors chairman chairwoman president executive executives officer officers "
        "trader traders broker brokers scientist scientists spokesman spokeswoman spokesperson official officials "
        "adviser advisers advisor advisors associate associates chief founder CEO specialist specialists expert "
        "experts vice-president lecturer lecturers editor editors engineer engineers meteorologist meteorologists "
        "forecaster forecasters representative "
        "representatives owner employee employees worker workers staff member members head"
    )
)
# an appositive after the name: "Kaveri Knitwear, a garment exporter in", "EuroFabrica, a Brussels-based association"
_APPOSITIVE = re.compile(
    rf", (?:a|an|the|one of the|[A-Z][\w.]*['’]s) (?:[\w’'.-]+,? ){{0,6}}?({_DESCRIPTOR_WORDS}|think tank|"
    r"consulting firm|organi[sz]ation|makers?|producers?|exporters?|importers?|suppliers?|groups?)"
    r"(?=[,.;)]| (?:in|based|that|which|with|representing|owned|from|for|of|specializing|specialising|whose|"
    r"headquartered|listed|controlled|run|at|on|near|and|—|–|said|says)\b)"
)
_AFTER_SAID = re.compile(
    r"(?: (?:has |had |have |also |on \w+ )?(?:said|says|told|announced|reported|warned|estimated|forecast|"
    r"forecasts|estimates|expects|predicted)\b)"
)
_AFTER_SOURCE = re.compile(r"(?: (?:data|figures|statistics|estimates|report|survey|numbers|calculations)\b|[,.;])")
_ACRONYM = re.compile(r"[A-Z][A-Za-z&]{1,9}")
_ACRONYM_AFTER = re.compile(r" \(([A-Z][A-Za-z&]{1,9})\)")
_CAMEL = re.compile(r"^(?:[A-Z]{3,8}|[A-Z][a-z]+[A-Z]\w*)$")
# names of laws, plans and events that take a "(ACRONYM)" too
_NOT_BODY_ENDS = frozenset(
    _words(
        "Act Agreement Treaty Accord Law Partnership Initiative Program Programme Index Plan Scheme Strategy Pact Deal "
        "Rule Rules Regulation Directive Mechanism Facility Framework Zone Area Summit Conference Games Cup Award "
        "Prize Protocol Convention Standard Code System Fund"
    )
)
# government bodies named by function: "the trade ministry", "India's commerce ministry", "Ukraine's navy"
# bodies named by what they do ("trade ministry"), or by owner alone ("Ukraine's navy"): found with str.find
_FUNCTION_WORDS = frozenset(
    _words(
        "farm|agriculture|agricultural|trade|commerce|foreign|finance|economy|economic|economics|industry|industrial|"
        "energy|defence|defense|interior|home|justice|health|labour|labor|environment|transport|fisheries|education|"
        "information|culture|tourism|mining|oil|petroleum|planning|communications|science|technology|war|"
        "external affairs|foreign affairs|statistics|customs|maritime|immigration|competition|antitrust|securities|"
        "banking|tax|treasury|trade and industry|commerce and industry|economy and finance",
        "|",
    )
)
_FUNCTION_BODIES = ("ministry", "department", "agency", "bureau", "office")
_FUNCTION_OR_GUARD = (*_FUNCTION_BODIES, "coast guard", "armed forces")
_OWNED_BODIES = ("navy", "coast guard", "armed forces", "air force", "army", "cabinet", "parliament", "embassy",
                 "central bank")  # fmt: skip
_EMBASSY_IN = re.compile(r" in [A-Z][a-z]+(?: [A-Z][a-z]+)?\b")
# whose it is, right before: "India's", "British", "the"
_OWNER = re.compile(
    r"(?:(?<![\w.-])([A-Z][\w.-]*(?: [A-Z][\w.-]*)?)['’]s |(?<![\w-])([A-Z][a-z]+) |"
    r"\b(?:the|its|their|a|an|to|by|from|at|with) )$"
)
_PRONOUN = re.compile(r"\b(?:he|she|his|her)\b")
_EMBASSIES = ("Embassy", "Consulate", "embassy")
_IN_CITY = re.compile(r" in [A-Z][a-z]+(?: [A-Z][a-z]+)?")
_GERMAN = re.compile(r" (?:der|die|und|das|nicht|mit|für|sich) ")
# a name that the words after show to be a modifier: "at Maasvlakte terminal operator X"
_MODIFIER_AFTER = re.compile(rf" (?:[a-z-]+ ){{0,2}}(?:{_DESCRIPTOR_WORDS})\b")
_TITLE_AFTER = re.compile(r" (?:Secretary|Minister|[A-Z][a-z]+ [A-Z][a-z]+)")
_TITLED_ALIAS_ENDS = ("Treasury", "Commerce", "Representative", "Trade", "Agriculture", "Energy", "Defense", "State")


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    name: str
    type: str
    country: str | None = None


@lru_cache(maxsize=1)
def _place_names() -> tuple[frozenset[str], dict[str, str]]:
    """Single place names (cities) and country forms -> iso3 (names, adjectives, capitals)."""
    from tradewire.enrich.countries import country_matcher
    from tradewire.enrich.places import gazetteer

    return frozenset(gazetteer().cities), country_matcher().by_form


def _is_place(name: str) -> bool:
    cities, countries = _place_names()
    return name in cities or name in countries or f"{name}." in countries


def _country_of(word: str | None) -> str | None:
    return _place_names()[1].get(word) if word else None


def _head_type(tokens: list[str]) -> tuple[int, str] | None:
    """Where the name starts in the run and the type its head word gives, or None when the run names no body."""
    for i, token in enumerate(tokens[:-1] if not _COMPLEMENT.isdisjoint(tokens) else ()):
        if token in _HEAD_TYPE and tokens[i + 1] in _COMPLEMENT and i + 2 < len(tokens):
            return 0, _HEAD_TYPE[token]  # "Bank of Japan", "Institute for Regional Trade Studies"
    end = len(tokens)
    while end > 1 and tokens[end - 1] in _TRAILING:
        end -= 1
    last = tokens[end - 1]
    if last in _HEAD_TYPE and last not in _COMPLEMENT_ONLY and end >= 2 and tokens[end - 2] not in _CONNECTORS:
        # "John Henry of E.F. Hutton Group": no head before "of", so the name starts after it
        cut = max((i + 1 for i, t in enumerate(tokens[: end - 1]) if t in _COMPLEMENT), default=0)
        if cut and len(tokens) - cut >= 2:
            return cut + (tokens[cut] == "the"), _HEAD_TYPE[last]
        return 0, _HEAD_TYPE[last]
    return None


def _refine_type(name: str, tokens: list[str], kind: str) -> str:
    """The head word's type, sharpened by the name: central banks, international bodies, think tanks."""
    if "Bank" in tokens and (
        "Central" in tokens or "Reserve" in tokens or (len(tokens) == 3 and tokens[1] == "of" and _is_place(tokens[2]))
    ):
        return "central_bank"
    if kind in ("government", "other", "think_tank") and tokens[0] in ("International", "World", "United", "Global"):
        return "international"
    if kind == "other" and tokens[-1] == "Council" and tokens[0] in ("National", "State", "Federal", "Presidential"):
        return "government"
    if kind == "other" and tokens[-1] == "Committee" and tokens[0] in ("Senate", "House", "Parliamentary"):
        return "legislature"
    if kind == "other" and ("Council on" in name or "Council for" in name):
        return "think_tank"
    if kind == "think_tank" and any(t in tokens for t in ("Sports", "Medical", "Technology", "Art", "Arts")):
        return "other"
    if kind == "think_tank" and any(t in tokens for t in ("State", "National", "Statistics", "Statistical")):
        return "government"  # "State Statistics Institute", "National Statistics Institute"
    if kind == "government" and tokens[0] == "European":
        return "international"
    if kind == "other" and (("Board" in tokens and "Trade" in tokens) or tokens[0] == "Port"):
        return "company"  # exchanges ("Chicago Board of Trade") and port operators
    return kind


def _clean(tokens: list[str], start: int, text: str) -> tuple[list[str], int]:
    """Drop what is not the name: clause openers, "X-based" places, titles and what follows them."""
    offset = start
    for i, token in enumerate(tokens):  # "Kowloon Bay-based Tidewater Research": the name starts after the place
        if token.endswith("-based"):
            cut = sum(len(t) + 1 for t in tokens[: i + 1])
            tokens, offset = tokens[i + 1 :], offset + cut
            break
    while tokens and (tokens[0] in _LEADING or tokens[0] in _CONNECTORS):
        offset += len(tokens[0]) + 1
        tokens = tokens[1:]
    for i, token in enumerate(tokens):
        if token in _WHEN:  # "Commission on Wednesday", "Board of Trade November"
            tokens = tokens[:i]
            break
        if token in _TITLES or ("-" in token and token.split("-", 1)[0] in _TITLES):
            if i + 1 < len(tokens) and tokens[i + 1] in _COMPLEMENT:  # "President of the Harbour Logistics ..."
                j = i + 2 + (i + 2 < len(tokens) and tokens[i + 2] == "the")
                offset += sum(len(t) + 1 for t in tokens[:j])
                return _clean(tokens[j:], offset, text)
            tokens = tokens[:i]  # "Bank of Japan Governor Kazuo Ueda"
            break
    for i, token in enumerate(tokens[:-1] if not _LEGAL.isdisjoint(tokens) else ()):
        if token in _LEGAL and tokens[i + 1] in _CONNECTORS:  # "Dowty Group PLC of Gloucestershire", "X Ltd and Y"
            tokens = tokens[: i + 1]
            break
    while tokens and tokens[-1] in _CONNECTORS:
        tokens = tokens[:-1]
    return tokens, offset


def _person_like(name: str, text: str, start: int, end: int, people: frozenset[str]) -> bool:
    """Whether a name the text introduces is a person: named as one, or said to speak as "he"/"she" would."""
    if name in people or any(name in p or p.endswith(" " + name) for p in people):
        return True
    from tradewire.enrich.people import actor_index

    if actor_index().automaton.exists(name):
        return True
    before = text[max(0, start - 6) : start]
    if before.endswith(("said ", "says ", "told ")) or text.startswith((", who", " who "), end):
        return True
    if " " not in name:
        return False
    last = name.rsplit(" ", 1)[-1]
    if any(f"{title} {last}" in text for title in ("Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Ms")):
        return True
    for verb in (" said", " says", " told"):  # "Sundaram said he ..."
        at = text.find(last + verb)
        while at >= 0:
            if _PRONOUN.search(text, at + len(last) + len(verb), at + len(last) + 60):
                return True
            at = text.find(last + verb, at + 1)
    return False


def _discover(text: str, people: frozenset[str]) -> list[_Found]:
    """Organisations the body introduces, by head word or by the words around them."""
    found: list[_Found] = []
    if len(_GERMAN.findall(text[:3000])) > 8:
        return found  # German copy capitalises every noun: the dictionary alone reads it
    possessor: tuple[int, str] | None = None  # "Canada's" right before a run
    for match in _RUN.finditer(text):
        raw_start, raw_end = match.span()
        run = match.group()
        qualifier = possessor[1] if possessor and possessor[0] == raw_start else None
        possessor = (
            (raw_end + 3, run)
            if text[raw_end : raw_end + 1] in _APOSTROPHES and _POSSESSIVE.match(text, raw_end)
            else None
        )
        if " " not in run and (_cleaned_away(run) or _uncued(text, run, raw_start, raw_end)):
            continue  # most runs are one word: a clause opener ("The", "But"), a title, or a name nothing cues
        for words, at in _parts(run.split(" "), raw_start):
            _consider(text, words, at, qualifier, people, found)
    return found


def _uncued(text: str, word: str, start: int, end: int) -> bool:
    """Whether nothing around a one-word run can make it a body: no cue before it (_cue_before), no appositive
    after it, not an acronym or brand that "said" (_cue), not an embassy. Cheap checks first: most words."""
    return (
        not text.startswith(", ", end)
        and word not in _EMBASSIES
        and not _CAMEL.match(word)
        and _cue_before(text, start) is None
    )


def _cleaned_away(word: str) -> bool:
    """Whether _clean leaves nothing of a run of this one word."""
    return word in _DROPPED_ALONE or word.endswith("-based") or ("-" in word and word.split("-", 1)[0] in _TITLES)


def _parts(words: list[str], start: int) -> list[tuple[list[str], int]]:
    """A run cut after a legal form followed by "and": "Total Erickson Resources Ltd and Consolidated ... Ltd"."""
    if "and" not in words:
        return [(words, start)]
    for i, word in enumerate(words[:-2]):
        if word in _LEGAL and words[i + 1] == "and":
            cut = sum(len(w) + 1 for w in words[: i + 2])
            return [(words[: i + 1], start), *_parts(words[i + 2 :], start + cut)]
    return [(words, start)]


def _consider(
    text: str,
    words: list[str],
    at: int,
    qualifier: str | None,
    people: frozenset[str],
    found: list[_Found],
) -> None:
    """Adds the organisation one run of capitalised words names, if it names one."""
    raw_start = at
    if len(words) == 1 and not _cleaned_away(words[0]):
        tokens, start = words, at  # what _clean gives back of a word it keeps
    else:
        tokens, start = _clean(words, at, text)
    if not tokens:
        return
    name = " ".join(tokens)
    end = start + len(name)
    if start < 120 and text[start - 1 : start] == "(" and text.startswith((") -", ") –", ") —"), end):
        return  # the publisher's credit in a dateline: "BRUSSELS, Aug 21 (Continental Wire) -"
    if tokens[-1] in _EMBASSIES and (place := _IN_CITY.match(text, end)):
        name, end = name + place.group(), place.end()  # "Chinese Embassy in Washington"
    if name in _NOT_BODIES or _is_place(name):
        return
    head = _head_type(tokens)
    kind: str | None = None
    if head is not None and head[0]:
        start += sum(len(t) + 1 for t in tokens[: head[0]])
        tokens = tokens[head[0] :]
        name = " ".join(tokens)
    if head is not None and len(tokens) >= 2:
        kind = _refine_type(name, tokens, head[1])
        if tokens[0] in _GOVERNMENT_HEADS and len(tokens) == 1:
            return
    else:
        kind = _cue(text, start, end, name, tokens, _cue_before(text, raw_start))
        if kind is None:
            return
        if "and" in tokens:
            # "Rosneft and Lukoil, Russia's two largest oil producers": each is one
            at = start
            for part in name.split(" and "):
                if not _person_like(part, text, at, at + len(part), people) and not _is_place(part):
                    found.append(_Found(at, at + len(part), part, kind))
                at = text.index(part, at) + len(part)
            return
        if _person_like(name, text, start, end, people):
            return
    country = _country_of(qualifier) if kind in ("government", "central_bank", "legislature") else None
    if country and tokens[0] in _HEAD_TYPE and len(tokens) <= 3:  # "Canada's Ministry of Finance": which country's
        found.append(_Found(start - len(str(qualifier)) - 3, end, f"{qualifier}’s {name}", kind, country))
        return
    found.append(_Found(start, end, name, kind))
    acronym = _ACRONYM_AFTER.match(text, end)
    if acronym:
        found.append(_Found(acronym.start(1), acronym.end(1), acronym.group(1), kind))


def _cue_before(text: str, at: int) -> tuple[str, str] | None:
    """What the words right before a run say of it: (descriptor, type), (role, preposition), (source | shares |
    media, ""), or None. Plain string work on the last few words: this runs once a capitalised run."""
    if not at or text[at - 1] != " ":
        return None
    low = max(0, at - 80)
    space = text.rfind(" ", low, at - 1)
    if space < 0 or ((last := text[space + 1 : at - 1]) not in _CUE_LAST and last != "the"):
        return None  # one word before, or a last word no cue ends in: most runs
    words = text[low : at - 1].split(" ")
    if words[-1] == "the":
        words.pop()
    if len(words) < 2:
        return None
    last, two = words[-1], f"{words[-2]} {words[-1]}"
    if two in _DESCRIPTORS:  # "think tank", "news agency"
        return "descriptor", _DESCRIPTORS[two]
    if last in _DESCRIPTORS:
        return "descriptor", _DESCRIPTORS[last]
    if two == "according to":
        return "source", ""
    if two in ("shares of", "shares in"):
        return "shares", ""
    if two in ("interview with", "interview on", "report by", "report from", "reported by"):
        return "media", ""
    if last in ("at", "with", "for", "of"):
        if words[-2] in _ROLES:
            return "role", f"{words[-2]} {last}"
        for k in range(3, min(8, len(words))):  # "head of operations at", "director of oilseed research at"
            if words[-k] == "of" and words[-k - 1] in _ROLES and all(w.islower() for w in words[-k + 1 : -1]):
                return "role", f"{words[-k - 1]} {last}"
    return None


def _cue(text: str, start: int, end: int, name: str, tokens: list[str], role: tuple[str, str] | None) -> str | None:
    """The type a cue around a name without a head word gives, or None when nothing says it is a body.

    role: what _cue_before says of the words before the name's run.
    """
    if tokens[-1] in _TITLES or tokens[-1] in _NOT_BODY_ENDS or not _LEADING.isdisjoint(tokens):
        return None
    kind = _cued_type(text, end, name, tokens, role)
    if kind is not None and _MODIFIER_AFTER.match(text, end):
        return None  # "at Maasvlakte terminal operator Delta Quay Terminals": a place before the body
    return kind


def _cued_type(text: str, end: int, name: str, tokens: list[str], role: tuple[str, str] | None) -> str | None:
    """_cue's type before the check for a modifier after the name (a regex: run only when a type is found)."""
    if role:
        cue, detail = role
        if cue == "descriptor":
            return detail
        if cue == "role" and detail.endswith(" of") and len(tokens) == 1:
            return None  # "president of Mexico", "members of Congress" are for the dictionary
        if cue == "source":  # "according to X": only as the source of data or a statement
            return "company" if _AFTER_SOURCE.match(text, end) and len(tokens) <= 4 else None
        if cue == "media":
            return "media"
        if cue == "role" and detail.startswith("fellow"):
            return "think_tank"
        return "company"
    appositive = _APPOSITIVE.match(text, end)
    if appositive:
        word = appositive.group(1).rstrip("s")
        if word.startswith("organi"):
            return "other"
        return _DESCRIPTORS.get(word, "think_tank" if word == "think tank" else "company")
    if len(tokens) >= 2 and (acronym := _ACRONYM_AFTER.match(text, end)):
        initials = "".join(t[0] for t in tokens if t not in _CONNECTORS).upper()
        if acronym.group(1).upper().replace("&", "") in (initials, initials[:-1]):
            return "other"
    if len(tokens) == 1 and _CAMEL.match(name) and _AFTER_SAID.match(text, end):
        return "other"  # "PAGASA said", "EuroFabrica said": no person is written so
    return None


def _functional_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of "<function> ministry" and of the bodies named by their owner alone."""
    spans = []
    for body in _FUNCTION_BODIES + _OWNED_BODIES:
        at = text.find(body)
        while at >= 0:
            end = at + len(body)
            if (end == len(text) or not text[end].isalnum()) and at and text[at - 1] == " ":
                if body in _FUNCTION_BODIES:
                    words = text[max(0, at - 40) : at - 1].split(" ")
                    size = next((n for n in (3, 2, 1) if " ".join(words[-n:]) in _FUNCTION_WORDS), 0)
                    if size and len(words) > size:
                        start = at - 1 - len(" ".join(words[-size:]))
                        spans.append((start, end, text[start:end]))
                else:
                    if body == "embassy" and (place := _EMBASSY_IN.match(text, end)):
                        end = place.end()
                    spans.append((at, end, text[at:end]))
            at = text.find(body, at + 1)
    return spans


def _functional(text: str) -> list[_Found]:
    """Government bodies named by what they do: "the trade ministry", "India's commerce ministry"."""
    found = []
    for begin, stop, body in _functional_spans(text):
        prefix = _OWNER.search(text, max(0, begin - 40), begin)
        if prefix is None:
            continue
        owner, adjective = prefix.group(1), prefix.group(2)
        country = _country_of(owner) or _country_of(adjective)
        if (owner or adjective) and country is None and (owner or not body.endswith(_FUNCTION_OR_GUARD)):
            continue
        if not (owner or adjective) and body.startswith(("army", "cabinet", "parliament", "central bank", "embassy")):
            continue  # "the army", "the cabinet": whose is not said
        kind = "central_bank" if body == "central bank" else "legislature" if body == "parliament" else "government"
        name = f"{owner}’s {body}" if owner else f"{adjective} {body}" if country else body
        start = prefix.start(1) if owner else prefix.start(2) if country else begin
        found.append(_Found(start, stop, name, kind, country))
    return found


def _dictionary_hits(head: str, text: str) -> list[tuple[int, int, str]]:
    """(start, end, id) of dictionary names in f"{head}\n\n{text}" (text alone without a head), leftmost-longest."""
    index = organization_index()
    full = f"{head}\n\n{text}" if head else text
    full = full.replace("’", "'")  # the dictionary writes straight apostrophes; same length, same offsets
    # the headline's names with the dictionary's own automata, the body's from the passes the topics and is_trade
    # finders share (they know the curly apostrophes), at the same offsets in full
    shift = len(head) + 2 if head else 0
    straight_head = head.replace("’", "'")
    found: list[Iterable[tuple[int, tuple[str, str]]]] = [
        index.cased.iter(straight_head) if head else (),
        ((end + shift, org) for end, (_, _, org) in cased_hits(text) if org is not None),
    ]
    head_lower, text_lower = straight_head.lower(), text.lower()
    if len(head_lower) == len(head) and len(text_lower) == len(text):
        found.append(index.folded.iter(head_lower) if head else ())
        found.append((end + shift, org) for end, (_, _, org) in lowered_hits(text_lower) if org is not None)
    hits: list[tuple[int, int, str]] = []
    for end, (org_id, alias) in itertools.chain.from_iterable(found):
        start = end - len(alias) + 1
        before = full[start - 1] if start else " "
        after = full[end + 1] if end + 1 < len(full) else " "
        if before.isalnum() or after.isalnum():
            continue
        # "Treasury Secretary Scott Bessent", "US Trade Representative Jamieson Greer": a title, not the body
        if _TITLE_AFTER.match(full, end + 1) and full[start : end + 1].endswith(_TITLED_ALIAS_ENDS):
            continue
        hits.append((start, end + 1, org_id))
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, org_id in sorted(hits, key=lambda h: (h[0], -h[1])):
        if start >= last_end:
            chosen.append((start, end, org_id))
            last_end = end
    return chosen


def find_organizations(
    title: str | None, text: str, people: Iterable[Mapping[str, Any]] | None = None
) -> list[OrganizationMention]:
    """Every organisation in the article with its offsets into text (the title's are negative).

    people: the find_people dicts, when the caller has them, so that no person is taken for a body.
    """
    index = organization_index()
    head = (title or "").strip()
    full = f"{head}\n\n{text}" if head else text
    shift = len(full) - len(text)
    dictionary = _dictionary_hits(head, text)
    names = frozenset(str(p.get("name")) for p in people or () if p.get("name"))
    flat = text.replace("\n", " ")  # wire copy wraps lines inside names; same length, same offsets
    discovered = sorted(_discover(flat, names) + _functional(flat), key=lambda f: (f.start, -(f.end - f.start)))
    known = [(s - shift, e - shift) for s, e, _ in dictionary]
    ends = {e + 2: i for i, (_, e) in enumerate(known)}
    defined = [
        f for f in discovered if f.start in ends and flat[f.start - 1 : f.start] == "(" and _ACRONYM.fullmatch(f.name)
    ]
    kept, dropped = _settle([f for f in discovered if f not in defined], known)
    result: dict[str, OrganizationMention] = {}
    for i, (start, _, org_id) in enumerate(dictionary):
        if i not in dropped:
            result.setdefault(org_id, OrganizationMention(index.organizations[org_id])).offsets.append(start - shift)
    for acronym in defined:  # "European Community (EC)": later "EC" mentions are the dictionary's body
        mention = result.get(dictionary[ends[acronym.start]][2])
        if mention is not None:
            mention.offsets.extend(
                at for at in _occurrences(flat, acronym.name, "-_") if at - shift not in mention.offsets
            )
    for mention in _merge(kept, flat):
        key = mention.org.name.casefold()
        if key in result:
            result[key].offsets.extend(mention.offsets)
        else:
            result[key] = mention
            mention.offsets[:0] = [at - shift for at in _title_offsets(head, mention.org.name)]
    return sorted(result.values(), key=lambda m: (-len(m.offsets), m.org.name))


def _settle(discovered: list[_Found], known: list[tuple[int, int]]) -> tuple[list[_Found], set[int]]:
    """The discovered names to keep, and the dictionary hits they replace.

    A discovered name that holds a dictionary name and more ("European Union Chamber of Commerce") wins over
    it; one that overlaps a dictionary name only in part, or is the same span, gives way.
    """
    kept: list[_Found] = []
    dropped: set[int] = set()
    taken: list[tuple[int, int]] = []
    for found in discovered:
        inside = [i for i, (s, e) in enumerate(known) if s < found.end and found.start < e]
        if any(not (found.start <= known[i][0] and known[i][1] <= found.end) for i in inside):
            continue
        if any(known[i] == (found.start, found.end) for i in inside):
            continue
        if len(inside) == 1 and known[inside[0]][1] == found.end:
            rest = found.name[: known[inside[0]][0] - found.start].strip()
            if _is_place(rest) or _is_place(rest.removesuffix("’s").removesuffix("'s")):
                continue  # "U.S. Agriculture Department": the dictionary's name with its country
        if any(s < found.end and found.start < e for s, e in taken):
            continue
        dropped.update(inside)
        taken.append((found.start, found.end))
        kept.append(found)
    return kept, dropped


def _title_offsets(head: str, name: str) -> list[int]:
    if not head or len(name) < 4:
        return []
    return _occurrences(head, name, "")


def _occurrences(text: str, word: str, joiners: str) -> list[int]:
    """Where word stands alone in text: no letter or digit (nor one of joiners) right before or after it."""
    found, at = [], text.find(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(word)] if at + len(word) < len(text) else " "
        if not (before.isalnum() or before in joiners or after.isalnum() or after in joiners):
            found.append(at)
        at = text.find(word, at + 1)
    return found


def _merge(found: list[_Found], text: str) -> list[OrganizationMention]:
    """One entry per organisation: a shorter name inside a longer one, and a defined acronym, join the longer."""
    by_name: dict[str, OrganizationMention] = {}
    for item in sorted(found, key=lambda f: -len(f.name)):
        key = item.name.casefold()
        target = by_name.get(key)
        if target is None and " " in key:  # "Weather Service" after "National Weather Service"
            spaced = f" {key}"
            target = next((m for k, m in by_name.items() if spaced in f" {k}" and item.type == m.org.type), None)
        if target is None and " " not in key:  # "Kaiser" after "Kaiser Steel Corp", "ICN" after "ICN Pharmaceuticals"
            target = next((m for k, m in by_name.items() if k.startswith(key + " ")), None)
        if target is None:
            target = by_name[key] = OrganizationMention(Organization(None, item.name, item.type, item.country))
        target.offsets.append(item.start)
    acronyms = {m.org.name: m for m in by_name.values() if _ACRONYM.fullmatch(m.org.name)}
    for acronym, mention in acronyms.items():
        owner = next((m for m in by_name.values() if m is not mention and _defines(m, mention, text)), None)
        seen = set(mention.offsets)
        mention.offsets.extend(at for at in _occurrences(text, acronym, "-_") if at not in seen)
        if owner is not None:
            owner.offsets.extend(mention.offsets)
            del by_name[mention.org.name.casefold()]
    for mention in by_name.values():
        mention.offsets = sorted(set(mention.offsets))
    return list(by_name.values())


def _defines(owner: OrganizationMention, acronym: OrganizationMention, text: str) -> bool:
    """Whether owner's name is written right before "(ACRONYM)"."""
    return any(text.startswith(f"{owner.org.name} ({acronym.org.name})", at) for at in owner.offsets)
