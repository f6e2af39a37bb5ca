"""Name recognition by rules, for text the trained German model does not tag (English, and German
when the model is missing): runs of capitalised words, typed by gazetteers and trigger words.

Capitalisation alone over-reads: sentence openings, headlines in title case ("Orban Mulls New EU
Movement"), role words ("Hungarian Prime Minister Viktor Orban") and nationality adjectives
("German") are capitalised too.  What the text itself says decides: a word is a name at the start
of a sentence or in a headline only where the text also capitalises it mid-sentence, and a lone
word the text also writes in lower case ("Climate", "Party") is no name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from storylens.model import Token
from storylens.nlp import names
from storylens.nlp.dates import MONTHS, WEEKDAYS
from storylens.nlp.hanta import hanta_german

Span = tuple[int, int, str]

# Words before a name that make it a person: the titles that names.strip_titles drops, plus roles.
PERSON_TRIGGERS = names.TITLES | {
    "autor", "autorin", "außenministerin", "bürgermeister", "bürgermeisterin", "ceo", "chefin",
    "ex-präsident", "leader", "machthaber", "premierministerin", "schauspieler", "schauspielerin",
    "spokesman", "sprecherin", "sänger", "sängerin", "trainer",
}  # fmt: skip
_SPEECH = {"sagte", "sagt", "erklärte", "betonte", "said", "says", "told", "meinte", "warnte"}
_ORG_WORDS = re.compile(
    r"(?:Partei|Ministerium|Komitee|Bank|AG|GmbH|Verband|Agentur|Union|Bündnis|Gericht|Rat|"
    r"Institut|Universität|Behörde|Polizei|Armee|Konzern|Verein|Stiftung|Kommission|Party|"
    r"Ministry|Committee|Agency|Council|Court|University|Inc|Corp|Ltd|Group|Bundestag|Senat|"
    r"Fund|Foundation|Institute|Association|Organization|Organisation|Department|Office|"
    r"Company|Corporation|Network|Museum|Parliament|Alliance|Federation|League|Club|Union|"
    r"Bureau|Service|Authority|Commission|Movement|Front|Army|Police|Times|Post|News|Force|Board|"
    r"Forces|Guard|Guards|Brigade|Brigades|List|Journal|Herald|Tribune|Gazette|Magazine|Reporter|"
    r"Chronicle|Government|Administration)$"
)
# Last words that make a name an event's or a prize's ("American Film Institute Awards").
_EVENT_WORDS = re.compile(r"(?:Awards?|Prize|Festival|Olympics|Championships?|Games|Cup|Open|Summit)$")
# Words that make a name a place's: the first of two ("San Dimas", "Port Everglades", "St Louis")
# or the last of any ("Wall Street", "Brooklyn Bridge", "Hennepin County").
_PLACE_FIRST = frozenset({"san", "santa", "port", "fort", "mount", "lake", "saint", "st", "cape"})
_PLACE_LAST = frozenset({
    "street", "avenue", "road", "boulevard", "square", "bridge", "park", "bay", "river", "island",
    "islands", "valley", "county", "beach", "harbour", "harbor", "airport", "peninsula", "strait", "canal",
    "coast", "mountains", "desert",
})  # fmt: skip
# A word after a name that makes it an organisation's ("Netanyahu's Likud party", "the small
# Yisrael Beiteinu party"; the name alone reads as a person's or as nothing).
_ORG_AFTER = frozenset({"party", "partei", "alliance", "coalition", "bloc", "faction", "company", "firm"})
_LOC_SUFFIX = re.compile(r"(?:stan|land|ien|burg|stadt|dorf|heim|hausen|berg|furt|ingen)$")
STOP = {
    "der", "die", "das", "ein", "eine", "und", "in", "im", "am", "an", "auf", "mit", "von",
    "the", "a", "and", "on", "at", "of", "for", "to", "but", "he", "she", "it", "they", "we",
    "i", "this", "that", "there", "as", "after", "when", "while", "if", "by",
    # English month abbreviations of datelines and captions ("Nov. 3", "Feb 12")
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
# Weekdays and months are capitalised in both languages but are dates, not names.
STOP |= set(WEEKDAYS) | set(MONTHS)

# English words that are offices, capitalised before a name ("Prime Minister Viktor Orban",
# "EPP President Donald Tusk"): not part of the name, but they make the name after them a person.
_OFFICES = {
    "president", "minister", "chancellor", "secretary", "senator", "sen", "rep", "governor",
    "gov", "mayor", "ceo", "chairman", "chairwoman", "leader", "spokesman", "spokeswoman",
    "spokesperson", "king", "queen", "prince", "princess", "pope", "judge", "general", "gen",
    "commissioner", "ambassador", "director", "chief", "campaigner", "attorney", "lawmaker",
    "coach", "captain", "premier", "founder", "officer", "mr", "mrs", "ms", "dr", "sir", "pm",
    "pres", "col", "capt", "sgt", "prof", "rev", "atty", "supt", "representative",
}  # fmt: skip
# Words that are part of an office only when one follows them ("Foreign Minister", "Vice
# President", "State Secretary"); alone ("Finance", "Party") they are no name either.
_ROLES = _OFFICES | {
    "vice", "prime", "high", "chair", "justice", "head", "deputy", "former", "senior",
    "foreign", "interior", "defense", "defence", "finance", "health", "economy", "economics",
    "environment", "labor", "labour", "trade", "state", "party", "executive",
}  # fmt: skip
# English nationality adjectives and peoples: "German" is no name of its own, and not part of
# the one after it.
_DEMONYMS = {
    "afghan", "african", "albanian", "algerian", "american", "arab", "argentine", "armenian",
    "asian", "australian", "austrian", "azerbaijani", "belarusian", "belgian", "bosnian",
    "brazilian", "british", "bulgarian", "canadian", "chilean", "chinese", "colombian",
    "croatian", "cuban", "czech", "danish", "dutch", "egyptian", "english", "estonian",
    "ethiopian", "european", "finnish", "french", "georgian", "german", "greek", "hungarian",
    "indian", "indonesian", "iranian", "iraqi", "irish", "israeli", "italian", "japanese",
    "jordanian", "kazakh", "kenyan", "korean", "kurdish", "kyrgyz", "latvian", "lebanese",
    "libyan", "lithuanian", "malaysian", "mexican", "moldovan", "moroccan", "nigerian",
    "norwegian", "pakistani", "palestinian", "polish", "portuguese", "romanian", "russian",
    "saudi", "scottish", "serbian", "slovak", "slovenian", "somali", "spanish", "sudanese",
    "swedish", "swiss", "syrian", "taiwanese", "tajik", "thai", "tunisian", "turkish",
    "ukrainian", "uzbek", "venezuelan", "vietnamese", "welsh", "yemeni", "western", "eastern",
    "northern", "southern", "soviet", "bavarian", "saxon", "prussian", "tyrolean", "catalan",
    "basque", "flemish", "sicilian", "corsican", "texan", "californian", "siberian", "crimean",
    # peoples whose plural is not the adjective plus "s" (Germans, Italians are)
    "spaniards", "britons", "brits", "swedes", "danes", "finns", "poles", "turks", "scots",
    "kurds", "serbs", "croats", "czechs", "slovaks", "arabs", "jews", "afghans", "kazakhs",
}  # fmt: skip
# English words that open sentences before a name ("Many Germans", "Meanwhile Merkel").
_OPENING_WORDS = {
    "many", "some", "most", "all", "several", "both", "each", "every", "other", "such",
    "these", "those", "his", "her", "their", "its", "our", "your", "my", "now", "then",
    "today", "yesterday", "meanwhile", "however", "also", "even", "only", "later", "earlier",
    "last", "next", "since", "under", "with", "without", "from", "by", "before", "during",
    "about", "against", "like", "unlike", "according", "despite", "why", "how", "what",
    "where", "who", "not", "no", "more", "few", "former", "late", "dear", "read", "related",
    "watch", "photo", "video", "image", "source", "see", "follow", "update", "updates",
    "posted", "click", "tap", "cancel", "loading", "share",
}  # fmt: skip
# Articles, prepositions and pronouns of other languages the rules read, capitalised where they
# open a sentence: "La" in "La Croix-Rouge fait état ...", "Selon" before a name.  Never a name
# alone; cut from the front of a name unless the whole is a known place ("La Paz", "Le Havre",
# "Los Angeles") or the word stands inside a name elsewhere in the text ("Marine Le Pen").
_FUNCTION_WORDS = {lang: frozenset(words.split()) for lang, words in {
    "fr": "le la les l' un une des du de d' au aux et ou en dans sur pour par avec sans ce cette "
          "ces son sa ses leur leurs il elle ils elles on nous vous selon après avant lors mais",
    "es": "el la los las lo un una unos unas del al y o en con por para según tras pero su sus "
          "este esta estos estas ese esa",
    "it": "il lo la i gli le un uno una del dello della dei degli delle al allo alla ai agli alle "
          "e o in con per secondo dopo ma suo sua questo questa",
    "pt": "o a os as um uma do da dos das no na nos nas ao aos e ou em com por para segundo após "
          "mas seu sua este esta",
    "nl": "de het een en of in op met voor door van volgens na maar zijn haar deze dit",
    "ca": "el la els les l' un una del al i o en amb per segons però",
}.items()}
# After these a capital starts a sentence of its own ("Related: Hundreds of ...").
_OPENERS = {":", '"', "“", "„", "«", "»", "(", "–", "—", "|", "‘", "‚", "‹", "›", "'"}
# A title in quotation marks written in title case: a film's, a book's, a song's ("“Once Upon A
# Time… In Hollywood”"), one name however many words it has (English text).
_QUOTED_TITLE = re.compile(r"[“\"](?P<title>[A-Z0-9][^“”\"\n]{2,80}?)[.,!?…]?[”\"]")
# Between two parts of one name ("Law and Justice", "Bank of England", "People's Party"):
# joined only where the alias table knows the whole.
_OF_WHAT = re.compile(r"\s+(?:of|for)\s+")
_JOINERS = re.compile(r"\s*(?:'s|’s)\s+|\s+(?:and|of|for|&)\s+")
# Between a first name and a surname, the particles of names in many languages ("Ursula von der
# Leyen", "Ludwig van Beethoven", "Charles de Gaulle", "Lula da Silva", "Mohammed bin Salman").
_NAME_PARTICLES = re.compile(
    r"\s+(?:(?:von|van|vom|zu|de|der|den|des|da|di|du|del|della|dos|das|do|ter|ten|la|bin|ibn)\s+){1,2}")


def _looks_like_name(tok: Token, tag: str | None) -> bool:
    word = tok.text
    if not word[:1].isupper() or word.lower().rstrip(".") in STOP:
        return False
    if word.isupper() and len(word) > 5 and word.isalpha() and names.lookup(word) is None:
        return False  # shouted subheadings ("TAKEOVER") are not names
    if tag is not None:  # German: trust the proper-noun tag, plus known names
        return tag == "NE" or names.lookup(word) is not None
    return True


def _is_headline(sent: list[Token]) -> bool:
    """Title case: every word of four letters or more capitalised, three at least after the
    first word (a sentence dense with names still has its verbs in lower case); or a line of
    capitalised words without a full stop, a label or a player's buttons ("Video Player Close")."""
    words = [t.text for t in sent[1:] if t.text.isalpha() and len(t.text) >= 4]
    if len(words) >= 3 and all(w[:1].isupper() for w in words):
        return True
    every = [t.text for t in sent if t.text.isalpha()]
    return (len(every) >= 2 and all(w[:1].isupper() for w in every)
            and sent[-1].text not in (".", "!", "?", ":"))


def _known_type(surface: str, before: str, after: str) -> str | None:
    """The type gazetteers, organisation words and person triggers give, else None."""
    hit = names.lookup(surface)
    if hit:
        return hit[0]
    if names.city_of(surface):
        return "LOC"
    words = surface.split()
    if len(words) > 1 and names.lookup(words[0]) is None and (names.lookup(words[-1]) or ("", ""))[0] in ("LOC", "ORG"):
        return "ORG"  # "Greenpeace USA", "Amnesty International": a name with a country or body after it
    body = _OF_WHAT.split(surface, maxsplit=1)[0]  # "Bank" of "Bank of Japan"
    if _ORG_WORDS.search(body) or (surface.isupper() and 2 <= len(surface) <= 5) or after.lower() in _ORG_AFTER:
        return "ORG"
    if _names_a_place(words):
        return "LOC"
    if before.lower().rstrip(".") in PERSON_TRIGGERS or is_office(before) or after.lower() in _SPEECH:
        return "PER"
    if " " in surface and _EVENT_WORDS.search(surface):
        return "MISC"
    return None


def _names_a_place(words: list[str]) -> bool:
    return len(words) > 1 and (
        words[-1].lower() in _PLACE_LAST or (len(words) == 2 and words[0].lower().rstrip(".") in _PLACE_FIRST))


def _type_of(surface: str, known: str | None, text_persons: set[str], guessed: str | None = None) -> str:
    """``known`` (from :func:`_known_type`), else a person's surname seen in full, else the type
    ``guessed`` from elsewhere (the German model's reading, see :func:`recognise_rules`), else by
    shape. Of several words a guessed place is not taken (the model, reading English, calls "Al
    Jazeera's Assed Beig" one; :data:`_PLACE_LAST` and :data:`_PLACE_FIRST` find the places), nor a
    guessed body for a first name and a surname ("REUTERS/Michele Tantussi")."""
    if known:
        return known
    words = surface.split()
    last = words[-1]
    if last in text_persons or names.fold(last) in text_persons:
        return "PER"
    first_named = names.is_first_name(words[0].rsplit("/", 1)[-1])
    if guessed and (len(words) == 1 or (guessed == "PER" and _reads_as_person(words, first_named))
                    or (guessed == "ORG" and not (len(words) == 2 and first_named))):
        return guessed
    if " " in surface:
        if _LOC_SUFFIX.search(surface.lower()):
            return "LOC"
        return "PER" if _reads_as_person(words, first_named) else "MISC"
    if "-" in surface and surface[:1].isupper() and surface.count("-") == 1:
        return "PER" if not _LOC_SUFFIX.search(surface.lower()) else "LOC"
    if _LOC_SUFFIX.search(surface.lower()):
        return "LOC"
    return "MISC"


def _reads_as_person(words: list[str], first_named: bool) -> bool:
    """Whether a name of several words nothing else has typed can be a person's: it opens with a
    first name ("Roger Stone", "Bradley Cooper"), or it ends in no ordinary English word and, of two
    words, holds no known place or body and opens with no acronym ("Qassem Soleimani", "Kyriakos
    Mitsotakis"). "App Store", "Confirmed Deaths", "Chinese Lunar New Year", "AP Images" and
    "Berlin House" are no persons, whatever the German model makes of them."""
    if first_named:
        return True
    if names.is_english_word(words[-1]):
        return False
    if len(words) > 2:
        return True
    return not (names.is_acronym(words[0]) or any(names.lookup(w) or names.city_of(w) for w in words))


def is_office(word: str) -> bool:
    """Whether ``word`` names an office or a title held before a name ("Governor", "Gov.", "Dr")."""
    return word.lower().rstrip(".") in _OFFICES


def is_demonym(word: str) -> bool:
    low = word.lower()
    return low in _DEMONYMS or (low.endswith("s") and low[:-1] in _DEMONYMS)


def _split_roles(run: list[Token], before: str) -> Iterator[tuple[list[Token], str]]:
    """A run of capitalised words without its office words and nationality adjectives:
    "EPP President Donald Tusk" -> ("EPP", ...), ("Donald Tusk", "President")."""
    office_at = [
        i for i, t in enumerate(run)
        if is_office(t.text) or (t.text.lower() in _ROLES and any(is_office(u.text) for u in run[i + 1 : i + 3]))
    ]  # fmt: skip
    if not office_at:
        if len(run) == 1 and (is_demonym(run[0].text) or run[0].text.lower().rstrip(".") in _ROLES):
            return  # "German", "Germans", "Finance" alone; but "European Union" stays whole
        yield run, before
        return
    first, last = office_at[0], office_at[-1]
    head = run[:first]
    # "Hungarian Prime Minister", but "European Commission President" keeps its body's name.
    while head and head[0].text.lower() in _DEMONYMS and names.lookup(" ".join(t.text for t in head)) is None:
        head = head[1:]
    if head:
        yield head, before
    if run[last + 1 :]:
        yield run[last + 1 :], run[last].text


def recognise_rules(
    text: str, sents: list[list[Token]], lang: str | None, guess: Callable[[int, int], str | None] | None = None
) -> list[Span]:
    """Names by capitalisation (HanTa's proper-noun tags for German), typed by the gazetteers,
    organisation words and person triggers. A name none of these types, and that is no surname
    of a person named in full, takes the type ``guess(start, end)`` gives, if any, else one by
    its shape."""
    tags: list[list[str | None]] = []
    for sent in sents:
        if lang == "de":
            tags.append([t[2] for t in hanta_german().tag_sent([t.text for t in sent], taglevel=1)])
        else:
            tags.append([None] * len(sent))
    headline = [lang != "de" and _is_headline(sent) for sent in sents]
    # Words the text capitalises mid-sentence in running text, and words it writes in lower case.
    named = {
        t.text for sent, sent_tags, hl in zip(sents, tags, headline, strict=True) if not hl
        for prev, t, tag in zip(sent, sent[1:], sent_tags[1:], strict=False)
        if prev.text not in _OPENERS and _looks_like_name(t, tag)
    }  # fmt: skip
    lower = {t.text for sent in sents for t in sent if t.text[:1].islower()}

    def is_name(sent: list[Token], i: int, tags_of: list[str | None], hl: bool) -> bool:
        tag = tags_of[i]
        tok = sent[i]
        if not _looks_like_name(tok, tag):
            return False
        if tok.text in named or names.lookup(tok.text) is not None:
            return True
        if hl:
            return False
        if i == 0 or sent[i - 1].text in _OPENERS:
            # A capital that opens a sentence is a name when a name follows ("Zoltan Simon"),
            # unless it is a word the text writes in lower case or a common opening word.
            low = tok.text.lower()
            if low in lower or low in _OPENING_WORDS:
                return False
            return i + 1 < len(sent) and _looks_like_name(sent[i + 1], tags_of[i + 1])
        return True

    function_words = _FUNCTION_WORDS.get(lang or "", frozenset())
    # Such words inside a name of the text, after a capitalised word ("Marine Le Pen").
    particles = {
        t.text for sent in sents for prev, t in zip(sent, sent[1:], strict=False)
        if t.text.lower() in function_words and prev.text[:1].isupper()
        and prev.text.lower() not in function_words
    } if function_words else set()  # fmt: skip

    def known_from(sent: list[Token], i: int, j: int) -> bool:
        """Whether the run from token i names a known place or body, whole or in its first
        words ("Los Angeles Times")."""
        return any(names.lookup(place) or names.city_of(place)
                   for place in (text[sent[i].start : sent[k - 1].end] for k in range(j, i + 1, -1)))

    def without_function_words(sent: list[Token], i: int, j: int) -> int:
        while (i < j and sent[i].text.lower() in function_words and sent[i].text not in particles
               and not known_from(sent, i, j)):
            i += 1
        return i

    titles = [] if lang == "de" else _quoted_titles(text)
    runs: list[tuple[int, int, str, str]] = []  # start, end, token before, token after
    for sent, sent_tags, hl in zip(sents, tags, headline, strict=True):
        flags = [is_name(sent, i, sent_tags, hl) for i in range(len(sent))]
        for i, j in _join_known(text, sent, _spans_of(flags)):
            i = without_function_words(sent, i, j)
            if i == j or any(s <= sent[i].start < e for s, e, _ in titles):
                continue
            before = sent[i - 1].text if i > 0 else ""
            after = sent[j].text if j < len(sent) else ""
            whole = names.lookup(text[sent[i].start : sent[j - 1].end]) is not None
            pieces = [(sent[i:j], before)] if lang == "de" or whole else _split_roles(sent[i:j], before)
            for words, word_before in pieces:
                for part, part_before in _place_and_body(text, words, word_before):
                    part = _without_share_buttons(part)
                    if part:
                        runs.append((part[0].start, part[-1].end, part_before, after))
    known = [_known_type(text[start:end], before, after) for start, end, before, after in runs]
    guessed = _one_guess_per_name(text, runs, [
        guess(start, end) if guess is not None and kind is None else None
        for (start, end, _, _), kind in zip(runs, known, strict=True)])
    # Surnames of the full names typed as persons: "Trump" alone is the "Donald Trump" of before.
    persons: set[str] = set()
    for (start, end, _, _), kind, other in zip(runs, known, guessed, strict=True):
        surface = text[start:end]
        if " " in surface and _type_of(surface, kind, set(), other) == "PER":
            persons.add(surface.split()[-1])
    spans = []
    for (start, end, _, _), kind, other in zip(runs, known, guessed, strict=True):
        surface = text[start:end]
        if " " not in surface and surface.lower() in lower and names.lookup(surface) is None:
            continue  # "Climate", "Party": words the text also writes in lower case
        spans.append((start, end, _type_of(surface, kind, persons, other)))
    return sorted(spans + titles)


def _one_guess_per_name(
    text: str, runs: list[tuple[int, int, str, str]], guessed: list[str | None]
) -> list[str | None]:
    """One guessed type for each name of the text: the one given to most of its occurrences (the
    first of a tie), also where the model gave none ("Hubei" tagged in one sentence and not in
    another is one place, not a place and a thing)."""
    votes: dict[str, Counter[str]] = {}
    for (start, end, _, _), kind in zip(runs, guessed, strict=True):
        if kind:
            votes.setdefault(text[start:end], Counter())[kind] += 1
    return [votes[text[start:end]].most_common(1)[0][0] if text[start:end] in votes else None
            for start, end, _, _ in runs]


def _quoted_titles(text: str) -> list[Span]:
    """Titles of works quoted in title case (:data:`_QUOTED_TITLE`): two words at least, every
    word capitalised, none of them a sentence's end, not opened by a colon (speech, as
    :mod:`storylens.nlp.quotes` reads it); typed MISC."""
    out: list[Span] = []
    for m in _QUOTED_TITLE.finditer(text):
        title = m.group("title").rstrip(" .,…")
        words = names.title_words(title)
        if (2 <= len(words) <= 10 and names.in_title_case(words)
                and not re.search(r"[.!?]\s", title)
                and not names.OPENING_COLON.search(text, max(0, m.start() - 8), m.start())):
            out.append((m.start("title"), m.start("title") + len(title), "MISC"))
    return out


# The buttons and links of a page's share bar, copied with its text ("Facebook Twitter
# Pinterest", "Share Wuhan in the grip of coronavirus Send Facebook google+ Whatsapp Tumblr").
_SHARE_WORDS = frozenset({
    "facebook", "twitter", "pinterest", "whatsapp", "tumblr", "linkedin", "reddit", "digg", "stumble",
    "newsvine", "permalink", "email", "e-mail", "share", "send", "subscribe", "print", "flipboard",
})  # fmt: skip
_BUTTONS = frozenset({"share", "send", "subscribe", "print", "click"})


def _without_share_buttons(part: list[Token]) -> list[Token]:
    """A run of capitalised words less a share bar's buttons: none where two of its words are
    share buttons or networks ("Send Facebook", "Whatsapp Tumblr"), the name after a button
    that opens it ("Share Wuhan": Wuhan) unless that is an ordinary word ("Subscribe Thank you");
    one network alone ("Twitter") is a name."""
    if len(part) < 2:
        return part
    if sum(t.text.lower() in _SHARE_WORDS for t in part) >= 2:
        return []
    if part[0].text.lower() not in _BUTTONS:
        return part
    rest = part[1:]
    return [] if len(rest) == 1 and names.is_english_word(rest[0].text) else rest


def _place_and_body(text: str, words: list[Token], before: str) -> list[tuple[list[Token], str]]:
    """A run of a known place and a known body after it is two names: "the Berlin SPD" is the
    SPD of Berlin (the whole known stays whole: "Bank of England", "New York Times")."""
    if len(words) > 1 and not names.lookup(text[words[0].start : words[-1].end]):
        for k in range(1, len(words)):
            place = text[words[0].start : words[k - 1].end]
            body = names.lookup(text[words[k].start : words[-1].end])
            if body and body[0] == "ORG" and names.is_known_place(place):
                return [(words[:k], before), (words[k:], words[k - 1].text)]
    return [(words, before)]


def _spans_of(flags: list[bool]) -> list[tuple[int, int]]:
    """(i, j) of each run of True in ``flags``."""
    out: list[tuple[int, int]] = []
    for i, flag in enumerate(flags):
        if flag and out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        elif flag:
            out.append((i, i + 1))
    return out


def _join_known(text: str, sent: list[Token], runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Neighbouring runs joined by "and", "of" or "'s" become one where the alias table knows
    the whole ("Law and Justice" -> PiS, "European People's Party" -> EVP), and a body "of" or
    "for" what it is ("National Board of Review", "Bank of Japan", "Institute for Fiscal
    Studies"); runs joined by a name's particles are one name ("Ursula von der Leyen")."""
    out: list[tuple[int, int]] = []
    for i, j in runs:
        if out:
            pi, pj = out[-1]
            gap = text[sent[pj - 1].end : sent[i].start]
            whole = text[sent[pi].start : sent[j - 1].end]
            body = _ORG_WORDS.search(text[sent[pi].start : sent[pj - 1].end]) and _OF_WHAT.fullmatch(gap)
            if (_JOINERS.fullmatch(gap) and (body or names.lookup(whole))) or _NAME_PARTICLES.fullmatch(gap):
                out[-1] = (pi, j)
                continue
        out.append((i, j))
    return out
