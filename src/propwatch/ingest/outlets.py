"""News outlets an article cites: a curated gazetteer plus "the newspaper X" / "news agency X" patterns.

Matching is case-sensitive (so "AP" and "RT" do not hit ordinary words) and insensitive to accents,
apostrophe and dash styles ("El País" = "El Pais", "Agence France-Presse" = "Agence France Presse").
Each outlet has one canonical name, the spelling English-language news uses most (hence "El Pais").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# canonical name -> other ways texts write it (the canonical name always matches too).
OUTLETS: dict[str, tuple[str, ...]] = {
    # --- international news agencies ---
    "Reuters": ("Thomson Reuters",),
    "Associated Press": ("AP", "AP News", "The Associated Press"),
    "AFP": ("Agence France-Presse", "Agence France Presse"),
    "dpa": ("Deutsche Presse-Agentur", "DPA"),
    "ANSA": (),
    "EFE": ("Agencia EFE",),
    "Europa Press": (),
    "Xinhua": ("Xinhua News Agency", "Синьхуа"),
    "Kyodo": ("Kyodo News",),
    "Yonhap": ("Yonhap News Agency",),
    "Anadolu Agency": ("Anadolu Ajansı", "Anadolu"),
    "UPI": ("United Press International",),
    "PAP": ("Polish Press Agency", "Polska Agencja Prasowa"),
    "Ukrinform": ("Укрінформ", "Укрінформ"),
    "UNIAN": ("УНІАН",),
    "Interfax-Ukraine": ("Інтерфакс-Україна",),
    "IRNA": (),
    "Tasnim": ("Tasnim News Agency",),
    "Fars": ("Fars News Agency",),
    "Mehr": ("Mehr News Agency",),
    "SANA": ("Syrian Arab News Agency",),
    "KCNA": ("Korean Central News Agency",),
    "PTI": ("Press Trust of India",),
    "ANI": ("Asian News International",),
    "Bernama": (),
    "Prensa Latina": (),
    "Lusa": ("Agência Lusa",),
    "Belga": (),
    "APA": ("Austria Presse Agentur",),
    "CTK": ("ČTK", "Czech News Agency"),
    "BTA": ("Bulgarian News Agency",),
    "Agerpres": (),
    "Tanjug": (),
    "MTI": ("Hungarian News Agency",),
    "WAFA": (),
    # --- Russia ---
    "TASS": ("ITAR-TASS", "ТАСС", "ИТАР-ТАСС"),
    "RIA Novosti": ("RIA", "РИА Новости", "РИА «Новости»"),
    "Sputnik": ("Sputnik News", "Sputnik International"),
    "RT": ("Russia Today", "RT News"),
    "Interfax": ("Интерфакс",),
    "Izvestia": ("Izvestiya", "Известия"),
    "Kommersant": ("Коммерсант", "Коммерсантъ"),
    "Rossiyskaya Gazeta": (
        "Rossiiskaya Gazeta",
        "Российская газета",
        "Российской газете",
        "Российской газеты",
    ),
    "Komsomolskaya Pravda": ("Комсомольская правда", "Комсомольской правде", "Комсомольской правды"),
    "Moskovsky Komsomolets": ("Московский комсомолец",),
    "Vedomosti": ("Ведомости",),
    "Novaya Gazeta": ("Новая газета", "Новой газете", "Новой газеты"),
    "Nezavisimaya Gazeta": ("Независимая газета",),
    "Argumenty i Fakty": ("Аргументы и факты",),
    "Pravda": ("Pravda.ru",),
    "RBC": ("РБК", "RBK"),
    "Meduza": (),
    "Lenta.ru": ("Лента.ру",),
    "Gazeta.ru": ("Газета.ру",),
    "Regnum": ("Регнум", "ИА Регнум"),
    "Channel One": ("Channel One Russia", "Первый канал"),
    "Rossiya 24": ("Россия 24",),
    "NTV": ("НТВ",),
    "REN TV": ("РЕН ТВ",),
    "Tsargrad": ("Царьград",),
    "EurAsia Daily": (),
    "News Front": ("NewsFront",),
    "SouthFront": ("South Front",),
    "Strategic Culture Foundation": (),
    "Rossa Primavera News Agency": ("Rossa Primavera", "Красная весна", "ИА Красная весна"),
    # --- Ukraine, Belarus ---
    "Ukrainska Pravda": ("Українська правда",),
    "Kyiv Independent": ("The Kyiv Independent",),
    "Kyiv Post": ("The Kyiv Post",),
    "BelTA": (),
    # --- United States ---
    "The New York Times": ("New York Times", "NYT", "NY Times"),
    "The Washington Post": ("Washington Post", "WaPo"),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "USA Today": (),
    "Los Angeles Times": ("LA Times", "L.A. Times"),
    "Chicago Tribune": (),
    "The Boston Globe": ("Boston Globe",),
    "New York Post": ("NY Post", "The New York Post"),
    "New York Daily News": (),
    "Politico": ("Politico Europe", "POLITICO"),
    "Axios": (),
    "The Hill": (),
    "Fox News": ("Fox News Channel", "FOX News"),
    "CNN": (),
    "MSNBC": (),
    "NBC News": ("NBC",),
    "CBS News": ("CBS",),
    "ABC News": (),
    "ABC": (),
    "NPR": ("National Public Radio",),
    "PBS": ("PBS NewsHour",),
    "Bloomberg": ("Bloomberg News",),
    "CNBC": (),
    "The Atlantic": (),
    "The New Yorker": (),
    "Newsweek": (),
    "Time": (),
    "Vox": (),
    "BuzzFeed News": ("BuzzFeed",),
    "HuffPost": ("Huffington Post", "The Huffington Post"),
    "Breitbart": ("Breitbart News",),
    "The Daily Caller": ("Daily Caller",),
    "The Federalist": (),
    "The Daily Wire": ("Daily Wire",),
    "Newsmax": (),
    "One America News": ("OAN", "One America News Network"),
    "The Intercept": (),
    "ProPublica": (),
    "Mother Jones": (),
    "The Nation": (),
    "National Review": (),
    "The Washington Times": ("Washington Times",),
    "Washington Examiner": ("The Washington Examiner",),
    "Business Insider": ("Insider",),
    "Vice News": ("Vice",),
    "The Daily Beast": ("Daily Beast",),
    "Slate": (),
    "Salon": (),
    "Forbes": (),
    "Foreign Policy": (),
    "Foreign Affairs": (),
    "The Epoch Times": ("Epoch Times",),
    "The Gateway Pundit": ("Gateway Pundit",),
    "InfoWars": ("Infowars",),
    "Zero Hedge": ("ZeroHedge",),
    "Voice of America": ("VOA",),
    "Radio Free Europe/Radio Liberty": ("Radio Free Europe", "RFE/RL", "Radio Liberty", "Радио Свобода"),
    "Stars and Stripes": (),
    "Miami Herald": (),
    "San Francisco Chronicle": (),
    "Yahoo News": (),
    "The Blaze": ("TheBlaze",),
    "RealClearPolitics": (),
    "C-SPAN": (),
    "Mediaite": (),
    # --- United Kingdom, Ireland ---
    "BBC": ("BBC News", "British Broadcasting Corporation", "Би-би-си"),
    "The Guardian": ("Guardian",),
    "The Observer": (),
    "The Times": ("The Times of London",),
    "The Sunday Times": ("Sunday Times",),
    "The Telegraph": ("Daily Telegraph", "The Daily Telegraph", "Telegraph"),
    "Financial Times": ("The Financial Times",),
    "The Independent": (),
    "Daily Mail": ("The Daily Mail", "MailOnline", "Mail Online", "Mail on Sunday"),
    "The Sun": (),
    "Daily Mirror": ("The Mirror",),
    "Daily Express": ("The Express",),
    "Evening Standard": ("London Evening Standard",),
    "The Economist": (),
    "Sky News": (),
    "ITV News": ("ITV",),
    "Channel 4 News": (),
    "The Spectator": (),
    "New Statesman": (),
    "The Irish Times": ("Irish Times",),
    "RTE": ("RTÉ",),
    # --- Germany, Austria, Switzerland ---
    "Der Spiegel": ("Spiegel", "Spiegel Online", "SPIEGEL"),
    "Die Zeit": ("Zeit Online",),
    "Die Welt": ("Welt am Sonntag",),
    "Bild": ("Bild-Zeitung", "BILD", "Bild am Sonntag"),
    "Frankfurter Allgemeine Zeitung": ("Frankfurter Allgemeine", "FAZ", "F.A.Z."),
    "Süddeutsche Zeitung": ("Sueddeutsche Zeitung", "SZ"),
    "Handelsblatt": (),
    "Deutsche Welle": ("DW",),
    "ARD": (),
    "ZDF": (),
    "Tagesschau": (),
    "Focus": ("Focus Online",),
    "Stern": (),
    "taz": ("die tageszeitung",),
    "Der Tagesspiegel": ("Tagesspiegel",),
    "n-tv": ("ntv",),
    "Berliner Zeitung": (),
    "Neue Zürcher Zeitung": ("NZZ", "Neue Zuercher Zeitung"),
    "Der Standard": (),
    "Die Presse": (),
    "Kronen Zeitung": ("Krone",),
    # --- France, Belgium ---
    "Le Monde": (),
    "Le Figaro": ("Figaro",),
    "Libération": ("Liberation",),
    "Les Echos": (),
    "Le Parisien": (),
    "L'Express": (),
    "Le Point": (),
    "L'Obs": ("Le Nouvel Obs", "Le Nouvel Observateur"),
    "Mediapart": (),
    "France 24": (),
    "Franceinfo": ("France Info",),
    "RFI": ("Radio France Internationale",),
    "BFMTV": ("BFM TV",),
    "TF1": (),
    "Ouest-France": (),
    "La Croix": (),
    "L'Humanité": (),
    "Le Journal du Dimanche": ("JDD",),
    "Marianne": (),
    "Valeurs actuelles": (),
    "Le Canard enchaîné": (),
    "Charlie Hebdo": (),
    "Le Soir": (),
    # --- Italy ---
    "Corriere della Sera": ("Corriere",),
    "La Repubblica": ("Repubblica",),
    "La Stampa": (),
    "Il Sole 24 Ore": (),
    "Il Fatto Quotidiano": (),
    "Il Giornale": (),
    "Il Messaggero": (),
    "RAI": ("Rai", "Rai News"),
    "Mediaset": (),
    "Libero": (),
    "Il Foglio": (),
    "Avvenire": (),
    "La Verità": (),
    "Il Manifesto": (),
    # --- Spain, Portugal, Latin America ---
    "El Pais": ("El País",),
    "El Mundo": (),
    "La Vanguardia": (),
    "El Confidencial": (),
    "elDiario.es": ("eldiario.es",),
    "RTVE": (),
    "La Razón": (),
    "El Periódico": (),
    "Público": (),
    "Clarín": (),
    "La Nación": (),
    "Folha de S.Paulo": ("Folha de São Paulo", "Folha"),
    "O Globo": (),
    "Telesur": ("teleSUR",),
    "Granma": (),
    # --- Poland ---
    "Gazeta Wyborcza": ("Wyborcza",),
    "Rzeczpospolita": (),
    "TVN24": ("TVN",),
    "Polsat": ("Polsat News",),
    "TVP": ("TVP Info",),
    "Onet": ("Onet.pl",),
    "Wirtualna Polska": ("WP.pl",),
    "Do Rzeczy": (),
    "Polityka": (),
    "Dziennik Gazeta Prawna": (),
    "Fakt": (),
    "Gazeta Polska": (),
    "wPolityce": ("wPolityce.pl",),
    # --- Middle East, Asia, Pacific, Canada, Europe-wide ---
    "Al Jazeera": ("Al-Jazeera", "Aljazeera"),
    "Al Arabiya": ("Al-Arabiya",),
    "Al Mayadeen": ("Al-Mayadeen",),
    "Haaretz": (),
    "The Times of Israel": ("Times of Israel",),
    "The Jerusalem Post": ("Jerusalem Post",),
    "Ynet": ("Ynetnews",),
    "Hürriyet": ("Hurriyet",),
    "Daily Sabah": (),
    "TRT World": ("TRT",),
    "Press TV": ("PressTV",),
    "Dawn": (),
    "The Hindu": (),
    "The Times of India": ("Times of India",),
    "Hindustan Times": (),
    "NDTV": (),
    "South China Morning Post": ("SCMP",),
    "Global Times": (),
    "China Daily": (),
    "CGTN": (),
    "People's Daily": ("Renmin Ribao",),
    "CCTV": (),
    "Yomiuri Shimbun": ("Yomiuri",),
    "Asahi Shimbun": ("Asahi",),
    "NHK": (),
    "The Japan Times": ("Japan Times",),
    "Nikkei": ("Nikkei Asia",),
    "The Korea Herald": ("Korea Herald",),
    "The Sydney Morning Herald": ("Sydney Morning Herald",),
    "The Australian": (),
    "CBC": ("CBC News",),
    "CTV News": ("CTV",),
    "The Globe and Mail": ("Globe and Mail",),
    "Toronto Star": (),
    "National Post": (),
    "Euronews": (),
    "EUobserver": (),
    "Euractiv": ("EurActiv",),
    "Kathimerini": (),
}

# Names that are also ordinary words or people (the Atlantic ocean, Vice President, das Bild, Michael
# Bloomberg…): they count only next to a cue such as "newspaper", "according to" or "reported".
_AMBIGUOUS_NAMES = (
    "The Atlantic|Time|The Hill|The Sun|The Nation|Vice|Insider|Slate|Salon|Bloomberg|Forbes|Bild|"
    "Focus|Stern|Krone|Die Welt|Die Zeit|Der Standard|Die Presse|Le Point|Marianne|Libero|Avvenire|"
    "Polityka|Fakt|Dawn|Público|The Independent|The Mirror|The Express|Guardian|Telegraph|Figaro|"
    "Corriere|Folha|Repubblica|Wyborcza|RIA|Anadolu|Fars|Mehr|Asahi|Yomiuri|Rai|Liberation|Spiegel|"
    "TVN|TRT|CTV|ITV|Granma|Pravda|Meduza|Mediaset|RBC|RBK|SZ|The Australian|Belga|Lusa|Tagesschau|"
    "taz|ntv|Stars and Stripes"
)
AMBIGUOUS: frozenset[str] = frozenset(_AMBIGUOUS_NAMES.split("|"))

_CUE_BEFORE = re.compile(
    r"(?<!\w)(?:newspaper|tabloid|daily|weekly|magazine|agency|outlet|broadcaster|channel|website|paper|"
    r"according\s+to|told|via|in|by|from|to|for|with|\(|«|\"|“|„|Zeitung|journal|quotidien|quotidiano|"
    r"diario|periódico|gazeta|газета|агентство|издание|телеканал)\s*(?:the\s+|der\s+|die\s+|le\s+|la\s+)?$",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"^\s*(?:['’]s\s+)?(?:\)|»|\"|”|newspaper|tabloid|daily|weekly|magazine|news\b|reported|reports|reporting|"
    r"wrote|writes|said|says|cited|quoted|published|journalist|correspondent|columnist|editor|report|article|"
    r"interview|berichtet|schreibt|schrieb|meldet|rapporte|écrit|scrive|riporta|informa|сообщает|пишет)",
    re.IGNORECASE,
)

_CUE_NOUNS = (
    r"newspaper|tabloid|weekly|magazine|news\s+agency|press\s+agency|information\s+agency|newswire|"
    r"broadcaster|TV\s+channel|television\s+channel|news\s+channel|news\s+outlet|media\s+outlet|news\s+site|"
    r"news\s+website|news\s+portal|journal|quotidien|hebdomadaire|l'agence|quotidiano|settimanale|l'agenzia|"
    r"diario|periódico|la\s+agencia|gazeta|dziennik|tygodnik|"
    r"agencja|Nachrichtenagentur|(?:\bthe|[A-Z][a-z]+(?:an|ish|ese|ch|i))\s+daily"
)
# Inner dots only ("Lenta.ru", "S.Paulo"): a trailing dot ends the sentence, and the name.
_NAME_TOKEN = r"(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ][\w'’-]*(?:\.\w+)*|\d+)"
_CONNECTOR = r"(?:de|del|della|di|du|des|la|le|el|der|die|das|i|y|of|am|im)"
# "the Spanish newspaper El Pais", "news agency Rossa Primavera", "газета «Известия»".
_NAMED_BY_CUE = re.compile(
    rf"(?<!\w)(?:{_CUE_NOUNS})\s+(?:[«\"“„]([^»\"”“\n]{{2,60}})[»\"”“]|"
    rf"({_NAME_TOKEN}(?:\s+(?:{_CONNECTOR}\s+)?{_NAME_TOKEN}){{0,5}}))"
)
_RU_CUE = re.compile(
    r"(?:газет[аеыу]|агентств[аеоу]|издани[еяю]|телеканал[аеу]?|журнал[аеу]?)\s+«([^»\n]{2,60})»"
)
# A cue followed by these is ordinary prose ("the newspaper On Monday said"), not a name.
_ARTICLES = frozenset({"The", "A", "An"})
_PROSE_WORDS = (
    "The|A|An|On|In|At|As|It|He|She|They|We|This|That|These|Those|Monday|Tuesday|Wednesday|Thursday|"
    "Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|"
    "November|December|But|And|Or|Also|However"
)
_NOT_NAMES: frozenset[str] = frozenset(_PROSE_WORDS.split("|"))


def _fold(text: str) -> str:
    """Drop accents and unify apostrophes and dashes; the length may change, the case does not."""
    return _fold_with_map(text)[0]


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in "’‘ʼ":
        return "'"
    if ch in "‐‑‒–—":
        return "-"
    return "".join(part for part in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(part))


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character."""
    if text.isascii():  # the common case needs no folding: skip the per-character work
        return text, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = ch if ch.isascii() else _fold_char(ch)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", " ", _fold(name)).strip()


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[re.Pattern[str], dict[str, str]]:
    canonical_of: dict[str, str] = {}
    for canonical, aliases in OUTLETS.items():
        for alias in (canonical, *aliases):
            canonical_of[_key(alias)] = canonical
            # Upper-case datelines and headlines ("(REUTERS)"); short names stay exact to avoid acronyms.
            if len(alias) >= 5 and alias not in AMBIGUOUS:
                canonical_of.setdefault(_key(alias.upper()), canonical)
    alternatives = sorted(canonical_of, key=len, reverse=True)
    body = "|".join(re.escape(alias).replace(r"\ ", r"[\s-]+") for alias in alternatives)
    # No match inside a word, nor "RT @user" (a retweet marker).
    pattern = re.compile(rf"(?<![\w.@/])(?:{body})(?![\w@]|\.\w|\s*@)")
    return pattern, canonical_of


def canonical_outlet(name: str) -> str | None:
    """The canonical name of a known outlet written as ``name``, or None."""
    return _gazetteer()[1].get(_key(name.strip().rstrip(".")))


def find_quoted_outlets(text: str) -> tuple[str, ...]:
    """Outlets ``text`` cites, canonical names, deduplicated, in order of first mention."""
    folded, origin = _fold_with_map(text)
    origin.append(len(text))  # so an end offset maps too
    pattern, canonical_of = _gazetteer()
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        key = _key(match.group(0))
        canonical = canonical_of[key]
        surface = next(
            (alias for alias in (canonical, *OUTLETS[canonical]) if _key(alias) == key), match.group(0)
        )
        if surface in AMBIGUOUS and not _has_cue(folded, match.start(), match.end()):
            continue
        start, end = origin[match.start()], origin[match.end()]
        found.append((start, canonical))
        taken.append((start, end))
    # Cue patterns run on the original text, so unknown names keep their own spelling.
    for start, name in _named_by_cue(text):
        if any(start < end and start >= begin for begin, end in taken):
            continue
        found.append((start, canonical_outlet(name) or name))
    found.sort(key=lambda item: item[0])
    return tuple(dict.fromkeys(name for _, name in found))


def _has_cue(folded: str, start: int, end: int) -> bool:
    before = folded[max(0, start - 40) : start]
    after = folded[end : end + 30]
    return bool(_CUE_BEFORE.search(before) or _CUE_AFTER.match(after))


def _named_by_cue(text: str) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for match in _NAMED_BY_CUE.finditer(text):
        group = 1 if match.group(1) else 2
        name = match.group(group).strip().rstrip(".,;:'’")
        tokens = name.split()
        if not tokens or not any(ch.isalpha() for ch in name):
            continue
        if tokens[0] in _NOT_NAMES and (len(tokens) == 1 or tokens[0] not in _ARTICLES):
            continue
        names.append((match.start(group), name))
    for match in _RU_CUE.finditer(text):
        names.append((match.start(1), match.group(1).strip()))
    return names
