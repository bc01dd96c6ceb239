"""People mentioned in an article: the actor dictionary first, then people the text introduces by title or role.

Dictionary aliases are found in one pass with an Aho-Corasick automaton (config/actors.yaml). A
surname alone ("Bessent", "Mr. Trump") counts after a title or once the full name has appeared.
People the dictionary does not know are taken when the text introduces them with a title or a
role ("Commerzbank analyst Carsten Fritsch", "said Derek Scissors, a China scholar", "Bundesbank
President Karl Otto Poehl", "the Governor of the Bank of Greece, Dimitris Halikias, said", "Paul
Volcker, chairman of the Federal Reserve Board,"), or as the speaker before "said"/"told" when
"he" or "she" follows or the name has an initial ("Henry Kaufman said he"). Names may wrap over a
line and hold particles ("Barend du Plessis"). A headline's quoted speaker ("TREASURY'S BAKER
SAYS", "Miyazawa says ...", "... - Poehl") is taken as a surname unless it is a country, a known
organisation, a group word, an acronym, or the body shows it is not a person. One person, one
entry: later surname-only mentions join the full name. The article's authors are left out.

German, French and Spanish text (told by a few function words, text_language()) gets its own scan:
a name after a title or role ("Chefvolkswirt Tobias Rehn", "la ministre Sophie Primas"), before a
role apposition ("Ulrike Stamm, Geschäftsführerin des ..."), or whose first word is a common given
name (config/first_names.yaml), since German capitalises every noun.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

# Jean-Claude, O'Neill, McDonald, MacGregor; not "Volcker's". It starts with [A-Z] so that re can skip ahead to
# capitals; _NAME_AT also checks the word boundary after that capital, which keeps the skip (a leading \b would not)
_NAME = r"[A-Z](?:(?<=M)a?c[A-Z]|(?<=O)['’][A-Z])?[a-z]+(?:['’-][A-Z][a-z]+)?"
_NAME_AT = _NAME.replace("[A-Z]", r"[A-Z](?<!\w\w)", 1)
# between the words of a name: spaces, or one line break (wire copy and PDFs wrap lines inside names)
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_PARTICLE = r"(?:de|del|della|di|da|do|dos|das|du|van|von|der|den|ter|le|la|al|el|bin|ibn|ben|arap)"
# a word after the first: an initial, a name, or particles then a name ("Barend du Plessis"); never a trailing particle
_MORE = rf"{_GAP}(?:[A-Z]\.|(?:{_PARTICLE}{_GAP}){{1,2}}{_NAME}|{_NAME})"
_FULL_NAME = rf"{_NAME}(?:{_MORE}){{0,3}}"
_TWO_WORD_NAME = rf"{_NAME}(?:{_MORE}){{1,3}}"
_TWO_WORD_NAME_AT = rf"{_NAME_AT}(?:{_MORE}){{1,3}}"
# offices named "X of Y" whose Y is part of the title, not of the name that follows
_OF = (
    r"(?: of (?:the )?(?:Exchequer|State|Treasury|Finance|Commerce|Agriculture|Defen[cs]e|Labou?r|Energy|Trade|"
    r"Interior|Justice|Health|Education|Transport(?:ation)?|Industry|Economy|Foreign Affairs|Home Affairs|"
    r"Homeland Security))?"
)
_TITLES = (
    rf"President|Vice[- ]President|Prime Minister|Premier|Vice[- ]Premier|Chancellor{_OF}|King|Crown Prince|"
    rf"(?:[A-Z][a-z]+ )?(?:Minister|Secretary|Commissioner|Representative|Governor|Ambassador|Envoy){_OF}|"
    rf"(?:[A-Za-z]+ )?(?:minister|secretary|commissioner|governor|ambassador|envoy|chancellor|chairman|"
    r"representative|leader|official|raider|banker)|"
    r"Senator|Sen\.|Rep\.|Congressman|Congresswoman|General|Gen\.|Chairman|Chairwoman|Chair|Director|Treasurer|"
    r"Spokesman|Spokeswoman|Spokesperson|spokesman|spokeswoman|spokesperson|analyst|economist|strategist|"
    r"negotiator|adviser|advisor|chief executive|CEO|chairman|president|director|professor|Professor|"
    r"chief|head|Mr\.|Mrs\.|Ms\.|Dr\.|Mr|Mrs|Ms|Dr"
)
_TITLED = re.compile(rf"(?=[A-Za-z])\b({_TITLES}){_GAP}({_FULL_NAME})")  # the lookahead skips non-letters fast
_SAID_APPOSITION = re.compile(rf"said(?<=\bsaid){_GAP}({_TWO_WORD_NAME}), (?:a|an|the) ([^,.;]{{3,60}})")
_APPOSITION_SAID = re.compile(rf"({_TWO_WORD_NAME_AT}), (?:a|an|the) ([^,.;]{{3,60}}), said\b")
# "said Jenna Park, senior grains analyst at Lakeshore Commodity Advisors": a role without an article, and
# "said Tom Kessler, who farms 2,400 acres": after a verb of speech, a name followed by "who" is a person
_ROLE_NOUNS = (
    r"analyst|economist|strategist|director|manager|head|chairman|chairwoman|chair|president|vice-president|"
    r"executive|CEO|consultant|adviser|advisor|professor|researcher|fellow|founder|partner|official|spokesperson|"
    r"spokesman|spokeswoman|secretary|minister|chief|owner|trader|broker|lawyer|coach|captain|economists|officer"
)
_SAID_ROLE = re.compile(
    rf"said(?<=\bsaid){_GAP}({_TWO_WORD_NAME}),{_GAP}(?:(who)\b|((?:[^,.;]{{0,40}}?\b)?(?:{_ROLE_NOUNS})\b[^,.;]{{0,60}}))"
)
# "Marcy Delgado, who runs Tri-County Housewares": a full name then ", who" is a person wherever it stands
_WHO = re.compile(rf"({_TWO_WORD_NAME_AT}),{_GAP}who\b")
# "Kiichi Miyazawa, Japan's Finance Minister, said", "Paul Volcker, chairman of the Federal Reserve Board,"
_APPOSITION_OFFICE = re.compile(
    rf"({_TWO_WORD_NAME_AT}),{_GAP}((?:[A-Z][\w.]*['’]s{_GAP}|the{_GAP})?[^,.;]{{0,40}}?"
    r"\b(?:[Mm]inister|[Ss]ecretary|[Gg]overnor|[Cc]hairman|[Pp]resident|[Cc]hancellor|[Cc]ommissioner|[Ll]eader|"
    r"[Hh]ead|[Cc]hief|[Dd]irector|[Tt]reasurer|[Ss]pokes(?:man|woman|person)|[Rr]epresentative)"
    r"(?: of (?:(?!\b(?:said|says|told)\b)[^,.;()]){0,60})?)[,.]"
)
_SPEECH = r"(?:said|says|told|added|announced|warned|urged|stressed|noted|predicted|declined|acknowledged)\b"
# the body an office belongs to: capitalised words, joined by "of", "and" ... but never ending with one
_ORG = r"[A-Z][\w.&'’-]*(?:(?:[ \t]+(?:of|and|for|on|the|&))*[ \t]+[A-Z][\w.&'’-]*){0,7}?"
# "the Governor of the Bank of Greece, Dimitris Halikias, said", "its governor, Robin Leigh-Pemberton,",
# "President of the Brazilian Coffee Institute (IBC) Jorio Dauster told": an office, maybe "of <body>", then the name
_OFFICE = (
    rf"((?:[Mm]inister|[Ss]ecretary|[Gg]overnor|[Cc]hairman|[Cc]hairwoman|[Pp]resident|[Cc]hancellor|"
    rf"[Cc]ommissioner|[Dd]irector|[Hh]ead|[Cc]hief|[Ll]eader|[Tt]reasurer)(?:{_GAP}of{_GAP}(?:the{_GAP})?{_ORG})?)"
)
# "the Governor of the Bank of Greece, Dimitris Halikias, said", "its governor, Robin Leigh-Pemberton,",
# "President of the Brazilian Coffee Institute (IBC) Jorio Dauster told": an office, maybe "of <body>" and its
# acronym, then the name. After a comma the name ends at a comma or a verb of speech; without one it must be
# followed by a verb of speech, and the office must not itself describe a name before it
# ("X, director of Song Be Timberworks, said" is not "Be Timberworks")
_ROLE_OF = re.compile(
    rf"(?=[A-Za-z])\b{_OFFICE}(?:{_GAP}\([A-Z]{{2,8}}\)|,{_GAP}[A-Z]{{2,8}})?"
    rf"(?:,{_GAP}({_FULL_NAME})(?=,|{_GAP}{_SPEECH})|{_GAP}({_FULL_NAME})(?={_GAP}(?:{_SPEECH}|who\b)))"
)
# literal starts of every _TITLES and _OFFICE alternative (prefixes will do): an Aho-Corasick pass finds where a
# match can begin, so the two scans try their pattern there instead of at every letter of the text
_TITLE_STARTS = (
    "President Vice Prime Premier Chancellor King Crown Minister Secretary Commissioner Rep Governor Ambassador Envoy "
    "Sen Congress Gen Chair Director Treasurer Spokes Professor CEO Mr Ms Dr minister secretary commissioner governor "
    "ambassador envoy chancellor chairman representative leader official raider banker spokes analyst economist "
    "strategist negotiator advis chief president director professor head"
)
_OFFICE_STARTS = (
    "Minister minister Secretary secretary Governor governor Chair chair President president Chancellor chancellor "
    "Commissioner commissioner Director director Head head Chief chief Leader leader Treasurer treasurer"
)
_APPOSITIVE_BEFORE = re.compile(r"[,\w] (?:the )?$")
# a name right before a verb of speech ("Henry Kaufman said"): found from the verb backwards
_SPEECH_AT = re.compile(_SPEECH)  # starts with literals, so re skips ahead fast; the gap before is checked in code
_NAME_BEFORE = re.compile(rf"({_NAME_AT}(?:{_GAP}[A-Z]\.)?(?:{_GAP}(?:{_PARTICLE}{_GAP})?{_NAME}){{1,2}}){_GAP}$")
_TITLE_WORDS = frozenset(
    {"Minister", "Secretary", "President", "Chairman", "Governor", "Spokesman", "Commissioner", "Representative"}
    | {"Chancellor", "Senator", "Ambassador", "Premier", "Director", "Adviser", "Advisor", "Envoy", "Treasurer"}
    | {"General", "Captain", "Coach"}  # "Secretary General Javier Perez de Cuellar", "Attorney General ..."
)  # fmt: skip
# "Customs and Border Protection said": a name-shaped run that ends a longer name
_JOINED = re.compile(r"(?:\b(?:and|of|for|&)|[&'’-])\s*$")
_INITIAL = re.compile(r" [A-Z]\.\s")
_PRONOUN = re.compile(r"^[^.]*\b(?:he|she|his|her)\b|\.\s+(?:He|She)\b")
# "Volcker said he ...": he or she later in the sentence, before any "it" or "its"
_SAME_SENTENCE_PRONOUN = re.compile(r"^(?:(?!\bits?\b)[^.])*?\b(?:he|she|his|her)\b")
_FORMAL = re.compile(r"(?i)president|premier|minister|secretary|chancellor|king|governor|commissioner|senator")
_NOT_NAMES = frozenset(
    {"The", "This", "That", "But", "And", "China", "United", "States", "Beijing", "Washington", "Trade", "Commerce"}
    | {"However", "Also", "Meanwhile", "Yesterday", "Today", "Earlier", "Later", "When", "While", "If", "In", "On"}
    | {"At", "As", "After", "Before", "Speaking", "Both", "Then", "Now", "So", "Yet", "Still", "Exchequer", "State"}
    | {"Treasury", "Finance", "Agriculture", "Energy", "Industry", "Economy", "Defence", "Defense", "Justice"}
)  # fmt: skip
# first words of place and group names ("West German", "Hong Kong", "White House"); later they can be surnames
_NOT_FIRST = frozenset(
    {"North", "South", "East", "West", "New", "Northern", "Southern", "Eastern", "Western", "Saudi", "Hong", "White"}
    | {"Upper", "Lower", "Greater", "Central", "Royal", "Saint", "St", "San", "Santa", "Los", "Las", "Fort", "Port"}
)  # fmt: skip
# words that end a name-shaped run: the days and months ("Richard Lyng Monday")
_NOT_LAST = frozenset(
    {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March"}
    | {"April", "May", "June", "July", "August", "September", "October", "November", "December"}
)  # fmt: skip
# name-shaped runs before "said" that are organisations or places, not people ("Goldman Sachs said")
_ORG_WORDS = frozenset(
    {"Bank", "Banks", "Group", "Corp", "Inc", "Co", "Ltd", "Plc", "Brothers", "Sachs", "Stanley", "Lynch", "Motors"}
    | {"Securities", "Capital", "Partners", "Airlines", "Airways", "Associates", "International", "Industries"}
    | {"Holdings", "Trust", "Fund", "Reserve", "House", "Board", "Ministry", "Department", "Agency", "Commission"}
    | {"Council", "Committee", "Court", "Congress", "Senate", "Parliament", "Union", "Exchange", "Association"}
    | {"Institute", "University", "Party", "Street", "Journal", "News", "Times", "Post", "Service", "Office"}
    | {"Federal", "National", "General", "American", "Central", "Reuters", "Research", "Company", "Energy", "Oil"}
    | {"Petroleum", "Chemical", "Steel", "Electric", "Financial", "Investment", "Investments", "Management"}
    | {"Communications", "Systems", "Technologies", "Technology", "Foods", "Products", "Resources", "Mining"}
    | {"Government", "Administration", "Cabinet", "Police", "Army", "Navy", "Organization", "Organisation"}
    | {"Economic", "Economics", "Affairs", "Foreign", "Analysts", "Officials", "Sources", "Traders", "Dealers"}
    | {"Minister", "Secretary", "President", "Chairman", "Governor", "Spokesman", "Prime", "Vice", "Deputy"}
    | {"Commissioner", "Representative", "Chancellor", "Senator", "Ambassador", "Premier", "Director", "Judge"}
    | {"Mr", "Mrs", "Ms", "Dr", "Sir", "Professor", "Chief", "Executive", "Treasurer", "Envoy", "Congressman"}
    | {"Trade", "Finance", "Treasury", "Commerce", "Agriculture", "Industry", "Times", "Daily", "Press"}
    | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "God", "Lord", "Christmas"}
    | {"Bureau", "Foundation", "Holding", "Agencies", "Intelligence", "Shipping", "Insurance", "Credit", "Savings"}
    | {"Limited", "LP", "LLC", "AG", "SA", "NV", "SpA", "GmbH", "Unit", "Division", "Subsidiary", "Fed", "Adviser"}
    | {"Advisor", "Authority", "Institution", "Foods", "Estate", "Property", "Properties", "Realty", "Energy"}
)  # fmt: skip

_HEAD_VERB = (
    r"says|said|sees|urges|warns|calls|predicts|expects|tells|repeats|denies|blasts|stresses|wants|forecasts|"
    r"rejects|confirms|criticises|criticizes|defends|backs|signals|asks|favours|favors|opposes|insists|welcomes|"
    r"doubts|vows|pledges|threatens|promises|proposes|dismisses|hints|rules|questions|attacks|praises|slams|"
    r"does|declines|agrees|resigns|quits|named|appointed|visits"
)
_HEAD_WORD = r"[A-Z][A-Za-z]+(?:['’-][A-Z][A-Za-z]+)?"
# "TREASURY'S BAKER SAYS ...", "Miyazawa says ...", "PRESIDENT REAGAN SAYS ...": who a headline quotes
_HEADLINE_SUBJECT = re.compile(
    rf"^(?:(?:(?:[A-Z][\w.]*[ ]){{0,2}}[A-Z][\w.]*['’][Ss]?|(?:[A-Z][\w.]*[ ]){{0,3}}"
    r"(?i:president|chancellor|premier|treasurer|minister|secretary|governor|chairman|senator))[ ])?"
    rf"({_HEAD_WORD})[ ](?i:{_HEAD_VERB})\b"
)
# "Bundesbank has no interest in higher rates - Poehl": the speaker after a dash at the end
_HEADLINE_SOURCE = re.compile(rf"(?:[ ][-–—][ ]?|[-–—][ ])({_HEAD_WORD})\.?$")
# headline subjects that are groups, roles, places or institutions, not people
_HEAD_STOP_WORDS = (
    "paper study survey economist economists judge senator senators ministry minister fed banker bankers firm "
    "shareholders unions agency spokesman newspaper experts diplomats poll it he she they we i chairman president "
    "company market markets stocks dollar gold oil prices world europe asia africa america latin opec gatt nato "
    "imf un eu ec who sec ftc fcc usda ita wto g7 g-7 g-5 g5 opposition rebels workers farmers investors "
    "consumers industry group board panel premier chancellor treasurer mayor king queen pope ceo cfo insiders "
    "strike survey index data figures sales exports imports output inflation budget bill law kremlin vatican "
    "pentagon moscow tokyo london paris bonn berlin brussels geneva ottawa canberra peking tomorrow today "
    "yesterday justice revenue accord cable bulletin newsletter govt aide aides delta soviets soviet union "
    "creditors delegates exporters importers producers accountants lawmakers regulators owners holders"
)
_HEAD_STOP = frozenset(
    w.casefold() for w in _ORG_WORDS | {"Analyst", "Official", "Source", "Dealer", "Trader", "Report", "Reports"}
) | frozenset(_HEAD_STOP_WORDS.split())
# "- DEALERS", "- DELEGATES": a plural group noun, not a surname, as a headline's source
_PLURAL = re.compile(r"(?:ers|ors|ants|ents|ates|ists|ians|ives)$")
# "GENCORP", "CITIBANK", "ENDOTRONICS": company-shaped words
_COMPANY_SHAPED = re.compile(r"(?:corp|bank|tronics|tech|soft|systems|air|tel|com|ex|co)$|^(?:citi|inter|multi|mini)")
# an organisation suffix after a headline word in the text: "Chrysler Corp", not the person Chrysler
_ORG_SUFFIX = r"(?:Corp|Inc|Co|Ltd|Plc|PLC|AG|SA|NV|Group|Bank|Airlines|Motors|Industries|International|Holdings)\b"

# German, French and Spanish text. German capitalises every noun, so a capitalised pair is no name by itself:
# these scans take a name after a title or role ("Chefvolkswirt Tobias Rehn", "la ministre Sophie Primas"),
# before an apposition that names a role ("Ulrike Stamm, Geschäftsführerin des ..."), or when its first word is
# a common given name (config/first_names.yaml). They run only on text whose function words say it is in one of
# these languages, so English text pays one short scan.
_LANGUAGE_WORDS = {
    "en": "the and of to is was that for with",
    "de": "und der die das nicht mit sich ist den dem auf ein eine im von für wird",
    "fr": "le les des une est dans pour qui sur aux du pas été avec et à au ont cette sont",
    "es": "los las del una para por con el su al como más fue y lo ha sus ante tras",
}
_WORD_LANGUAGE = {w: lang for lang, words in _LANGUAGE_WORDS.items() for w in words.split()}
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮİŁĹĽŃŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŸŹŻŽ"
_LO = "a-zß-öø-ÿāăąćčďđēėęěğīįıłĺľńňōőœŕřśşšţťūůűųźżž"
_F_WORD = rf"[{_UP}][{_LO}]+(?:['’][{_UP}][{_LO}]+)?(?:-[{_UP}][{_LO}]+)?"
_F_GAP = r"[ \t\u00a0]+"
_F_PARTICLE = r"(?:(?:von|van)(?: der| den| dem)?|de(?: la| los| las)?|del|della|di|da|do|dos|du|zu|le|la|ten|ter)"
_F_NAME = rf"{_F_WORD}(?:{_F_GAP}(?:{_F_PARTICLE}{_F_GAP})?{_F_WORD}){{0,3}}"
# German roles as the ends of compounds: "Bundeswirtschaftsministerin", "Chefvolkswirt", "EU-Kommissionspräsidentin"
_DE_STEMS = (
    "kanzler|minister|präsident|chef|volkswirt|ökonom|direktor|analyst|leiter|sprecher|kommissar|beauftragte|"
    "vorsitzende|berater|botschafter|gouverneur|geschäftsführer|vorstand|gründer|expert|professor|sekretär|senator|"
    "abgeordnete|bürgermeister|manager|stratege|strategin|referent|unternehmer|politiker|händler|forscher|"
    "vertreter|inhaber|eigentümer|landwirt|bauer|diplomat|general|richter|anwalt|anwältin|ökonomin"
)
_DE_ROLE = rf"(?<![\w-])(?=[{_UP}])[\w-]*?(?i:{_DE_STEMS})(?:in|innen|e|en|er|r|n)?(?![\w-])|Herrn?|Frau|Dr\.|Prof\."
_FR_ROLE = (
    r"(?<![\w-])(?i:président|présidente|ministre|porte-parole|économiste|analyste|directeur|directrice|secrétaire|"
    r"commissaire|chancelier|chancelière|patron|patronne|professeur|professeure|député|députée|sénateur|sénatrice|"
    r"ambassadeur|ambassadrice|gouverneur|PDG|dirigeant|dirigeante|fondateur|fondatrice|responsable|chef|cheffe|"
    r"maire|stratégiste|négociateur|négociatrice|conseiller|conseillère|chercheur|chercheuse|avocat|avocate)"
    r"(?:[ \u00a0](?:général|générale|délégué|déléguée|adjoint|adjointe|exécutif|exécutive|en chef))?(?![\w-])|"
    r"M\.|Mme|Me"
)
_ES_ROLE = (
    r"(?<![\w-])(?i:presidente|presidenta|ministro|ministra|portavoz|economista|analista|director|directora|"
    r"secretario|secretaria|comisario|comisaria|canciller|jefe|jefa|gobernador|gobernadora|embajador|embajadora|"
    r"profesor|profesora|consejero delegado|consejera delegada|diputado|diputada|senador|senadora|alcalde|"
    r"alcaldesa|fundador|fundadora|vocero|vocera|responsable|estratega|negociador|negociadora|investigador|"
    r"investigadora|gerente|asesor|asesora)(?:[ \u00a0](?:general|ejecutivo|ejecutiva|adjunto|adjunta))?(?![\w-])|"
    r"[Dd]on|[Dd]oña|Sr\.|Sra\."
)
_F_ROLES = {"de": _DE_ROLE, "fr": _FR_ROLE, "es": _ES_ROLE}
# "Bundeskanzler Friedrich Merz", "Herr Brenner", "le président Emmanuel Macron", "la ministra Ana Pérez"
_F_TITLED = {
    lang: re.compile(rf"({role})(?:{_F_GAP}(?:Dr\.|Prof\.))*{_F_GAP}({_F_NAME})(?![\w-])")
    for lang, role in _F_ROLES.items()
}
# "Sabine Rothmund, Chefvolkswirtin der Hanseatischen Privatbank", "Ana Pérez, directora de ..."
_F_APPOSITION = {
    lang: re.compile(
        rf"(?<![\w-])({_F_NAME}),{_F_GAP}((?:[^,.;:()\n]{{0,40}}?)(?:{role})[^,.;:()\n]{{0,90}}?)(?=[,.;:()\n]|$)"
    )
    for lang, role in _F_ROLES.items()
}
# a capitalised word before another one: where a given name may start
_F_FIRST = re.compile(rf"(?<![\w-])[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?(?={_F_GAP}[{_UP}])")
_F_NAME_AT = re.compile(_F_NAME)
# what ends a German common noun, not a surname ("Erleichterung", "Wirtschaft", "Kommission")
_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "tion", "ität", "ismus", "nahme", "straße", "platz", "ministerium")
# a company or foundation named after a person: "Robert Bosch GmbH", "Konrad-Adenauer-Stiftung"
_NAMED_BODY = re.compile(r"[ \t\u00a0]*(?:[&-]|(?:GmbH|AG|SE|KG|Stiftung|Gruppe|Holding|Institut|SA|SAS|Group)\b)")
_ADJECTIVE_ENDINGS = ("ischen", "ische", "ischer", "isches", "lichen", "liche", "licher", "ischem")
# capitalised words that open a sentence or phrase before a name ("Laut Sabine Rothmund, ...")
_F_LEAD = frozenset(
    {"Laut", "Auch", "Dazu", "Zudem", "Aber", "Und", "Wie", "Als", "Nach", "Bei", "Für", "Selon", "Pour", "Según"}
    | {"Pero", "Y", "Et", "Mais", "Ainsi", "Para", "Con", "Por", "Avec", "Chez", "Sur", "Dès", "Im", "Am", "Vor"}
)  # fmt: skip
_HONORIFICS = frozenset(
    {"Herr", "Her", "Frau", "Dr", "Prof", "M", "Mme", "Me", "Don", "don", "Doña", "doña", "Sr", "Sra"}
)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    country: str | None
    org: str | None
    surname: str | None
    roles: tuple[tuple[str, date | None, date | None], ...]

    def role_on(self, day: date | None) -> str | None:
        if not self.roles:
            return None
        if day is not None:
            for role, start, end in self.roles:
                if (start is None or start <= day) and (end is None or day <= end):
                    return role
        # no date, or none in office then: the office held now, else the latest one (not the last listed)
        current = [r for r in self.roles if r[2] is None]
        return max(current or self.roles, key=lambda r: r[1] or date.min)[0]


@dataclass
class PersonMention:
    name: str
    role: str | None = None
    country_iso3: str | None = None
    actor_id: str | None = None
    offsets: list[int] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        return len(self.offsets)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "role": self.role, "country_iso3": self.country_iso3, "actor_id": self.actor_id,
            "mentions": self.mentions, "offsets": sorted(self.offsets),
        }  # fmt: skip


@dataclass(frozen=True)
class ActorIndex:
    automaton: Any  # ahocorasick.Automaton: alias -> (actor id, alias)
    actors: dict[str, Actor]
    by_surname: dict[str, tuple[str, ...]]


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)) if value else None


@lru_cache(maxsize=1)
def actor_index() -> ActorIndex:
    import ahocorasick

    data = read_yaml(CONFIG_DIR / "actors.yaml")
    automaton = ahocorasick.Automaton()
    actors: dict[str, Actor] = {}
    by_surname: dict[str, list[str]] = {}
    for entry in data["actors"]:
        roles = tuple((r["role"], _day(r.get("from")), _day(r.get("to"))) for r in entry.get("roles") or [])
        actor = Actor(entry["id"], entry["name"], entry.get("country"), entry.get("org"), entry.get("surname"), roles)
        actors[actor.id] = actor
        for alias in entry.get("aliases") or []:
            automaton.add_word(alias, (actor.id, alias))
        if actor.surname:
            by_surname.setdefault(actor.surname, []).append(actor.id)
    automaton.make_automaton()
    return ActorIndex(automaton, actors, {k: tuple(v) for k, v in by_surname.items()})


@lru_cache(maxsize=2)
def _starts_automaton(words: str) -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words.split():
        automaton.add_word(word, len(word))
    automaton.make_automaton()
    return automaton


def _anchored(pattern: re.Pattern[str], text: str, words: str, word_before: bool) -> list[re.Match[str]]:
    """pattern.finditer(text) for a pattern whose matches begin at one of `words` (or, with word_before, at the
    ASCII word one space before one): the same matches, tried only where they can start."""
    starts: set[int] = set()
    for end, length in _starts_automaton(words).iter(text):
        at = end - length + 1
        starts.add(at)
        if word_before and at > 1 and text[at - 1] == " ":
            first = at - 1
            while first > 0 and text[first - 1].isascii() and text[first - 1].isalpha():
                first -= 1
            if first < at - 1:
                starts.add(first)
    found: list[re.Match[str]] = []
    done = 0
    for at in sorted(starts):
        if at < done:
            continue
        match = pattern.match(text, at)
        if match is not None:
            found.append(match)
            done = match.end()
    return found


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(word)}\b")


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _pick_actor(index: ActorIndex, surname: str, day: date | None, seen: dict[str, PersonMention]) -> str | None:
    """The actor a bare surname means: one already named in the article, else the only one in office then."""
    candidates = index.by_surname.get(surname, ())
    named = [c for c in candidates if c in seen]
    if len(named) == 1:
        return named[0]
    if day is not None:
        in_office = [c for c in candidates if index.actors[c].role_on(day) and _serving(index.actors[c], day)]
        if len(in_office) == 1:
            return in_office[0]
        # a story from before an actor's first office is about someone else ("Stoltenberg" in 1987)
        candidates = tuple(c for c in candidates if not _before_career(index.actors[c], day))
    return candidates[0] if len(candidates) == 1 else None


def _before_career(actor: Actor, day: date) -> bool:
    starts = [start for _, start, _ in actor.roles]
    return bool(starts) and all(start is not None and day < start for start in starts)


def _serving(actor: Actor, day: date) -> bool:
    return any((s is None or s <= day) and (e is None or day <= e) for _, s, e in actor.roles)


def _person_shaped(tokens: list[str]) -> bool:
    """Whether a name-shaped run before "said" is a person: no organisation word, country or known body in it."""
    countries = _country_forms()
    # a country or city first ("British Airways", "Tokyo Electric"); later it may be a surname ("Jorge Lima")
    if tokens[0] in _NOT_FIRST or tokens[0] in countries or " ".join(tokens) in countries:
        return False
    if any(t in _ORG_WORDS for t in tokens):
        return False
    return not _is_organization(" ".join(tokens))


@lru_cache(maxsize=1)
def _country_forms() -> frozenset[str]:
    from tradewire.enrich.countries import country_matcher

    return frozenset(country_matcher().by_form)


def _is_organization(name: str) -> bool:
    from tradewire.enrich.organizations import organization_index

    index = organization_index()
    return any(index.cased.exists(form) for form in (name, name.upper())) or index.folded.exists(name.lower())


def _surname_shaped(word: str) -> bool:
    """A headline word that may be a surname: not a country, known organisation, group or role word."""
    folded = word.casefold()
    if len(folded) < 3 or folded in _HEAD_STOP or _COMPANY_SHAPED.search(folded):
        return False
    from tradewire.enrich.countries import country_matcher

    return word not in _country_forms() and not country_matcher().finditer(word) and not _is_organization(word)


def _alone_in_text(surname: str, text: str) -> bool:
    """Whether the text uses the word as a person: alone between lower-case words, and "he" or "she" follows."""
    for match in re.finditer(rf"\b{re.escape(surname)}\b", text):
        before = text[max(0, match.start() - 30) : match.start()].split()
        after = text[match.end() : match.end() + 200]
        if before and before[-1][:1].isupper() and not before[-1].endswith((".", ",", '"')):
            continue  # inside a longer name
        if re.match(r"['’]?s?\s+[A-Z]", after) or re.match(rf"['’]?s?\s+{_ORG_SUFFIX}", after):
            continue
        if _SAME_SENTENCE_PRONOUN.search(after):
            return True
    return False


def _headline_people(
    head: str, text: str, people: dict[str, PersonMention], claim: Callable[[str, str | None, int, bool], None]
) -> None:
    """The person a headline quotes ("TREASURY'S BAKER SAYS ...", "... - Poehl"), when nothing says it is not one.

    Headlines of short wire items are often all the text there is. A quoted single word is taken as a
    surname unless it is a country, a known organisation, a group or role word, an acronym in a mixed-case
    headline, or the body shows it as a company ("Chrysler Corp").
    """
    line = " ".join(head.split())
    shouting = not any(c.islower() for c in line)
    for pattern in (_HEADLINE_SUBJECT, _HEADLINE_SOURCE):
        match = pattern.search(line)
        if match is None:
            continue
        word = match.group(1)
        if (not shouting and word.isupper()) or (shouting and len(word) <= 3):
            continue  # an acronym: OPEC in a mixed-case headline, TWA in a capitalised one
        surname = word if not shouting else "-".join(part.capitalize() for part in word.split("-"))
        if not _surname_shaped(surname) or (pattern is _HEADLINE_SOURCE and _PLURAL.search(surname)):
            continue  # "- DEALERS", "- DELEGATES": the source is a group
        if any(p.name.split()[-1] == surname for p in people.values()):
            continue  # the body names this person in full; its mentions are counted there
        if text.strip() and not _alone_in_text(surname, text):
            continue  # the body has the word but not as a person ("Chrysler Corp", "Lloyds Shipping Intelligence")
        start = head.find(word) if head.find(word) >= 0 else 0
        claim(surname, None, start, True)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Common given names in German, French, Spanish and English (config/first_names.yaml)."""
    data = read_yaml(CONFIG_DIR / "first_names.yaml")
    return frozenset(word for words in data.values() for word in str(words).split())


def text_language(text: str) -> str:
    """ "de", "fr", "es" or "en" from a few function words near the start; English when unsure."""
    head = text[:1500].lower()
    if head.count(" the ") + head.count(" of ") + head.count(" and ") >= 6:
        return "en"  # the common case, decided in microseconds
    sample = f" {' '.join(text[:3000].lower().split())} "
    scores = {lang: sum(sample.count(f" {w} ") for w in words.split()) for lang, words in _LANGUAGE_WORDS.items()}
    best = max(("de", "fr", "es"), key=lambda lang: scores[lang])
    enough = scores[best] >= 3 or (scores[best] == 2 and not scores["en"])  # short texts: two and no English
    return best if enough and scores[best] > scores["en"] else "en"


def _given(word: str) -> bool:
    names = first_names()
    return word in names or word.split("-")[0] in names


def _plain(tokens: list[str], language: str) -> bool:
    """Whether name-shaped words may be a name: no function word, and in German no common noun's ending."""
    for token in tokens:
        if token.casefold() in _WORD_LANGUAGE or token in _NOT_NAMES or token in _NOT_LAST:
            return False
        if language == "de" and token[:1].isupper() and token.endswith(_NOUN_ENDINGS + _ADJECTIVE_ENDINGS):
            return False
    return True


def _trim(tokens: list[str], language: str) -> list[str]:
    """The name in a capitalised run: from its given name (if any), through particles to one surname; German
    takes a second given name ("Karl Otto Pöhl"), French and Spanish up to three words ("Pedro Sánchez Pérez")."""
    start = next((i for i, t in enumerate(tokens[:-1]) if _given(t)), None)
    if start is None:
        while len(tokens) > 1 and (tokens[0].casefold() in _WORD_LANGUAGE or tokens[0] in _F_LEAD):
            tokens = tokens[1:]
    else:
        tokens = tokens[start:]
    kept, words = tokens[:1], 1
    for token in tokens[1:]:
        kept.append(token)
        if token[:1].isupper():
            words += 1
            if language == "de" and not _given(token):
                break
            if words >= 3:
                break
    while kept and not kept[-1][:1].isupper():
        kept.pop()
    return kept


def _foreign_people(
    text: str, language: str, index: ActorIndex, claim: Callable[[str, str | None, int, bool], None]
) -> None:
    """People in German, French or Spanish text: after a title, before a role apposition, or by a given name."""

    def take(tokens: list[str], role: str | None, at: int, cue: bool) -> None:
        if len(tokens) == 1 or (cue and tokens[0] in index.by_surname and not _given(tokens[0])):
            # "Präsident Trump Zölle ...": a known surname, not the noun after it
            claim(tokens[0], role, text.find(tokens[0], at), False)
        elif _given(tokens[0]) or (cue and _plain(tokens, language)):
            claim(" ".join(tokens), role, text.find(tokens[0], at), False)

    for match in _F_TITLED[language].finditer(text):
        role = match.group(1)
        tokens = _trim(match.group(2).split(), language)
        take(tokens, None if role.rstrip(".n") in _HONORIFICS else role, match.start(2), True)
    for match in _F_APPOSITION[language].finditer(text):
        tokens = _trim(match.group(1).split(), language)
        take(tokens, " ".join(match.group(2).split()), match.start(1), len(tokens) == 2)
    end = 0
    for match in _F_FIRST.finditer(text):
        if match.start() < end or not _given(match.group()):
            continue  # "José" inside "María José Pérez" is no name of its own
        name = _F_NAME_AT.match(text, match.start())
        if name is None:
            continue
        tokens = _trim(name.group().split(), language)
        end = text.find(tokens[-1], match.start()) + len(tokens[-1])
        if len(tokens) > 1 and _plain(tokens[1:], language) and not _NAMED_BODY.match(text, end):
            claim(" ".join(tokens), None, match.start(), False)


def find_people(
    title: str | None, text: str, published: date | None = None, authors: list[str] | tuple[str, ...] = ()
) -> list[PersonMention]:
    index = actor_index()
    head = (title or "").strip()
    full = f"{head}\n\n{text}" if head else text
    shift = len(full) - len(text)  # offsets are given in the text, as for countries: title hits get negative ones
    people: dict[str, PersonMention] = {}  # actor id or discovered full name -> mention
    covered: list[tuple[int, int]] = []

    def add(key: str, mention: PersonMention, start: int) -> None:
        existing = people.setdefault(key, mention)
        if start - shift not in existing.offsets:
            existing.offsets.append(start - shift)

    for end, (actor_id, alias) in index.automaton.iter(full):
        start = end - len(alias) + 1
        if not _bounded(full, start, end + 1) or any(s <= start < e for s, e in covered):
            continue
        covered.append((start, end + 1))
        actor = index.actors[actor_id]
        role = actor.role_on(published)
        add(actor_id, PersonMention(actor.name, role, actor.country, actor.id), start)

    def claim(name: str, role: str | None, start: int, bare: bool = False) -> None:
        if any(s < start + len(name) and start < e for s, e in covered):
            return
        tokens = name.split()
        while tokens and tokens[0] in _NOT_NAMES:
            tokens = tokens[1:]
        while tokens and tokens[-1] in _NOT_LAST:
            tokens = tokens[:-1]
        if not tokens:
            return
        while len(tokens) > 1 and tokens[0] in _TITLE_WORDS:
            tokens = tokens[1:]
        if not _person_shaped(tokens):
            return
        surname = tokens[-1]
        actor_id = _pick_actor(index, surname, published, people)
        if actor_id is not None and len(tokens) > 1 and " ".join(tokens) != index.actors[actor_id].name:
            actor_id = None  # a full name the dictionary does not list: another person of that surname
        if actor_id is not None and (len(tokens) == 1 or surname == index.actors[actor_id].surname):
            actor = index.actors[actor_id]
            add(actor_id, PersonMention(actor.name, actor.role_on(published), actor.country, actor.id), start)
            return
        known = next((k for k, p in people.items() if p.actor_id is None and p.name.split()[-1] == surname), None)
        if len(tokens) == 1 and known is None and not bare and not (role and _FORMAL.search(role)):
            return  # a bare surname nobody introduced, without a formal office before it: too weak to keep
        key = known or " ".join(tokens)
        add(key, PersonMention(" ".join(tokens), role), start)

    for match in _anchored(_TITLED, full, _TITLE_STARTS, True):
        role = match.group(1)
        claim(match.group(2), None if role.rstrip(".") in {"Mr", "Mrs", "Ms", "Dr"} else role, match.start(2))
    for pattern in (_SAID_APPOSITION, _APPOSITION_SAID, _APPOSITION_OFFICE):
        if pattern is _APPOSITION_SAID and ", said" not in full:
            continue  # the pattern ends with it: skip the scan
        for match in pattern.finditer(full):
            claim(match.group(1), " ".join(match.group(2).split()), match.start(1))
    if "said" in full:
        for match in _SAID_ROLE.finditer(full):
            role = None if match.group(2) else " ".join(match.group(3).split())
            claim(match.group(1), role, match.start(1), bare=False)
    if ", who" in full:
        for match in _WHO.finditer(full):
            claim(match.group(1), None, match.start(1))
    for match in _anchored(_ROLE_OF, full, _OFFICE_STARTS, False):
        group = 2 if match.group(2) else 3
        if group == 3 and _APPOSITIVE_BEFORE.search(full[max(0, match.start() - 8) : match.start()]):
            continue
        claim(match.group(group), " ".join(match.group(1).split()), match.start(group))
    for verb in _SPEECH_AT.finditer(full):
        if verb.start() == 0 or not full[verb.start() - 1].isspace():
            continue
        before_verb = _NAME_BEFORE.search(full, max(0, verb.start() - 80), verb.start())
        if before_verb is None:
            continue
        name = before_verb.group(1)
        before = full[max(0, before_verb.start() - 4) : before_verb.start()]
        after = full[verb.end() : verb.end() + 200]
        if _JOINED.search(before) or not _person_shaped(name.split()):
            continue
        # companies "say" too ("Rank Xerox said"): a person has an initial, or is "he" or "she" right after
        if _INITIAL.search(name) or _PRONOUN.search(after):
            claim(name, None, before_verb.start(1))
    language = text_language(full)
    if language != "en":
        _foreign_people(full, language, index, claim)
    if head:
        _headline_people(head, text, people, claim)
    # later bare surnames of people already found count as mentions of them
    for key, person in list(people.items()):
        surname = index.actors[key].surname if person.actor_id else person.name.split()[-1]
        if not surname or len(surname) < 3:
            continue
        taken = [(o, o + len(p.name)) for p in people.values() for o in p.offsets]
        for match in _word_pattern(surname).finditer(full):
            at = match.start() - shift
            if not any(s <= match.start() < e for s, e in covered) and not any(s <= at < e for s, e in taken):
                person.offsets.append(at)
    excluded = {a.casefold() for a in authors}
    found = [p for p in people.values() if p.name.casefold() not in excluded]
    return sorted(found, key=lambda p: (-p.mentions, p.name))
