"""The same report in another encoding of the same words gives the same findings.

Reports reach the tool decomposed (NFD, from macOS and some web forms), with the tone mark placed the
old way or the new ("hoà"/"hòa", "thuỷ"/"thủy"), and typed in a legacy VNI font. None of that changes
what a report says, so none of it may change a finding or the paragraph it is anchored to. Checked on
every tenth dev report of the corpus (all layouts, .docx and .txt), each rewritten three ways.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from reportcheck.evaluate import load_labels
from reportcheck.io import read_document
from reportcheck.pipeline import check_document
from reportcheck.text.legacy import vni_to_unicode

CORPUS = Path(__file__).resolve().parent.parent / "corpora"
SAMPLE = load_labels(CORPUS, "dev")[::10]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_TONED = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ"}
_TONE_OF = {ch: (base, i) for base, row in _TONED.items() for i, ch in enumerate(row)}


def _swap_word(word: str) -> str:
    """Move the tone of a final "oa/oe/uy" to the other vowel: "hòa" <-> "hoà", "thủy" <-> "thuỷ"."""
    m = re.fullmatch(r"(.*?)([oO])([àáảãạèéẻẽẹ])", word) or re.fullmatch(r"(.*?[^qQ])([uU])([ỳýỷỹỵ])", word)
    if m and not m.group(1).lower().endswith("q"):
        base, i = _TONE_OF[m.group(3)]
        first = _TONED[m.group(2).lower()][i]
        return m.group(1) + (first.upper() if m.group(2).isupper() else first) + base
    m = re.fullmatch(r"(.*?)([òóỏõọ])([ae])", word) or re.fullmatch(r"(.*?[^qQ])([ùúủũụ])(y)", word)
    if m:
        plain, i = _TONE_OF[m.group(2)]
        return m.group(1) + plain + _TONED[m.group(3)][i]
    return word


def swap_tones(text: str) -> str:
    return re.sub(r"\w+", lambda m: _swap_word(m.group()), text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@cache
def _to_vni() -> dict[str, str]:
    """Each Vietnamese letter as VNI-Windows codes (a base letter and a mark code, or a code of its own)."""
    out: dict[str, str] = {}
    for base in map(chr, range(0x20, 0x100)):
        for mark in ["", *map(chr, range(0xA0, 0x100))]:
            codes = base + mark
            letter = unicodedata.normalize("NFC", vni_to_unicode(codes))
            if len(letter) == 1 and ord(letter) > 0x7F and codes != letter and \
                    len(codes) < len(out.get(letter, "xxx")):
                out[letter] = codes
    return out


def _rewrite_docx(src: Path, dst: Path, text_fn=None, vni: bool = False) -> None:
    table = _to_vni()
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                for run in root.iter(f"{{{W}}}r"):
                    texts = list(run.iter(f"{{{W}}}t"))
                    if not texts:
                        continue
                    if vni:  # the run typed in a VNI font: its text is the font's codes
                        rpr = run.find(f"{{{W}}}rPr")
                        if rpr is None:
                            rpr = etree.Element(f"{{{W}}}rPr")
                            run.insert(0, rpr)
                        for fonts in rpr.findall(f"{{{W}}}rFonts"):
                            rpr.remove(fonts)
                        fonts = etree.Element(f"{{{W}}}rFonts")
                        fonts.set(f"{{{W}}}ascii", "VNI-Times")
                        fonts.set(f"{{{W}}}hAnsi", "VNI-Times")
                        rpr.insert(0, fonts)
                    for t in texts:
                        s = t.text or ""
                        t.text = "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", s)) if vni \
                            else text_fn(s)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(info, data)


def _findings(path: Path) -> list[tuple[str, int]]:
    return sorted((f.code, -1 if f.paragraph is None else f.paragraph)
                  for f in check_document(read_document(str(path))).findings)


def test_the_tone_swap_changes_what_it_should():
    assert swap_tones("hòa bình, khỏe, thủy lợi, Hoà, quý, hoàn thành, thuở") == \
        "hoà bình, khoẻ, thuỷ lợi, Hòa, quý, hoàn thành, thuở"
    assert swap_tones(swap_tones("Thủy lợi hòa giải")) == "Thủy lợi hòa giải"
    word = "Bản kiểm điểm ĐẢNG VIÊN Hoà Bình ƯU ĐIỂM ơ ư đ Ị ỳ"
    assert vni_to_unicode("".join(_to_vni().get(ch, ch) for ch in word)) == word


@pytest.mark.parametrize("item", SAMPLE, ids=lambda it: it.path.stem)
def test_same_findings_whatever_the_encoding(item, tmp_path: Path) -> None:
    expected = _findings(item.path)
    variants = {"nfd": nfd, "tones": swap_tones}
    for name, fn in variants.items():
        out = tmp_path / f"{name}{item.path.suffix}"
        if item.path.suffix == ".txt":
            out.write_text(fn(item.path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            _rewrite_docx(item.path, out, fn)
        assert _findings(out) == expected, name
    if item.path.suffix == ".docx":
        out = tmp_path / "vni.docx"
        _rewrite_docx(item.path, out, vni=True)
        if any(ord(ch) > 0x7F and ch.isalpha() for ch in read_document(str(item.path)).text):
            assert "legacy-font:VNI" in read_document(str(out)).notes  # (an English report has nothing to encode)
        assert _findings(out) == expected, "vni"
