"""TCVN3 (ABC) and VNI-Windows conversion tables and legacy text detection."""

from __future__ import annotations

import unicodedata

import pytest

from reportcheck.text.legacy import (
    VIETNAMESE_LETTERS,
    decode_legacy,
    font_encoding,
    looks_vietnamese,
    tcvn3_to_unicode,
    to_unicode,
    vni_to_unicode,
)

TONES = "\u0300\u0301\u0303\u0309\u0323"

# (TCVN3 as typed with the ABC keyboard, VNI-Windows, Unicode)
WORDS = [
    ("B¶n kiÓm ®iÓm c¸ nh©n", "Baûn kieåm ñieåm caù nhaân", "Bản kiểm điểm cá nhân"),
    ("§¶ng", "Ñaûng", "Đảng"),
    ("nguyÔn", "nguyeãn", "nguyễn"),
    ("\u00adu ®iÓm", "öu ñieåm", "ưu điểm"),
    ("h¹n chÕ, khuyÕt ®iÓm", "haïn cheá, khuyeát ñieåm", "hạn chế, khuyết điểm"),
    ("ng\u00adêi", "ngöôøi", "người"),
    ("tr¸ch nhiÖm, kû luËt", "traùch nhieäm, kyû luaät", "trách nhiệm, kỷ luật"),
    ("häc tËp, rÌn luyÖn", "hoïc taäp, reøn luyeän", "học tập, rèn luyện"),
    ("gi÷ g×n, chØ ®¹o, miÔn", "giöõ gìn, chæ ñaïo, mieãn", "giữ gìn, chỉ đạo, miễn"),
    ("thùc hiÖn, x©y dùng, ®êi sèng", "thöïc hieän, xaây döïng, ñôøi soáng", "thực hiện, xây dựng, đời sống"),
    ("ñy ban, tû lÖ, mü thuËt, hµ, kh¾c phôc", "uûy ban, tyû leä, myõ thuaät, haø, khaéc phuïc", "ủy ban, tỷ lệ, mỹ thuật, hà, khắc phục"),
]


@pytest.mark.parametrize(("tcvn3", "vni", "unicode"), WORDS)
def test_words_convert(tcvn3: str, vni: str, unicode: str) -> None:
    assert tcvn3_to_unicode(tcvn3) == unicode
    assert vni_to_unicode(vni) == unicode


def test_vni_upper_case() -> None:
    assert vni_to_unicode("BAÛN KIEÅM ÑIEÅM CAÙ NHAÂN") == "BẢN KIỂM ĐIỂM CÁ NHÂN"
    assert vni_to_unicode("ÖU ÑIEÅM; HAÏN CHEÁ, KHUYEÁT ÑIEÅM") == "ƯU ĐIỂM; HẠN CHẾ, KHUYẾT ĐIỂM"
    assert vni_to_unicode("NGÖÔØI, ÑAÛNG, NGUYEÃN, KYÛ") == "NGƯỜI, ĐẢNG, NGUYỄN, KỶ"


def test_tcvn3_capital_fonts_upper_case_everything() -> None:
    # .VnTimeH draws every code as a capital: lower-case codes become capitals
    assert tcvn3_to_unicode("b¶n kiÓm ®iÓm c¸ nh©n", capitals=True) == "BẢN KIỂM ĐIỂM CÁ NHÂN"
    assert to_unicode("§¶ng céng s¶n viÖt nam", "TCVN3H") == "ĐẢNG CỘNG SẢN VIỆT NAM"
    # the seven capitals TCVN3 does have, in an ordinary font
    assert tcvn3_to_unicode("¡¢£¤¥¦§") == "ĂÂÊÔƠƯĐ"


def test_tcvn3_table_covers_every_lower_case_letter_once() -> None:
    codes = "".join(chr(c) for c in range(0x80, 0x100))
    # codes TCVN3 does not use stay as they are; 0xFD is "ý" in both encodings
    letters = [new for old, new in zip(codes, tcvn3_to_unicode(codes)) if new != old or new == "ý"]
    lower_marked = {c for c in VIETNAMESE_LETTERS if c.islower() and not c.isascii()}
    assert set(letters) >= lower_marked
    assert len(letters) == len(set(letters))  # no two codes give the same letter


def test_vni_covers_every_letter() -> None:
    bases = "aeouy"
    marks = "ùøûõïâáàåãäêéèúüë"
    produced = {vni_to_unicode(b + m) for b in bases for m in marks} | {vni_to_unicode(c) for c in "íìæóòîôöñ"}
    produced |= {vni_to_unicode(b + m) for b in "ôö" for m in "ùøûõï"}
    lower_marked = {c for c in VIETNAMESE_LETTERS if c.islower() and not c.isascii()}
    assert lower_marked <= produced


def test_vni_leaves_ascii_alone() -> None:
    text = "Ho va ten: Nguyen Van A (2024) - OK!"
    assert vni_to_unicode(text) == text
    assert tcvn3_to_unicode(text) == text


@pytest.mark.parametrize(
    ("font", "encoding"),
    [
        (".VnTime", "TCVN3"),
        (".VnArial", "TCVN3"),
        (".VnTimeH", "TCVN3H"),
        (".VnArialH", "TCVN3H"),
        ("VNI-Times", "VNI"),
        ("VNI-Helve", "VNI"),
        ("Times New Roman", None),
        ("Arial", None),
        ("", None),
        (None, None),
    ],
)
def test_font_encoding(font: str | None, encoding: str | None) -> None:
    assert font_encoding(font) == encoding


def test_looks_vietnamese_is_strict() -> None:
    assert looks_vietnamese("Bản kiểm điểm cá nhân năm 2024 của đảng viên")
    assert not looks_vietnamese("Plain English text with no accents at all")
    assert not looks_vietnamese("Café crème brûlée à la française, naïve résumé")  # ç, û, ï are not Vietnamese
    assert not looks_vietnamese("B¶n kiÓm ®iÓm")  # TCVN3 codes left unconverted


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def test_decode_legacy_cp1258_and_tcvn3() -> None:
    text = "Bản kiểm điểm cá nhân. Ưu điểm; hạn chế, khuyết điểm."
    assert decode_legacy(_cp1258(text)) == (text, "cp1258")
    tcvn3 = "B¶n kiÓm ®iÓm c¸ nh©n. \u00adu ®iÓm; h¹n chÕ, khuyÕt ®iÓm.".encode("latin-1")
    decoded = decode_legacy(tcvn3)
    assert decoded is not None and decoded[1] == "TCVN3"
    assert decoded[0] == "Bản kiểm điểm cá nhân. ưu điểm; hạn chế, khuyết điểm."
    assert decode_legacy("Café crème brûlée, naïve".encode("latin-1")) is None
