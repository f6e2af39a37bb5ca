"""The analysis pipeline: one article in, the same article with its analysis out."""

from __future__ import annotations

from storylens.config import settings
from storylens.model import Article
from storylens.nlp.dateline import find_dateline
from storylens.nlp.dates import find_dates
from storylens.nlp.entities import link, recognise
from storylens.nlp.figures import find_figures
from storylens.nlp.language import detect_language
from storylens.nlp.quotes import find_quotes
from storylens.nlp.segment import segment

# Raised whenever what analyze() finds changes for the same text, so that stores re-analyse
# articles analysed before (SQLStore.pin_analysis_version).  2: the NER ensemble (session 4).
# 3: "am Morgen" is the morning, not tomorrow; a clause naming its own source attributes its
# figures (session 8).  4: bare numbers that refer back, number words with a scale, rates,
# evacuations, reporting clauses at either end; texts analysed up to analysis.max_chars
# (session 9).  5: compounds containing a name are mentions of that name ("CDU-Spitze" ->
# CDU), words derived from names ("deutschen", "Münchner") are no entities, English names
# without headline case, offices and nationality adjectives, "PiS" one token; figures: the
# event verb nearest the number, currency signs, thousands written with spaces, lists, no
# times of day (session 10).  6: figures skip telephone numbers, addresses, web and mail
# addresses, dates written with full stops, road numbers and numbers with a leading zero; Swiss
# thousands ("10'000"); a prior value in brackets shares scale and noun; quote speakers are no
# genitive owners; news outlets in the alias table (session 11).  7: protesters are a kind of
# their own (were people), so that turnouts compare as one count (session 12).  8: a video's
# length ("1:01 min") is no score; a value of the year before after the noun ("200 Millionen
# Euro (Vorjahr: 150)") takes the figure's unit and scale (session 13).  9: the English rules
# know abbreviated offices Prof., Rev., Col., Capt., Sgt., Pres., Atty., Supt. (session 14).
# 10: the NER model is given hyphenated words, ordinals and abbreviations as one token each, as
# in its training data (session 15).  11: a name in the genitive is cut from the word after it
# ("Netanjahus Likud" is Netanjahu and Likud); in French, Spanish, Italian, Portuguese, Dutch
# and Catalan text a capitalised article or preposition is no name ("La Croix-Rouge"); English
# datelines with a state or country ("KYIV, Ukraine (Reuters) -"), their place and agency typed
# LOC and ORG in the text; "FILE PHOTO:" no dateline (session 16).  12: a name a document
# shows to be no person ("Likud-Partei", "der Likud") is none; a name after another's
# genitive is no surname; a surname's genitive stays a person; in English, a name before
# "party" (or alliance, coalition, bloc, faction, company, firm) or ending in "List" is an
# organisation ("Likud party", "Joint List"); "Tel Aviv/Berlin" gives Tel Aviv, not Aviv
# (session 17).  13: names that begin with adjectives are one entity in every case and listed
# in the nominative ("der Europäischen Zentralbank": Europäische Zentralbank); acronyms are
# looked up by their letters, not folded ("SS" is not SZ, "App" not AP); more foreign parties
# in the alias table; a name and the acronym in brackets after it are one entity ("der
# Palästinensischen Befreiungsorganisation (PLO)"); a one-word "person" listed with two
# organisations is one ("Netflix, Hulu und Amazon"); a name the model cut after an adjective
# gets its noun back ("Vereinigte Arabische | Liste") (session 18).  14: a person the text
# names in full and then by first name alone is one entity ("Ghassem"); acronyms keyed apart
# from folded names ("UN" is not Kim Jong Un); plural names in -n in the nominative; English
# ages ("56-year-old"), bodies "of" something and prizes; European Parliament groups in the
# alias table (session 19). A reporting subject is a subject ("Zuvor hatte ... erklärt" names no
# source); a role in a body ("FDP-Vorsitzende") is a mention of the body; English titles of
# works quoted in title case are one name; a name translated keeps its acronym ("Social
# Democratic Party’s (SPD)"); "Berlin SPD" is Berlin and the SPD; a known name after the
# article that opens its sentence is the name alone; "Das türkische" is no Türkei (session 20).
# A dative article inside a marked body or place parts two names ("Stiftung Wissenschaft und
# Politik dem RedaktionsNetzwerk Deutschland"; 16). Languages ("auf Deutsch"), a city's adjective
# before a noun ("Bonner Polizei") and "Cent" are no names (17; session 21). Quotes name the
# source that speaks where no person is named ("das Außenministerium", "die Polizei"), and more
# speech verbs and "Name: „…“" find their speakers (18; session 22).
# A quoted title of a work, a programme or a slogan is no quote (19; session 23). English names
# the rules cannot type take the German model's reading ("Amazon" ORG, "Hubei" LOC), and place
# words type streets, bridges and "San ..." towns (20; session 24). A share bar copied with an
# English text gives no names ("Send Facebook Whatsapp Tumblr"; 21). A name keeps the type the
# model's reading gave most of its occurrences wherever it stands in the text (22). The regions
# of every country are places, one entity across languages (Lombardei = Lombardy), and English
# names of ordinary words are no persons ("App Store", "Lunar New Year"; 23; session 25).
ANALYSIS_VERSION = 23


def analysed_part(text: str, limit: int) -> int:
    """Where analysis of ``text`` stops: its end, or for a text longer than ``limit`` characters
    the last paragraph break before the limit (else the last sentence end, else the limit)."""
    if len(text) <= limit:
        return len(text)
    for breaks in ("\n", ". "):
        cut = text.rfind(breaks, 0, limit)
        if cut >= limit // 2:
            return cut + len(breaks)
    return limit


def analyze(article: Article) -> Article:
    """Language, dateline, sentences, tokens with lemmas, entities, figures, dates, quotes.
    A text longer than ``analysis.max_chars`` is analysed up to a break before that (offsets
    stay offsets into the whole text; ``analysed_chars`` says where it stopped)."""
    if article.analysed:
        return article
    cut = analysed_part(article.text, settings().analysis.max_chars)
    text = article.text[:cut]
    lang = article.language or detect_language(text) or "de"
    lang = lang.lower()[:2]
    dateline = find_dateline(text)
    sentences, tokens = segment(text, lang)
    spans = recognise(text, tokens, lang)
    if dateline:  # its place and its agency are a place and an agency wherever they are named
        kinds = {dateline.agency: "ORG", dateline.place: "LOC"}
        spans = [(s, e, kinds.get(text[s:e]) or label) for s, e, label in spans]
    mentions, entities = link(text, spans, tokens)
    figures = find_figures(text, sentences, lang)
    dates = find_dates(text, sentences, article.published)
    quotes = find_quotes(
        text, sentences, mentions, entities, settings().analysis.min_quote_words
    )
    return article.replace(
        language=lang,
        dateline=dateline,
        sentences=sentences,
        tokens=tokens,
        mentions=mentions,
        entities=entities,
        figures=figures,
        dates=dates,
        quotes=quotes,
        analysed_chars=cut if cut < len(article.text) else None,
    )
