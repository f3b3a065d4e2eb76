"""Vietnamese text normalisation.

``normalize(s)``  -> the text every stage works on: NFC, one tone-mark
placement (hoà and hòa become the same string), straight quotes, plain
dashes, ordinary spaces, no zero-width or control characters, runs of
white space collapsed.

``fold(s)``       -> a matching key: ``normalize`` + lower case + diacritics
removed (đ -> d). Used for fuzzy heading matching and cue look-ups where a
missing accent must not hide a match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Tone marks as combining characters (after NFD).
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave, acute, tilde, hook, dot below
# Vowel-quality marks that stay on their letter.
_QUALITY = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn
_VOWELS = set("aeiouyAEIOUY")

_TRANSLATE = {
    # quotes
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    # dashes and minus
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    # spaces
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ",
    "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u205f": " ", "\u3000": " ", "\t": " ", "\u000b": " ",
    # invisible
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\u00ad": None,
    # ellipsis
    "\u2026": "...",
}
_TRANS_TABLE = str.maketrans(_TRANSLATE)
_TRANS_RE = re.compile("[" + re.escape("".join(_TRANSLATE)) + "]")  # text with none of them: no translate
_CONTROL_RE = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"[ \r\n]+")
_SPACE_RUN_RE = re.compile(r"[ \r\n]{2,}|[\r\n]")  # none: _SPACE_RE.sub(" ", s) would give s back


def _space_run(s: str) -> bool:
    """``_SPACE_RUN_RE.search(s)`` found something (two of space, CR, LF in a row, or one CR or LF):
    substring look-ups instead of trying the pattern at every space."""
    return "  " in s or "\n" in s or "\r" in s
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def _place_tone(letters: list[list[str]]) -> int:
    """Index (into ``letters``) of the vowel that carries the tone.

    ``letters`` is the NFD syllable split into base letter + quality marks,
    tone removed. Follows the traditional placement used by most Vietnamese
    keyboards ("hòa", "thúy", "khỏe"), so that text typed with the newer
    placement ("hoà", "thuý", "khoẻ") compares equal.
    """
    bases = [c[0].lower() for c in letters]
    n = len(bases)
    # find the vowel nucleus: skip initial consonants, treat "qu" and "gi" as consonants
    i = 0
    while i < n and bases[i] not in _VOWELS:
        i += 1
    if i < n and i > 0:
        if bases[i - 1] == "q" and bases[i] == "u":
            i += 1
        elif bases[i - 1] == "g" and bases[i] == "i" and i + 1 < n and bases[i + 1] in _VOWELS:
            i += 1
    j = i
    while j < n and bases[j] in _VOWELS:
        j += 1
    nucleus = list(range(i, j))
    if not nucleus:
        # "gì": the only vowel is part of "gi"
        for k in range(n - 1, -1, -1):
            if bases[k] in _VOWELS:
                return k
        return -1
    # a vowel with a quality mark takes the tone (ươ -> on ơ: the last marked one)
    marked = [k for k in nucleus if len(letters[k]) > 1]
    if marked:
        return marked[-1]
    if len(nucleus) == 1:
        return nucleus[0]
    has_final = j < n
    if has_final:
        return nucleus[-1]
    if len(nucleus) == 3:
        return nucleus[1]
    return nucleus[0]


def _fix_syllable(word: str) -> str:
    nfd = unicodedata.normalize("NFD", word)
    letters: list[list[str]] = []
    tone = None
    for ch in nfd:
        if ch in _TONES:
            if tone is None:
                tone = ch
            continue
        if unicodedata.combining(ch) and letters:
            letters[-1].append(ch)
        else:
            letters.append([ch])
    if tone is None:
        return word
    pos = _place_tone(letters)
    if pos < 0:
        return word
    letters[pos].append(tone)
    return unicodedata.normalize("NFC", "".join("".join(c) for c in letters))


@lru_cache(maxsize=65536)
def _canon_word(word: str) -> str:
    if word.isascii():
        return word
    return _fix_syllable(word)


_CANONICAL: set[str] = set()  # pieces of text between white space whose words are all canonical (this process)
_CANONICAL_MAX = 500_000


def canonical_tones(text: str) -> str:
    """Move every tone mark to one canonical position (hoà -> hòa)."""
    # Most text needs no change. Its pieces between white space (no word spans white space) are checked once
    # per process — split() is cheaper than finding the words, and a piece recurs as a word does; the text is
    # rewritten (every word, as before) only when one of its words moves its tone mark.
    unseen = set(text.split()).difference(_CANONICAL)
    if unseen:
        moved = False
        for piece in unseen:
            if any(_canon_word(word) != word for word in _WORD_RE.findall(piece)):
                moved = True
            elif len(_CANONICAL) < _CANONICAL_MAX:
                _CANONICAL.add(piece)
        if moved:
            return _WORD_RE.sub(lambda m: _canon_word(m.group(0)), text)
    return text


@lru_cache(maxsize=16384)
def normalize(text: str, *, collapse: bool = True) -> str:
    """Normalise one paragraph of Vietnamese text (see module doc)."""
    if not text:
        return ""
    s = unicodedata.normalize("NFC", text)
    if _TRANS_RE.search(s):
        s = s.translate(_TRANS_TABLE)
    s = _CONTROL_RE.sub("", s)
    s = canonical_tones(s)
    if collapse:
        if _space_run(s):
            s = _SPACE_RE.sub(" ", s)
        s = s.strip()
    return s


_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    nfd = unicodedata.normalize("NFD", word.translate(_FOLD_EXTRA))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch)).lower()


class _FoldChars(dict):
    """str.translate table, filled on first use: a letter (what ``_WORD_RE`` matches) -> the letter
    folded as ``_fold_word`` folds it; any other character stays. Canonical decomposition and
    dropping the combining marks work character by character, and lower case too except for the
    final sigma, so translating character by character gives what folding word by word gives."""

    def __missing__(self, code: int):
        ch = chr(code)
        out = _fold_word(ch) if _WORD_RE.fullmatch(ch) else code
        self[code] = out
        return out


_FOLD_CHARS = _FoldChars()


def _vietnamese_letters() -> str:
    """The letters whose canonical decomposition is an ASCII letter and Vietnamese marks (tones, ˆ ˘ ʼ):
    á ầ ẵ ơ ự … (and the few other Latin letters built from the same marks)."""
    marks = set(_TONES) | _QUALITY
    out = []
    for code in range(0x80, 0x2000):
        ch = chr(code)
        d = unicodedata.normalize("NFD", ch)
        if len(d) > 1 and d[0].isascii() and d[0].isalpha() and all(c in marks for c in d[1:]) and \
                _WORD_RE.fullmatch(ch):
            out.append(ch)
    return "".join(out)


# Text of ASCII, đ/Đ and those letters only (Vietnamese, English): folded as _FOLD_CHARS folds it character by
# character — each letter to its base letter, lower case — by decomposing the text and keeping the ASCII.
_NOT_PLAIN_VI_RE = re.compile("[^\x00-\x7f\u0111\u0110" + re.escape(_vietnamese_letters()) + "]")


def _fold_plain_vi(s: str) -> str:
    return unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "d")).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower case, no diacritics, normalised spacing: a key for matching.

    Tone placement does not matter once the marks are gone, so this skips that step of normalize().
    """
    s = unicodedata.normalize("NFC", text)
    if _TRANS_RE.search(s):
        s = s.translate(_TRANS_TABLE)
    s = _CONTROL_RE.sub("", s)
    if _space_run(s):
        s = _SPACE_RE.sub(" ", s)
    s = s.strip()
    if s.isascii():
        return s.lower()
    if "\u03a3" in s:  # capital sigma: its lower case depends on the letters around it (final sigma)
        return _WORD_RE.sub(lambda m: _fold_word(m.group(0)), s).lower()
    if not _NOT_PLAIN_VI_RE.search(s):
        return _fold_plain_vi(s).lower()
    return s.translate(_FOLD_CHARS).lower()


# fold() of single words, in a table of its own (words recur far more than sentences, and would push the
# sentences out of fold's); the fold of words joined by spaces is their folds joined by spaces (every step of
# fold() works character by character, the final sigma word by word)
fold_word = lru_cache(maxsize=32768)(fold.__wrapped__)


@lru_cache(maxsize=1024)
def phrase_pattern(phrases: tuple[str, ...], prefix: bool = False) -> re.Pattern:
    """One compiled alternation matching any of ``phrases`` (longest first).

    A phrase must start at a word boundary; it must also end at one unless
    ``prefix`` is set (rubric keys such as "remed" match "remedy", "remedies").
    """
    return _phrase_pattern(tuple(sorted(set(phrases), key=lambda p: (-len(p), p))), prefix)


@lru_cache(maxsize=512)
def _phrase_pattern(phrases: tuple[str, ...], prefix: bool) -> re.Pattern:
    end = "" if prefix else r"(?!\w)"
    parts = [re.escape(p.strip()) + (r"\s" if p.endswith(" ") else end) for p in phrases if p.strip()]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


def lower(text: str) -> str:
    """Normalised, lower-cased text that keeps its diacritics."""
    return normalize(text).lower()


# UTF-8 bytes: an ASCII byte that is not a word character (what \w is not) becomes a space, every other stays
_WORD_BYTES = bytes(b if b >= 0x80 or chr(b).isalnum() or b == 0x5F else 0x20 for b in range(256))


@lru_cache(maxsize=16384)
def count_words(text: str) -> int:
    """Syllables/words made of letters or digits (placeholders do not count)."""
    if _NOT_PLAIN_VI_RE.search(text) is None:
        # ASCII, đ/Đ and Vietnamese letters only: every non-ASCII character is a letter, so the runs of
        # word characters are what is left between the spaces once the ASCII non-word bytes are spaces
        return len(text.encode("utf-8").translate(_WORD_BYTES).split())
    return len(_TOKEN_RE.findall(text))
