"""Provenance: which agency a text comes from, and whether it reads like a translation."""

from __future__ import annotations

import re
from typing import Any

from storylens.model import Article
from storylens.nlp.dateline import AGENCIES

# Phrases that English wire copy leaves behind when translated word by word into German.
_CALQUES = (
    (r"\bMan geht davon aus, dass\b", "it is believed that"),
    (r"\bso genannten?\b", "so-called"),
    (r"\bgegenüber (?:Reuters|AFP|AP|der Nachrichtenagentur)\b", "told <agency>"),
    (r"\bin einer Erklärung\b", "said in a statement"),
    (r"\bohne weitere Einzelheiten zu nennen\b", "without giving further details"),
    (r"\bbei weitem\b", "by far"),
    (r"\bzu einer Zeit, in der\b", "at a time when"),
    (r"\bweithin angenommen\b", "widely believed"),
    (r"\bunter Berufung auf\b", "citing"),
    (r"\bvon dem jedoch\b", "who however"),
    (r"\bdie Zügel der Macht\b", "the reins of power"),
    (r"\bnicht sofort\b.*\berreichbar\b", "could not immediately be reached"),
)
_CALQUE_RE = [(re.compile(p, re.I), gloss) for p, gloss in _CALQUES]
# English transliteration of Russian or Kazakh names inside a German text: zh and kh at the
# start of a name or after a vowel (Zhukov, Kazhegeldin, Mikhail; German writes Sch, ch), -yev,
# -yov and -ov (German -jew, -jow, -ow).  After a consonant zh and kh join the parts of a German
# compound (Holzhauser, Schickhofer).  A J before a vowel and a y between vowels are not read:
# German names have them too (Josef, Jagland, Juve, Ostermayer, Beyer; 10kGNAD, where the two
# rules gave most of the signals in original German reports).
_ENGLISH_TRANSLIT = re.compile(r"(?:^|(?<=[aeiouy]))(?:zh|kh)|yev\b|yov\b|ov\b|Dzh", re.I)
_GERMAN_TRANSLIT = re.compile(r"sch|jew\b|ow\b|ja|je|ju")
_SUBHEAD = re.compile(r"^\s*([A-Z][A-Z' -]{3,40})\s*$", re.M)
_AGENCY_INLINE = re.compile(r"\b(?:gegenüber|told|sagte der Nachrichtenagentur)\s+(Reuters|AFP|AP|dpa)\b")
_AGENCY_TAIL = re.compile(
    r"\((dpa|AFP|Reuters|AP|APA|KNA|epd)(?:/[a-z]{2,3})?\)\s*$"
    r"|\b(?:Mit Material von|Material:)\s+(dpa|AFP|Reuters|AP)\b"
)


def _wire(article: Article) -> tuple[str | None, list[str]]:
    evidence = []
    if article.dateline and article.dateline.agency:
        evidence.append(f"dateline names {article.dateline.agency}")
        return article.dateline.agency, evidence
    tail = _AGENCY_TAIL.search(article.text[-300:])
    if tail:
        agency = next(g for g in tail.groups() if g)
        evidence.append(f"credit line names {agency}")
        return AGENCIES.get(agency.lower(), agency), evidence
    inline = _AGENCY_INLINE.search(article.text)
    if inline:
        agency = inline.group(1)
        evidence.append(f"'{inline.group(0)}': the agency did the interview itself")
        return AGENCIES.get(agency.lower(), agency), evidence
    return None, evidence


def _english_spelling(name: str) -> bool:
    """A name part spelled the English way that German does not know (Tokayev, not Bayern)."""
    import simplemma

    for part in re.split(r"[\s-]+", name):
        if (
            not part.isupper()  # an abbreviation (ZH, the canton of Zurich)
            and _ENGLISH_TRANSLIT.search(part)
            and not _GERMAN_TRANSLIT.search(part)
            and not simplemma.is_known(part, lang="de")
        ):
            return True
    return False


def _english_words(line: str) -> bool:
    """Whether an upper-case line is English: every word an English word, one at least no German
    word ("TAKEOVER"; not "KREDITLINIEN DES ESM", "ADAC", or "UPDATE", which German uses too)."""
    import simplemma

    words = [w.lower() for w in re.findall(r"[A-Za-z']+", line)]
    return (
        bool(words)
        and all(simplemma.is_known(w, lang="en") for w in words)
        and any(not simplemma.is_known(w, lang="de") for w in words)
    )


def translation_signals(article: Article) -> tuple[float, list[dict[str, str]]]:
    """Evidence that a German text was translated from English, and a 0..1 score."""
    if article.language != "de":
        return 0.0, []
    signals: list[dict[str, str]] = []
    for head in _SUBHEAD.finditer(article.text):
        word = head.group(1).strip()
        if len(word.split()) <= 3 and _english_words(word):
            signals.append(
                {
                    "kind": "english_subheading",
                    "text": word,
                    "why": "an untranslated upper-case wire subheading",
                }
            )
    for mention in article.mentions:
        if mention.label in ("PER", "LOC") and _english_spelling(mention.text):
            signals.append(
                {
                    "kind": "english_transliteration",
                    "text": mention.text,
                    "why": "English spelling of a name German writes differently",
                }
            )
    for pattern, gloss in _CALQUE_RE:
        m = pattern.search(article.text)
        if m:
            signals.append({"kind": "calque", "text": m.group(0), "why": f"reads like English '{gloss}'"})
    weights = {"english_subheading": 0.45, "english_transliteration": 0.3, "calque": 0.12}
    score = 0.0
    seen: set[str] = set()
    for s in signals:
        # One name counts once, however it is mentioned ("Hany Mukhtar", later "Mukhtar").
        if any(s["text"] in t or t in s["text"] for t in seen):
            continue
        seen.add(s["text"])
        score += weights[s["kind"]]
    return min(1.0, score), signals


def provenance(article: Article) -> dict[str, Any]:
    agency, evidence = _wire(article)
    score, signals = translation_signals(article)
    return {
        "wire_agency": agency,
        "wire_evidence": evidence,
        "likely_translation_from": "en" if score >= 0.5 else None,
        "translation_score": round(score, 2),
        "translation_signals": signals,
    }


def pair_provenance(a: Article, b: Article, coverage: float, lexical: float) -> dict[str, Any]:
    pa, pb = provenance(a), provenance(b)
    if lexical >= 0.8:
        relation = "near-duplicate"
    elif lexical >= 0.35 and coverage >= 0.6:
        relation = "rewrite"
    elif pa["wire_agency"] and pa["wire_agency"] == pb["wire_agency"]:
        relation = "same wire agency"
    else:
        relation = "independent"
    return {"a": pa, "b": pb, "relation": relation, "lexical_overlap": round(lexical, 3)}
