"""Page furniture in scraped plain text: what a page prints around an article that is no part of it.

* Boilerplate lines: share, subscribe and support calls, comment counts and forms, cookie notices,
  advertising labels, reaction buttons ("Mi piace · Commenta · Condividi"), tag lines, in the corpus
  languages and in es, pt, nl, ro, sr, uk, be, ar (no models read them, their pages are read all the
  same), also behind an emoji. Whole short lines only: "Die Anzeige wurde erstattet." is prose.
* Share bars: runs of platform names or menu words behind bullets (:func:`share_bar`).
* Teasers of other articles ("Read also: …", "Lire aussi") and the headlines a teaser label lists
  under it (:func:`teaser_list`).
* End markers ("Leave a Reply", "Commenti"): below them a page holds comments and other headlines.
* Section labels over a headline ("Politics", "Société", "Esteri"): the site's menu, no headline.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from itertools import groupby

_SOCIAL = (
    r"(?:facebook|twitter|x|telegram|whatsapp|linkedin|reddit|pinterest|email|e-mail|vk|vkontakte|tumblr"
    r"|print|вконтакте|одноклассники|телеграм|viber|мой\s+мир|flipboard|threads|bluesky"
    # Serbian, Ukrainian and Arabic spell them in their script ("Подели на Фејсбуку", "شارك على فيسبوك")
    r"|фејсбук|фејсбуку|твитер|твитеру|фейсбук|фейсбуці|твіттер|فيسبوك|فيس\s+بوك|تويتر|واتساب|تيليغرام|تلغرام)"
)
# "Related", "Read more" and their translations in the corpus languages: a teaser line is such a label
# alone, or with a colon or dash and another headline; one that ends like a sentence is the article's prose.
_TEASER_LABELS = (
    r"related(?:\s+(?:posts?|articles?|stories|story|news|content|reading|coverage))?|read\s+(?:more|also|next)"
    r"|also\s+read|see\s+also|more\s+on\s+this(?:\s+story)?|recommended(?:\s+for\s+you)?|further\s+reading"
    r"|читайте(?:\s+также)?(?:\s+по\s+теме)?|(?:читать|смотрите)\s+также|также\s+читайте|см\.\s+также|по\s+теме"
    r"|(?:ещё|еще|больше)\s+по\s+теме"
    r"|lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|auch\s+interessant|siehe\s+auch|weiterlesen"
    r"|(?:à\s+)?lire\s+aussi|voir\s+aussi|sur\s+le\s+même\s+sujet|(?:à\s+)?lire\s+également"
    r"|czytaj\s+(?:też|także|również|więcej)|zobacz\s+(?:też|także|również)|przeczytaj\s+(?:też|także)"
    r"|leggi\s+(?:anche|pure)|vedi\s+anche|potrebbe\s+interessarti|approfondisci"
    # es, pt, nl, ro, sr, uk, be, ar: languages without models whose pages are read all the same
    r"|lee\s+también|lea\s+también|ver\s+también|te\s+puede\s+interesar|noticias\s+relacionadas"
    r"|leia\s+(?:também|mais|ainda)|veja\s+também|saiba\s+mais|lees\s+(?:ook|meer|verder)|zie\s+ook"
    r"|citește\s+(?:și|mai\s+mult)|citeste\s+si|vezi\s+(?:și|si)|pročitajte\s+(?:još|i)|procitajte\s+jos"
    r"|прочитајте\s+(?:још|и)|читайте\s+(?:також|більше)|також\s+читайте|дивіться\s+також"
    r"|чытайце\s+(?:таксама|яшчэ)|اقرأ\s+(?:أيضا|أيضاً|أيضًا|ايضا|المزيد)|إقرأ\s+أيضا|مواضيع\s+ذات\s+صلة"
)
_TEASER = re.compile(
    rf"^(?i:{_TEASER_LABELS})\s*(?::|[-–—|»›>]+)?\s*$|^(?i:{_TEASER_LABELS})\s*(?::|[-–—|»›>]+)\s*\S.{{0,200}}$"
)
SENTENCE_END = re.compile(r"[.…][\"'»”’)]*$")
# A sentence's end ("?" too ends a teaser's headline), or two sentences in one line.
_PROSE_END = re.compile(r"[.…!][\"'»”’)]*$|[.!?…][\"'»”’)]*\s+[A-ZА-ЯЁ]")


def is_teaser(line: str) -> bool:
    """A teaser of another article ("Related: …", "Читайте также: …"), not the article's own prose
    ("Смотрите — это школа номер 23. От неё остались только стены!")."""
    return _TEASER.match(line) is not None and not _PROSE_END.search(line)


# What a call points to: "@rybar", "https://t.me/rybar", "t.me/rybar".
_LINK = r"(?:@\w+|https?://\S+|(?:www\.)?t\.me/\S+)"
# A channel's link alone ("👉 https://t.me/rybar") is a call; a post's ("t.me/rybar/123") is a citation.
_CHANNEL_LINK = r"(?:https?://)?t\.me/(?:\+\S+|joinchat/\S+|\w+/?)"
# A card or phone number to send money to: "2202 2002 1234 5678 (Сбер)", "+7 912 345-67-89".
_NUMBER = r"(?:\d{4}(?:[ -]?\d{4}){3}|\+?\d(?:[\s()-]*\d){9,13})(?:\s*\([^()]{1,30}\))?"
# A call ends on what it points to, behind a colon or an emoji: "Наш канал: его заблокировали…" is prose.
_CALL_END = rf"\s*[:|–—-]?\s*(?:[^\w\s@+]+\s*)?(?:{_LINK}|{_NUMBER})"
_SUPPORT = (
    r"(?:поддержать|поддержите|підтримати|підтримайте)\s+(?:наш[уі]?\s+)?"
    r"(?:канал|проект|проєкт|автора|редакцию|редакцію)"
)
_OUR_CHANNEL = r"наш\s+(?:(?:telegram|телеграм)-?\s*)?канал(?:\s+(?:в|у)\s+(?:telegram|телеграм[еі]?))?"
# Share, subscribe and support calls in the corpus languages ("Поделиться:", "Abonnez-vous à notre lettre",
# "Подписывайтесь, чтобы быть в курсе", "Поддержать канал: …", "Наш канал: @…").
_SHARE_SUBSCRIBE = (
    r"(?:поделиться|поділитися|teilen|partager|condividi|udostępnij|compartir|compartilhar|partilhar|delen"
    r"|podeli|podelite|подели|distribuie|شارك|مشاركة|падзяліцца)\s*:?"
    # a call of nine words at most: "Подпишитесь на петицию о восстановлении школы — призывают…" is news
    r"|(?:подписывайтесь|подпишитесь|подпишись|підписуйтесь|підпишіться|підпишись)(?:\s*[,:;|–—-]?\s+\S+){0,8}!*"
    # the infinitive is a button ("Подписаться | Rybar"); "Подписаться под письмом готовы не все" is prose
    r"|(?:подписаться|підписатися)(?:\s+(?:на|до)(?:\s+\S+){1,7}|\s*[:|–—-]\s*\S+(?:\s+\S+){0,3})?"
    # a button names its channel after a bar ("Поддержать канал | Rybar"); a dash and a clause are prose
    rf"|{_SUPPORT}(?:{_CALL_END}|\s*\|\s*[^\s.|]+(?:\s+[^\s.|]+){{0,2}})?!*|{_OUR_CHANNEL}(?:{_CALL_END})?"
    r"|(?:abonnieren\s+sie|abonnez-vous|iscriviti|subskrybuj|zasubskrybuj)(?:\s+\S+){0,7}"
    # "Abonniert unseren Kanal: t.me/…"; "Abonniert haben das Blatt 2000 Leser." is prose
    rf"|(?:abonniert|abonniere)\s+(?:unseren|unsere|meinen|meine|den)\s+(?:telegram-?\s*)?(?:kanal|channel)"
    rf"(?:\s+(?:auf|bei|in)\s+telegram)?(?:{_CALL_END})?!*"
)
# Advertising labels: a line that is just the word ("Anzeige"); "Die Anzeige wurde erstattet." is prose.
_ADVERTISING = (
    r"advertisement|advertising|sponsored(?:\s+content)?|publicité|pubblicità|anzeige|werbung|reklama|реклама"
    r"|publicidad|publicidade|advertentie|publicitate|рэклама|إعلان"
)
# A platform as a share button names it, inflected in Polish and Russian ("na Facebooku", "в Одноклассниках").
_PLATFORM = rf"(?:{_SOCIAL}|одноклассник)\w*"
# "Partager sur Facebook", "Teilen auf X", "Udostępnij na Facebooku", "Поделиться в Telegram": platforms only.
_SHARE_ON = (
    r"(?:partager|condividi|teilen|udostępnij|поделиться|поділитися|поширити"
    r"|compartir|compartilhar|partilhar|deel|delen|podeli|podelite|подели|distribuie|شارك|падзяліцца)"
    rf"\s+(?:sur|su|auf|bei|via|über|na|w|в|во|на|у|en|no|em|op|pe|ў|على)\s+{_PLATFORM}(?:[\s,|/·•]+{_PLATFORM})*"
)
_REACTION = (
    r"(?:j[’']aime|like|mi\s+piace|gefällt\s+mir|lubię\s+to!?|нравится|подобається"
    r"|comment(?:er)?|commenta|kommentieren|komentuj|skomentuj|комментировать|коментувати|réagir|reagieren"
    r"|share|partager|condividi|teilen|udostępnij|поделиться|поділитися|поширити)"
)
# Facebook's buttons as a row ("Mi piace · Commenta · Condividi"); alone, a verb to comment ("Réagir").
# Two words need a bar or dot between them: "Comment partager" is French for "how to share".
_REACTIONS = (
    rf"{_REACTION}(?:\s*[·•|/]\s*{_REACTION})+|{_REACTION}(?:\s+{_REACTION}){{2,}}"
    r"|réagir|commenter|commenta|kommentieren|komentuj|skomentuj|комментировать|коментувати"
)
# Cookie notices: the site says it uses cookies ("Ta strona używa plików cookies. Akceptuję"); a banner
# only with a cue of its own (_BANNER_CUE) and no verb of saying (_SAYING): see :func:`_cookie_banner`.
_COOKIE_NOTICE = (
    r"(?:(?:we|this\s+(?:web)?site|our\s+(?:web)?site)\s+uses?\s+cookies"
    r"|(?:wir\s+(?:verwenden|nutzen|benutzen|setzen)|diese\s+(?:web)?seite\s+(?:verwendet|nutzt|benutzt))"
    r"(?:\s+\S+){0,3}?\s+cookies"
    r"|(?:ta|nasza|ten)\s+(?:strona|witryna|serwis)(?:\s+internetowa)?\s+(?:używa|wykorzystuje|stosuje|korzysta\s+z)"
    r"\s+(?:plików\s+)?(?:cookies?|ciasteczek)"
    r"|(?:ce|notre)\s+site(?:\s+(?:web|internet))?\s+utilise\s+des\s+cookies|nous\s+utilisons\s+des\s+cookies"
    r"|questo\s+sito(?:\s+web)?\s+(?:utilizza|usa)\s+(?:i\s+)?cookies?|(?:utilizziamo|usiamo)\s+(?:i\s+)?cookies?"
    r"|(?:мы\s+используем|(?:этот\s+)?сайт\s+использует)\s+(?:файлы\s+)?cookies?"
    r")\b.{0,400}"
)
# Consent buttons on their own line: "Accept all cookies", "Alle akzeptieren", "Akceptuję", "Tout accepter".
_COOKIE_BUTTON = (
    r"(?:accept|allow)(?:\s+all)?\s+cookies?.{0,60}|cookie\s+(?:settings|policy|preferences|consent).{0,60}"
    r"|(?:alle\s+)?(?:cookies\s+)?akzeptieren|akceptuj[ęe]?(?:\s+wszystkie)?"
    r"|(?:tout\s+)?accepter(?:\s+(?:et\s+fermer|tout|les\s+cookies))?|accetta(?:\s+tutti)?(?:\s+i\s+cookie)?"
    r"|принять(?:\s+все)?(?:\s+cookies?)?"
)
# What a banner says beside "we use cookies": its button, its purpose, consent by browsing, its settings.
_BANNER_CUE = re.compile(
    r"(?i)(?:^|[.!:|·•]\s*|\s[-–—|]\s*)"
    rf"(?:{_COOKIE_BUTTON}|ok(?:ay)?|got\s+it|i\s+agree|agree|zustimmen|einverstanden|verstanden"
    r"|j[’']accepte|d[’']accord|ho\s+capito|rozumiem|zgadzam\s+się|понятно|согласен|хорошо)[\s.!]*$"
    r"|\b(?:experience|improve|personali[sz]|analy[sz]|traffic|(?:cookie|privacy)\s+(?:policy|notice|settings)"
    r"|settings|preferences|by\s+(?:continuing|using|browsing|clicking)|you\s+(?:agree|consent|accept)"
    r"|learn\s+more|more\s+info|find\s+out\s+more|your\s+consent|ihre[rn]?\s+(?:einwilligung|zustimmung)"
    r"|votre\s+consentement|(?:il\s+)?tuo\s+consenso|(?:twoj[aą]|twoją)\s+zgod[aęy]|ваше\s+согласие"
    r"|erlebnis|erfahrung|verbessern|optimal|datenschutz\w*|einstellungen|zustimm\w*|stimmen\s+sie"
    r"|mehr\s+erfahren|weitere\s+informationen|nutzung\s+(?:der|dieser)"
    r"|expérience|améliorer|en\s+poursuivant|vous\s+acceptez|paramétr\w*|paramètres|gérer|confidentialité"
    r"|en\s+savoir\s+plus|mesure\s+d[’']audience"
    r"|esperienza|miglior\w*|continuando|acconsenti\w*|impostazioni|preferenze|informativa|maggiori\s+informazioni"
    r"|doświadcze\w*|ustawie\w*|polityk\w*\s+prywatności|korzystając|więcej\s+informacji|dowiedz\s+się"
    r"|удобств\w*|улучшени\w*|продолжая|соглашаетесь|настройк\w*|политик\w*\s+конфиденциальности|подробнее)\b"
)
# Verbs of saying: "Wir verwenden Cookies nur mit Einwilligung, sagte ein Sprecher." is news, no banner.
_SAYING = re.compile(
    r"(?i)\b(?:said|says|told|added|stated|explained|replied|insisted|wrote"
    r"|sagte|sagt|erklärte|betonte|teilte|versicherte|antwortete|hieß\s+es"
    r"|a\s+(?:dit|déclaré|répondu|affirmé|expliqué|assuré|indiqué|précisé|souligné|ajouté)"
    r"|ha\s+(?:detto|dichiarato|spiegato|affermato|risposto|sottolineato|precisato|assicurato|aggiunto)"
    r"|powiedział[ao]?|oświadczył[ao]?|stwierdził[ao]?|zapewnił[ao]?|odpowiedział[ao]?|dodał[ao]?"
    r"|заявил[аи]?|сказал[аи]?|сообщил[аи]?|ответил[аи]?|пояснил[аи]?|по\s+словам)\b"
)
# Comment sections: "12 comments", "2 thoughts on “Title”", and comment forms in the corpus languages.
_COMMENTS = (
    r"(?:\d*\s*comments|\d+\s*comment"
    # a count in brackets: "Komentarze (24)", "Commenti (5)"
    r"|(?:comments?|kommentare?|commentaires?|commenti|commento|komentarze?|комментари[йи]|коментар[іи]?"
    r"|comentarios?|comentários?|comentarii|reacties|komentari|коментари|каментары)\s*\(\d+\)"
    # WordPress quotes the post's title ("2 thoughts on “Title”"); "Two responses to the crisis…" is prose
    r"|(?:\d+|one|two|three)\s+(?:thoughts?|responses?|replies|comments?)\s+(?:on|to)\s+[“\"«'‘„].{1,300}"
    # "Kommentar", "Commento", "Комментарий" alone are genre tags: a singular counts only after a number
    r"|(?:добавить|оставить|оставьте|написать)\s+комментарий|\d*\s*комментари(?:и|ев)|\d+\s*комментари[йя]"
    r"|(?:einen\s+)?kommentar\s+(?:hinterlassen|schreiben|verfassen)|hinterlasse\s+einen\s+kommentar"
    r"|\d*\s*kommentare|\d+\s*kommentar"
    r"|laisser\s+une?\s+(?:commentaire|réponse)|\d*\s*commentaires|\d+\s*commentaire"
    r"|(?:dodaj|zostaw|napisz)\s+komentarz|\d*\s*komentarz[ey]|\d+\s*komentarz"
    r"|lascia\s+una?\s+(?:commento|risposta)|\d*\s*commenti|\d+\s*commento"
    r"|اترك\s+(?:تعليق[اًا]*|ردا?)"
    # es, pt, nl, ro, sr: the form's call and a count; alone, only the plural ("Comentarios") heads comments
    r"|(?:deja|dejar|escribe|deixe|deixa|escreva|lasă|lasa|scrie|ostavite)\s+(?:(?:un|um|tu|su|o\s+seu|o\s+teu|seu|teu)\s+)?"
    r"(?:comentario|comentário|comentariu|komentar)"
    r"|reageer(?:\s+op\s+dit\s+(?:artikel|bericht))?|plaats\s+een\s+reactie|laat\s+een\s+reactie\s+achter"
    r"|\d*\s*(?:comentarios|comentários|comentarii|reacties|komentari|komentara|коментари|коментара)"
    r"|\d+\s*(?:comentario|comentário|comentariu|reactie|komentar|коментар))"
)
_BOILERPLATE = re.compile(
    r"^(?i:"
    r"leave\s+a\s+(?:reply|comment)(?:\s+cancel\s+reply)?|cancel\s+reply|post\s+a\s+comment|add\s+a\s+comment"
    rf"|{_COMMENTS}|(?:share(?:\s+this(?:\s+(?:article|story|post))?)?|{_SHARE_SUBSCRIBE})\s*:?(?:\s*{_SOCIAL}[\s,|/·•]*)*"
    rf"|(?:share|post|tweet)\s+(?:on|to|via)\s+{_SOCIAL}.*|{_SHARE_ON}|{_REACTIONS}|(?:{_SOCIAL}[\s,|/·•]*)+"
    r"|(?:subscribe|sign\s+up)(?:\s+(?:to|for)\s+(?:our|the|my)\b.{0,150}|\s+(?:now|here|today)\b.{0,60})?[.!]?"
    r"|follow\s+us(?:\s+(?:on|at)\b.{0,150}|\s*[:@].{0,150})?|join\s+us\s+on\b.{0,100}"
    r"|related(?:\s+(?:posts?|articles?|stories|news|content))?\s*:?|you\s+may\s+also\s+like.{0,40}|more\s+stories.{0,40}"
    # "Read more: <another headline>"; a line that ends like a sentence is the article's own prose
    r"|read\s+(?:also|more)\s*(?::?\s*.{0,200}[^.\s])?|see\s+also\s*:.{0,200}|recommended(?:\s+for\s+you)?\s*:?"
    r"|(?:tags?|tagged|tagged\s+with|filed\s+under|categories|category|posted\s+in|topics?)\s*:.{0,300}"
    r"|(?:etiquetas|palabras\s+clave|palavras-chave|trefwoorden|etichete|oznake|ознаке|теги|мітки|тэгі|الوسوم"
    r"|كلمات\s+مفتاحية)\s*:.{0,300}"
    r"|print(?:\s+this(?:\s+(?:article|page|post))?)?|like\s+this\s*:?|loading\s*(?:\.\.\.|…)?"
    r"|your\s+email\s+address\s+will\s+not\s+be\s+published\b.{0,200}|required\s+fields\s+are\s+marked.{0,20}"
    rf"|{_ADVERTISING}|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top"
    rf"|{_CHANNEL_LINK}"
    r"|post\s+navigation|all\s+rights\s+reserved\.?|(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\))?\s*\d{4}).{0,150}"
    r")\s*$"
)
_COOKIE_NOTICE_LINE = re.compile(rf"^(?i:{_COOKIE_NOTICE})\s*$")
_COOKIE_BUTTON_LINE = re.compile(rf"^(?i:{_COOKIE_BUTTON})\s*$")
# Emoji, symbols and bullets that dress a call: "👉 Подписывайтесь на канал: …", "❗️Подписывайтесь…❗️".
_DECORATION_CATEGORIES = frozenset({"So", "Sk", "Sm", "Cf", "Zs"})
_DECORATION_MARKS = "\ufe0e\ufe0f\u20e3•·*"  # emoji variation selectors, keycap, bullets


# A platform name or menu word: behind a bullet it may be an item of the article's list ("• Facebook").
_MENU_WORD = re.compile(rf"(?i:{_SOCIAL}|{_ADVERTISING})")
_CALL = re.compile(rf"(?i:{_SHARE_SUBSCRIBE})")
# Verbs of saying in the third person: "— пишем о главном" is the channel's own slogan.
_SPEECH_VERBS = (
    r"(?:(?:напис|сказ|заяв|призв|заклик|отмет|добав|сообщ|повідом|подчерк|підкресл)(?:ал|ил|ув|ив|ав|нул)[аи]?"
    r"|призыва(?:ет|ют)|закликає|закликають|пиш(?:ет|ут|уть|е)|говор(?:ит|ят|ится)|отмеча(?:ет|ют)"
    r"|сообща(?:ет|ют)|додав|додала|додали|said|says|wrote|writes)\b"
)
# "Подпишитесь, если вы против войны, — написали авторы.": a dash and a verb of saying, or «…», — …
_REPORTED = re.compile(rf"(?i)(?:[—–]|\s-)\s*(?:\w+\s+){{0,2}}?{_SPEECH_VERBS}|[»”\"],\s*[—–]")
_MAX_CALL_WORDS = 8  # a longer line that ends in a full stop is a sentence of the article


def is_boilerplate(line: str) -> bool:
    """A share, subscribe, cookie, comment… line (module doc), also with emoji or symbols around it; not
    a platform name or menu word behind a bullet (one of a list: see :func:`_share_bar`)."""
    if _furniture(line):
        return not _reported_call(line)
    bare = _undecorated(line)
    if bare in ("", line) or not _furniture(bare):
        return False
    return not _MENU_WORD.fullmatch(bare) and not _reported_call(bare)


def _furniture(line: str) -> bool:
    return _BOILERPLATE.match(line) is not None or _cookie_banner(line)


def _cookie_banner(line: str) -> bool:
    """A cookie notice or consent button: a notice also names its button, purpose or settings ("Wir
    verwenden Cookies, um … zu verbessern. Akzeptieren"); a line that reports a statement about cookies
    ("Nous utilisons des cookies uniquement avec le consentement…, a répondu un porte-parole.") is news."""
    if _SAYING.search(line):
        return False
    if _COOKIE_BUTTON_LINE.match(line):
        return True
    return _COOKIE_NOTICE_LINE.match(line) is not None and _BANNER_CUE.search(line) is not None


def _reported_call(line: str) -> bool:
    """A subscribe or support call that the text reports or quotes: prose, not the page's own call."""
    if not _CALL.match(line):
        return False
    long_sentence = len(re.findall(r"\S*\w\S*", line)) > _MAX_CALL_WORDS and SENTENCE_END.search(line)
    return bool(long_sentence) or _REPORTED.search(line) is not None


def share_bar(content: list[str], nonblank: list[int]) -> list[int]:
    """The lines of share bars: runs of two or more platform names or menu words behind bullets or emoji
    ("• Facebook", "📘 Twitter"). A run with another item ("• YouTube") or under a line of the article
    ending in ":" ("It was removed by these platforms:") is a list of the article's."""
    bar: list[int] = []
    intro = ""
    for listed, group in groupby(nonblank, key=lambda index: _list_item(content[index])):
        run = list(group)
        menu = all(_MENU_WORD.fullmatch(_undecorated(content[index])) for index in run)
        if listed and len(run) > 1 and menu and not (intro.endswith(":") and not is_boilerplate(intro)):
            bar.extend(run)
        intro = content[run[-1]]
    return bar


def _list_item(line: str) -> bool:
    """A line behind a bullet or emoji, or a bare platform name or menu word."""
    return _decoration(line[0]) or _MENU_WORD.fullmatch(line) is not None


def _undecorated(line: str) -> str:
    start, end = 0, len(line)
    while start < end and _decoration(line[start]):
        start += 1
    while end > start and _decoration(line[end - 1]):
        end -= 1
    return line[start:end]


def _decoration(char: str) -> bool:
    return char in _DECORATION_MARKS or unicodedata.category(char) in _DECORATION_CATEGORIES


# Markers after which a scraped page holds comments and other headlines, not the article.
_END_MARKERS = re.compile(
    r"^(?i:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|\d*\s*comments?|related(?:\s+(?:posts?|articles?|stories))?"
    # (?!\w), not \b: a count in brackets ("Kommentare (12)") ends on no word character
    rf"|you\s+may\s+also\s+like|more\s+stories|post\s+navigation|{_COMMENTS})(?!\w)"
)


def is_end_marker(line: str) -> bool:
    """Whether ``line`` is a page's end marker ("Leave a Reply", "Commenti") as a whole line: prose that
    opens like one ("Comments on the treaty were muted.") is none."""
    return _END_MARKERS.match(line) is not None and _BOILERPLATE.match(line) is not None


def opens_end_marker(line: str) -> bool:
    """Whether ``line`` opens like an end marker: a header line that does is no boilerplate to skip."""
    return _END_MARKERS.match(line) is not None


# --- teaser lists ------------------------------------------------------------------------------------

_TEASER_LABEL = re.compile(rf"^(?i:{_TEASER_LABELS})\s*(?::|[-–—|»›>]+)?\s*$")
_MAX_TEASER_WORDS = 14  # a headline; a longer line is a sentence of the article
_MAX_TEASER_CHARS = 160  # a headline's length, as _MAX_TEASER_WORDS
_MAX_TEASERS = 8  # a longer run of short lines is the article's own list
# "Quelles conséquences pour les salariés ?": under a teaser's headline, a question is the text's subhead.
_QUESTION = re.compile(r"\?[\"'»”’)]*$")


def teaser_list(content: list[str], nonblank: list[int], label: int) -> list[int]:
    """The headlines a teaser label on its own line ("Lire aussi", "Mehr zum Thema:") lists under it: the
    short lines that end like no sentence in the label's block, or in the block right after a label that
    stands alone, up to that block's end or a question (a subhead: "Quelles conséquences ?"). None when
    the label lists nothing, or when prose goes on in that block (the short lines opened a paragraph)."""
    if not _TEASER_LABEL.match(content[label]):
        return []
    at = bisect.bisect_right(nonblank, label)
    if at == len(nonblank):
        return []
    listed: list[int] = []
    # the next section's subheads stand after a blank line: the list is one block
    for index in range(nonblank[at], len(content)):
        line = content[index]
        if not line or _QUESTION.search(line):
            break
        if not _headline_like(line):
            return []
        listed.append(index)
    return listed if len(listed) <= _MAX_TEASERS else []


def _headline_like(line: str) -> bool:
    """A short line that ends like no sentence and is no furniture: another article's headline."""
    return (
        len(line) <= _MAX_TEASER_CHARS
        and len(line.split()) <= _MAX_TEASER_WORDS
        and not line[0].islower()
        and not line.endswith((":", ",", ";"))
        and _PROSE_END.search(line) is None
        and not is_teaser(line)
        and not is_boilerplate(line)
    )


# --- section labels ----------------------------------------------------------------------------------

# A site's sections as a label over the headline prints them; genre words ("Opinion") are genre tags
# (genres.py), read before these.
_SECTION_LABELS = "|".join(
    (
        "politics|world|world news|business|economy|society|culture|sport|sports|science|technology|tech"
        "|health|europe|environment|international|national|local news|entertainment|lifestyle|education",
        "politique|société|économie|monde|sciences|santé|faits divers|actualité|actualités|environnement"
        "|planète",
        "politica|esteri|interni|cronaca|economia|mondo|cultura|scienza|salute|attualità|società|ambiente",
        "politik|ausland|inland|wirtschaft|gesellschaft|kultur|wissenschaft|gesundheit|panorama|welt"
        "|aktuelles|nachrichten|umwelt",
        "polityka|świat|kraj|gospodarka|społeczeństwo|kultura|nauka|zdrowie|wiadomości|biznes|ekonomia",
        "политика|экономика|общество|в мире|мир|культура|наука|происшествия|здоровье",
        "політика|економіка|суспільство|світ|у світі|в світі|здоров'я|здоров’я",
    )
)


def _fold(text: str) -> str:
    """``text`` in lower case without accents ("Société" → "societe"); "ł" has no accent to drop."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# folded: "SOCIETE" and "Société" are one label
_SECTIONS = frozenset(_fold(label) for label in _SECTION_LABELS.split("|"))


def is_section_label(line: str) -> bool:
    """Whether ``line`` is just a site section's name ("Politics", "Société", "POLITIK", "Esteri ›")."""
    name = " ".join(line.rstrip(" :|›»>/").split())
    return len(name) <= 30 and _fold(name) in _SECTIONS
