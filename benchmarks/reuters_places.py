"""Reuters-21578 label vocabularies mapped to what the enrich stage emits (used by benchmarks/enrich_bench.py).

REUTERS_PLACE_TO_ISO3 maps every string of all-places-strings.lc.txt (175) to an ISO 3166-1 alpha-3 code, reviewed
by hand. The stories are from 1987, so states that no longer exist get the code they had then, from ISO 3166-3
(pycountry.historic_countries): ussr SUN, east-germany DDR, yugoslavia YUG, czechoslovakia CSK, yemen-demo-republic
YMD, zaire ZAR, burma BUR, netherlands-antilles ANT. The enrich stage emits modern codes only, so scoring compares
modern_iso3(code), which applies MODERN_EQUIVALENT. A place that is not a country or territory would map to None and
be ignored; the Reuters list has none: besides the states of 1987 it holds only dependent territories with their own
ISO codes (hong-kong, macao, guam, bermuda, martinique ...).

REUTERS_ORG_NAMES gives the names an organisation detector may print for each of the 56 ORGS labels.
"""

from __future__ import annotations

REUTERS_PLACE_TO_ISO3: dict[str, str | None] = {
    "afghanistan": "AFG",
    "albania": "ALB",
    "algeria": "DZA",
    "american-samoa": "ASM",  # US territory
    "andorra": "AND",
    "angola": "AGO",
    "anguilla": "AIA",  # UK territory
    "antigua": "ATG",  # Antigua and Barbuda
    "argentina": "ARG",
    "aruba": "ABW",  # separate from the Netherlands Antilles since 1986
    "australia": "AUS",
    "austria": "AUT",
    "bahamas": "BHS",
    "bahrain": "BHR",
    "bangladesh": "BGD",
    "barbados": "BRB",
    "belgium": "BEL",
    "belize": "BLZ",
    "benin": "BEN",
    "bermuda": "BMU",  # UK territory
    "bhutan": "BTN",
    "bolivia": "BOL",
    "botswana": "BWA",
    "brazil": "BRA",
    "british-virgin-islands": "VGB",
    "brunei": "BRN",
    "bulgaria": "BGR",
    "burkina-faso": "BFA",
    "burma": "BUR",  # ISO code until 1989; Myanmar today (MODERN_EQUIVALENT)
    "burundi": "BDI",
    "cameroon": "CMR",
    "canada": "CAN",
    "cape-verde": "CPV",
    "cayman-islands": "CYM",
    "central-african-republic": "CAF",
    "chad": "TCD",
    "chile": "CHL",
    "china": "CHN",
    "colombia": "COL",
    "congo": "COG",  # Congo-Brazzaville; Congo-Kinshasa is "zaire" below
    "costa-rica": "CRI",
    "cuba": "CUB",
    "cyprus": "CYP",
    "czechoslovakia": "CSK",  # historic; Czechia today (MODERN_EQUIVALENT)
    "denmark": "DNK",
    "djibouti": "DJI",
    "dominica": "DMA",
    "dominican-republic": "DOM",
    "east-germany": "DDR",  # historic; part of Germany since 1990
    "ecuador": "ECU",
    "egypt": "EGY",
    "el-salvador": "SLV",
    "equatorial-guinea": "GNQ",
    "ethiopia": "ETH",
    "fiji": "FJI",
    "finland": "FIN",
    "france": "FRA",
    "french-guiana": "GUF",  # French overseas department
    "gabon": "GAB",
    "gambia": "GMB",
    "ghana": "GHA",
    "gibraltar": "GIB",  # UK territory
    "greece": "GRC",
    "grenada": "GRD",
    "guadeloupe": "GLP",  # French overseas department
    "guam": "GUM",  # US territory
    "guatemala": "GTM",
    "guinea": "GIN",
    "guinea-bissau": "GNB",
    "guyana": "GUY",
    "haiti": "HTI",
    "honduras": "HND",
    "hong-kong": "HKG",
    "hungary": "HUN",
    "iceland": "ISL",
    "india": "IND",
    "indonesia": "IDN",
    "iran": "IRN",
    "iraq": "IRQ",
    "ireland": "IRL",
    "israel": "ISR",
    "italy": "ITA",
    "ivory-coast": "CIV",
    "jamaica": "JAM",
    "japan": "JPN",
    "jordan": "JOR",
    "kampuchea": "KHM",  # Cambodia; the code did not change
    "kenya": "KEN",
    "kuwait": "KWT",
    "laos": "LAO",
    "lebanon": "LBN",
    "lesotho": "LSO",
    "liberia": "LBR",
    "libya": "LBY",
    "liechtenstein": "LIE",
    "luxembourg": "LUX",
    "macao": "MAC",
    "madagascar": "MDG",
    "malawi": "MWI",
    "malaysia": "MYS",
    "mali": "MLI",
    "malta": "MLT",
    "martinique": "MTQ",  # French overseas department
    "mauritania": "MRT",
    "mauritius": "MUS",
    "mexico": "MEX",
    "monaco": "MCO",
    "morocco": "MAR",
    "mozambique": "MOZ",
    "namibia": "NAM",  # South West Africa in 1987; the code NAM was already assigned
    "nepal": "NPL",
    "netherlands": "NLD",
    "netherlands-antilles": "ANT",  # dissolved 2010 (MODERN_EQUIVALENT)
    "new-caledonia": "NCL",
    "new-zealand": "NZL",
    "nicaragua": "NIC",
    "niger": "NER",
    "nigeria": "NGA",
    "north-korea": "PRK",
    "norway": "NOR",
    "oman": "OMN",
    "pakistan": "PAK",
    "panama": "PAN",
    "papua-new-guinea": "PNG",
    "paraguay": "PRY",
    "peru": "PER",
    "philippines": "PHL",
    "poland": "POL",
    "portugal": "PRT",
    "qatar": "QAT",
    "romania": "ROU",
    "rwanda": "RWA",
    "saudi-arabia": "SAU",
    "senegal": "SEN",
    "seychelles": "SYC",
    "sierra-leone": "SLE",
    "singapore": "SGP",
    "somalia": "SOM",
    "south-africa": "ZAF",
    "south-korea": "KOR",
    "spain": "ESP",
    "sri-lanka": "LKA",
    "sudan": "SDN",
    "suriname": "SUR",
    "swaziland": "SWZ",  # Eswatini
    "sweden": "SWE",
    "switzerland": "CHE",
    "syria": "SYR",
    "taiwan": "TWN",
    "tanzania": "TZA",
    "thailand": "THA",
    "togo": "TGO",
    "tonga": "TON",
    "trinidad-tobago": "TTO",
    "tunisia": "TUN",
    "turkey": "TUR",
    "uae": "ARE",
    "uganda": "UGA",
    "uk": "GBR",
    "uruguay": "URY",
    "us-virgin-islands": "VIR",
    "usa": "USA",
    "ussr": "SUN",  # historic; Russia is the successor state (MODERN_EQUIVALENT)
    "vanuatu": "VUT",
    "vatican": "VAT",
    "venezuela": "VEN",
    "vietnam": "VNM",
    "west-germany": "DEU",  # the Federal Republic already had DEU
    "western-samoa": "WSM",  # Samoa
    "yemen-arab-republic": "YEM",  # North Yemen held YEM; unified Yemen kept it
    "yemen-demo-republic": "YMD",  # South Yemen, historic (MODERN_EQUIVALENT)
    "yugoslavia": "YUG",  # historic; Serbia is the legal successor (MODERN_EQUIVALENT)
    "zaire": "ZAR",  # historic; DR Congo today (MODERN_EQUIVALENT)
    "zambia": "ZMB",
    "zimbabwe": "ZWE",
}

# historic code -> the modern code the enrich stage would emit for the same place
MODERN_EQUIVALENT: dict[str, str] = {
    "SUN": "RUS",
    "DDR": "DEU",
    "YUG": "SRB",
    "CSK": "CZE",
    "YMD": "YEM",
    "ZAR": "COD",
    "BUR": "MMR",
    "ANT": "CUW",  # Curacao, which holds the former capital Willemstad and most of the population
}


def modern_iso3(code: str) -> str:
    return MODERN_EQUIVALENT.get(code, code)


def gold_countries(places: list[str] | tuple[str, ...]) -> set[str]:
    """Modern ISO3 codes of a story's PLACES; places mapping to None (none today) and unknown strings are ignored."""
    codes = (REUTERS_PLACE_TO_ISO3.get(place) for place in places)
    return {modern_iso3(code) for code in codes if code}


# ORGS label -> names a detector may print for it (matched after folding, see enrich_bench.org_found)
REUTERS_ORG_NAMES: dict[str, tuple[str, ...]] = {
    "adb-africa": ("African Development Bank", "AfDB"),
    "adb-asia": ("Asian Development Bank", "ADB"),
    "aibd": ("Association of International Bond Dealers", "AIBD"),
    "aid": ("Agency for International Development", "USAID", "AID"),
    "anrpc": ("Association of Natural Rubber Producing Countries", "ANRPC"),
    "asean": ("Association of Southeast Asian Nations", "Association of South East Asian Nations", "ASEAN"),
    "atpc": ("Association of Tin Producing Countries", "ATPC"),
    "bis": ("Bank for International Settlements", "BIS"),
    "cipec": ("Intergovernmental Council of Copper Exporting Countries", "CIPEC"),
    "comecon": ("Comecon", "Council for Mutual Economic Assistance", "CMEA"),
    "ec": (
        "European Community",
        "European Communities",
        "European Economic Community",
        "European Commission",
        "Common Market",
        "EC",
        "EEC",
    ),
    "eca": ("Economic Commission for Africa", "ECA"),
    "ecafe": ("Economic Commission for Asia and the Far East", "ECAFE"),
    "ece": ("Economic Commission for Europe", "ECE"),
    "ecla": ("Economic Commission for Latin America", "ECLA", "ECLAC"),
    "ecsc": ("European Coal and Steel Community", "ECSC"),
    "ecwa": ("Economic Commission for Western Asia", "ECWA"),
    "efta": ("European Free Trade Association", "EFTA"),
    "eib": ("European Investment Bank", "EIB"),
    "emcf": ("European Monetary Cooperation Fund", "EMCF"),
    "escap": ("Economic and Social Commission for Asia and the Pacific", "ESCAP"),
    "euratom": ("European Atomic Energy Community", "Euratom"),
    "fao": ("Food and Agriculture Organization", "FAO"),
    "gatt": ("General Agreement on Tariffs and Trade", "GATT"),
    "gcc": ("Gulf Cooperation Council", "GCC"),
    "geplacea": ("Group of Latin American and Caribbean Sugar Exporting Countries", "GEPLACEA"),
    "iaea": ("International Atomic Energy Agency", "IAEA"),
    "iata": ("International Air Transport Association", "IATA"),
    "icco": ("International Cocoa Organization", "ICCO"),
    "ico-coffee": ("International Coffee Organization", "ICO"),
    "ico-islam": ("Islamic Conference Organization", "Organization of the Islamic Conference", "OIC"),
    "ida": ("International Development Association", "IDA"),
    "iea": ("International Energy Agency", "IEA"),
    "iisi": ("International Iron and Steel Institute", "IISI"),
    "ilo": ("International Labor Organization", "ILO"),
    "ilzsg": ("International Lead and Zinc Study Group", "ILZSG"),
    "imco": ("Inter-Governmental Maritime Consultative Organization", "International Maritime Organization", "IMCO"),
    "imf": ("International Monetary Fund", "IMF"),
    "inro": ("International Natural Rubber Organization", "INRO"),
    "irsg": ("International Rubber Study Group", "IRSG"),
    "isa": ("International Sugar Agreement", "International Sugar Organization", "ISA"),
    "itc": ("International Tin Council", "ITC"),
    "iwc-whale": ("International Whaling Commission",),
    "iwc-wheat": ("International Wheat Council",),
    "iwcc": ("International Wrought Copper Council", "IWCC"),
    "iws": ("International Wool Secretariat", "IWS"),
    "iwto": ("International Wool Textile Organization", "IWTO"),
    "lafta": ("Latin American Free Trade Association", "Latin American Integration Association", "LAFTA", "ALADI"),
    "mfa": ("Multi-Fibre Arrangement", "Multifibre Arrangement", "Multi-Fiber Arrangement", "MFA"),
    "oapec": ("Organization of Arab Petroleum Exporting Countries", "OAPEC"),
    "oecd": ("Organization for Economic Cooperation and Development", "OECD"),
    "opec": ("Organization of Petroleum Exporting Countries", "OPEC"),
    "un": ("United Nations", "UN", "U.N."),
    "unctad": ("United Nations Conference on Trade and Development", "UNCTAD"),
    "who": ("World Health Organization", "WHO"),
    "worldbank": ("World Bank", "International Bank for Reconstruction and Development", "IBRD"),
}
