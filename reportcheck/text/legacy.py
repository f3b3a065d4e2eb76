"""Pre-Unicode Vietnamese encodings: TCVN3 (ABC) and VNI-Windows to Unicode.

Reports typed before Unicode became the norm keep their text in 8-bit
encodings that only look right in matching fonts: ``.VnTime``/``.VnArial``
(TCVN3, also called ABC) or ``VNI-Times`` (VNI-Windows). A .docx stores such a
run as the Latin-1 characters of its bytes ("B¶n kiÓm ®iÓm" for "Bản kiểm
điểm"), so the run's font says how to read it back.

* TCVN3 is one byte per letter. It has no code for upper-case letters with a
  tone mark; the "H" fonts (``.VnTimeH``) draw every code as a capital, so a
  run in such a font is converted and then upper-cased.
* VNI-Windows writes a letter as its base vowel followed by one mark byte
  ("Ba" + "ûn" for "Bản"); a few letters (ơ, ư, đ and the i's) have a code
  of their own.

The tables below were checked against two public converters (a C# TCVN3
converter and a TypeScript charset module for TCVN3/VNI, plus a C keyboard
driver's VNI table); they are written out here as data.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Literal

Encoding = Literal["TCVN3", "TCVN3H", "VNI"]

# --- TCVN3 (ABC) -----------------------------------------------------------
# (TCVN3 codes as Latin-1 characters, the letters they stand for); tones are in
# code order: grave, hook, tilde, acute, dot below.
_TCVN3_ROWS = (
    ("\u00b5\u00b6\u00b7\u00b8\u00b9", "àảãáạ"),  # µ ¶ · ¸ ¹
    ("\u00bb\u00bc\u00bd\u00be\u00c6", "ằẳẵắặ"),  # » ¼ ½ ¾ Æ
    ("\u00c7\u00c8\u00c9\u00ca\u00cb", "ầẩẫấậ"),  # Ç È É Ê Ë
    ("\u00cc\u00ce\u00cf\u00d0\u00d1", "èẻẽéẹ"),  # Ì Î Ï Ð Ñ
    ("\u00d2\u00d3\u00d4\u00d5\u00d6", "ềểễếệ"),  # Ò Ó Ô Õ Ö
    ("\u00d7\u00d8\u00dc\u00dd\u00de", "ìỉĩíị"),  # × Ø Ü Ý Þ
    ("\u00df\u00e1\u00e2\u00e3\u00e4", "òỏõóọ"),  # ß á â ã ä
    ("\u00e5\u00e6\u00e7\u00e8\u00e9", "ồổỗốộ"),  # å æ ç è é
    ("\u00ea\u00eb\u00ec\u00ed\u00ee", "ờởỡớợ"),  # ê ë ì í î
    ("\u00ef\u00f1\u00f2\u00f3\u00f4", "ùủũúụ"),  # ï ñ ò ó ô
    ("\u00f5\u00f6\u00f7\u00f8\u00f9", "ừửữứự"),  # õ ö ÷ ø ù
    ("\u00fa\u00fb\u00fc\u00fd\u00fe", "ỳỷỹýỵ"),  # ú û ü ý þ
    ("\u00a8\u00a9\u00aa\u00ab\u00ac\u00ad\u00ae", "ăâêôơưđ"),  # ¨ © ª « ¬ (soft hyphen) ®
    ("\u00a1\u00a2\u00a3\u00a4\u00a5\u00a6\u00a7", "ĂÂÊÔƠƯĐ"),  # ¡ ¢ £ ¤ ¥ ¦ §
)
_TCVN3_TABLE = str.maketrans({src: dst for codes, letters in _TCVN3_ROWS for src, dst in zip(codes, letters)})

# --- VNI-Windows -----------------------------------------------------------
# Mark codes that follow a base vowel, with the diacritics they add
# (combining characters). Lower-case codes; the upper-case code of each is the
# same letter in upper case (ù -> Ù) and means the same mark.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_CIRCUMFLEX = {"â": "\u0302", "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309",
                   "ã": "\u0302\u0303", "ä": "\u0302\u0323"}
_VNI_BREVE = {"ê": "\u0306", "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309",
              "ü": "\u0306\u0303", "ë": "\u0306\u0323"}
# base code -> (letter it stands for, mark tables it takes)
_VNI_BASES = {
    "a": ("a", (_VNI_TONES, _VNI_CIRCUMFLEX, _VNI_BREVE)),
    "e": ("e", (_VNI_TONES, _VNI_CIRCUMFLEX)),
    "o": ("o", (_VNI_TONES, _VNI_CIRCUMFLEX)),
    "ô": ("ơ", (_VNI_TONES,)),
    "u": ("u", (_VNI_TONES,)),
    "ö": ("ư", (_VNI_TONES,)),
    "y": ("y", (_VNI_TONES,)),
}
# codes that are a whole letter on their own
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_table() -> dict[str, str]:
    """Every VNI code sequence (both cases) mapped to its Unicode letter."""
    table: dict[str, str] = {}
    for base, (letter, mark_tables) in _VNI_BASES.items():
        for marks in mark_tables:
            for code, diacritics in marks.items():
                lower = unicodedata.normalize("NFC", letter + diacritics)
                for mark in (code, code.upper()):
                    table[base + mark] = lower
                    table[base.upper() + mark] = lower.upper()
    for code, letter in _VNI_SINGLE.items():
        table[code] = letter
        table[code.upper()] = letter.upper()
    return table


_VNI_TABLE = _vni_table()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_TABLE, key=len, reverse=True)))
VNI_MARKS = frozenset(
    code for marks in (_VNI_TONES, _VNI_CIRCUMFLEX, _VNI_BREVE) for c in marks for code in (c, c.upper())
)


@cache
def font_encoding(font: str | None) -> Encoding | None:
    """The legacy encoding a font name implies, None for a Unicode font.

    ``.Vn*`` fonts are TCVN3 (``TCVN3H`` for the all-capitals fonts whose name
    ends in "H", e.g. ``.VnTimeH``); ``VNI*`` fonts are VNI-Windows.
    """
    if not font:
        return None
    name = font.strip()
    if name[:3].lower() == ".vn":
        return "TCVN3H" if name.endswith("H") else "TCVN3"
    if name[:3].upper() == "VNI":
        return "VNI"
    return None


def tcvn3_to_unicode(text: str, *, capitals: bool = False) -> str:
    """Convert TCVN3 (ABC) text; ``capitals`` for the ``.Vn...H`` fonts."""
    out = text.translate(_TCVN3_TABLE)
    return out.upper() if capitals else out


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text (base vowel + mark code) to precomposed Unicode."""
    return _VNI_RE.sub(lambda m: _VNI_TABLE[m.group(0)], text)


def to_unicode(text: str, encoding: Encoding) -> str:
    """Convert ``text`` written in ``encoding`` (see :func:`font_encoding`)."""
    if encoding == "VNI":
        return vni_to_unicode(text)
    return tcvn3_to_unicode(text, capitals=encoding == "TCVN3H")


# --- telling a legacy text file from noise ---------------------------------

_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VIET_LOWER = frozenset(
    unicodedata.normalize("NFC", base + tone)
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
    for tone in ("",) + _TONES
) | {"đ"}
VIETNAMESE_LETTERS = _VIET_LOWER | {c.upper() for c in _VIET_LOWER}
# letter -> the same letter without its tone mark (ộ -> ô)
_UNTONED = str.maketrans({
    c: unicodedata.normalize("NFC", "".join(p for p in unicodedata.normalize("NFD", c) if p not in _TONES))
    for c in _VIET_LOWER
})
# one syllable: initial consonant(s), one to three vowels, final consonant(s)
_SYLLABLE_RE = re.compile(r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?[aăâeêioôơuưy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_WORD_RE = re.compile(r"[^\W\d_]+")
# non-ASCII characters that ordinary Vietnamese text may hold besides letters
_TEXT_PUNCTUATION = frozenset("\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u00b0\u00ab\u00bb\u00a7")


def _is_syllable(word: str) -> bool:
    """Whether ``word`` is shaped like one Vietnamese syllable with at most one tone."""
    lower = word.lower()
    tones = sum(1 for c in unicodedata.normalize("NFD", lower) if c in _TONES)
    return tones <= 1 and _SYLLABLE_RE.fullmatch(lower.translate(_UNTONED)) is not None


def looks_vietnamese(text: str, *, min_share: float = 0.05, min_syllables: float = 0.9) -> bool:
    """True when ``text`` reads as Vietnamese.

    Every non-ASCII character must be a Vietnamese letter or common
    punctuation; letters with Vietnamese diacritics must make up at least
    ``min_share`` of all letters; and at least ``min_syllables`` of the words
    holding such letters must be shaped like Vietnamese syllables. Deliberately
    strict: it decides whether a non-UTF-8 file is read as cp1258 or TCVN3.
    """
    letters = 0
    marked = 0
    for ch in text:
        if ch.isascii():
            letters += ch.isalpha()
        elif ch in VIETNAMESE_LETTERS:
            letters += 1
            marked += 1
        elif ch not in _TEXT_PUNCTUATION:
            return False
    if marked < 3 or marked < min_share * letters:
        return False
    words = [w for w in _WORD_RE.findall(text) if not w.isascii()]
    return sum(map(_is_syllable, words)) >= min_syllables * len(words)


def decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Decode bytes that are not UTF-8 as cp1258 or TCVN3, when either reads as
    Vietnamese. Returns (text, encoding name) or None."""
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    if text and looks_vietnamese(text):
        return text, "cp1258"
    text = tcvn3_to_unicode(data.decode("latin-1"))
    if looks_vietnamese(text):
        return text, "TCVN3"
    return None
