"""Every kind of input the reader refuses: one-line bilingual errors, never a traceback."""

from __future__ import annotations

import base64
import io
import os
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
from lxml import etree

import reportcheck.io as rio
from reportcheck.errors import InputError
from reportcheck.io import read_document
from reportcheck.io.safety import Limits, SafeZip, parse_xml, read_capped, xml_parser

MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'
            "<w:p><w:r><w:t>Bản kiểm điểm</w:t></w:r></w:p></w:body></w:document>")
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def zip_file(path: Path, parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write a zip holding ``parts``."""
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def docx_file(path: Path, document: bytes | str = DOCUMENT, **extra: bytes | str) -> Path:
    """A minimal .docx whose main part is ``document``."""
    return zip_file(path, {"_rels/.rels": ROOT_RELS, "word/document.xml": document, **extra})


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding ``streams``.

    Every stream is padded to at least 4096 bytes so that it lives in regular
    sectors (no mini stream needed).
    """
    sector = 512
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    datas = [data.ljust(4096, b"\0") for data in streams.values()]
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for data in datas:
        count = -(-len(data) // sector)
        first = len(fat)
        starts.append(first)
        fat.extend(list(range(first + 1, first + count)) + [end])
    assert len(fat) <= sector // 4
    fat.extend([free] * (sector // 4 - len(fat)))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, free, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    names = list(streams)
    directory = entry("Root Entry", 5, 1, free, end, 0)
    for i, (name, data, start) in enumerate(zip(names, datas, starts), start=1):
        directory += entry(name, 2, free, i + 1 if i < len(names) else free, start, len(data))
    directory = directory.ljust(sector, b"\0")
    for i in range(len(names) + 1, 4):  # unused entries: no siblings, no child
        off = i * 128
        directory = directory[:off + 68] + struct.pack("<3I", free, free, free) + directory[off + 80:]
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<108I", *[free] * 108))
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(datas)


def refused(path: Path) -> InputError:
    """The InputError raised for ``path``, after checking it is a clean one-liner."""
    with pytest.raises(InputError) as info:
        read_document(path)
    err = info.value
    for lang in ("vi", "en"):
        line = err.line(lang)
        assert "\n" not in line and "\r" not in line and "Traceback" not in line
        assert line.startswith(str(path))
    assert err.vi != err.en
    return err


# --- the file itself ---------------------------------------------------------------

def test_missing_path(tmp_path: Path) -> None:
    assert refused(tmp_path / "khong-co.docx").reason == "not-found"


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "thu-muc.docx"
    folder.mkdir()
    err = refused(folder)
    assert err.reason == "unreadable" and "directory" in err.en


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = docx_file(tmp_path / "khoa.docx")

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(rio, "open", deny, raising=False)  # root ignores chmod, so fake it
    assert refused(path).reason == "unreadable"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "rong.docx"
    path.write_bytes(b"")
    assert refused(path).reason == "empty"


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "lon.docx"
    with open(path, "wb") as f:
        f.truncate(50 * MB + 1)  # sparse: costs no disk
    assert refused(path).reason == "too-large"


@pytest.mark.parametrize("name", ["bao-cao.pdf", "bao-cao.odt", "bao-cao", "bao-cao.dotx"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    path = docx_file(tmp_path / name)
    err = refused(path)
    assert err.reason == "unknown-extension" and ".docx" in err.en


@pytest.mark.parametrize(("content", "word"), [(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "PDF"), (b"{\\rtf1\\ansi hello}", "RTF")])
def test_pdf_or_rtf_named_docx(tmp_path: Path, content: bytes, word: str) -> None:
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(content)
    err = refused(path)
    assert err.reason == "unknown-extension" and word in err.en and word in err.vi


# --- OLE: old .doc and encrypted .docx ------------------------------------------------

def test_cfb_helper_builds_a_real_ole_file() -> None:
    data = cfb({"WordDocument": b"x" * 5000, "1Table": b"y"})
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        assert ole.exists("WordDocument") and ole.exists("1Table")
        assert ole.openstream("WordDocument").read()[:5000] == b"x" * 5000


@pytest.mark.parametrize("name", ["bao-cao.docx", "bao-cao.doc", "bao-cao.txt"])
def test_old_doc(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(cfb({"WordDocument": b"\xec\xa5" + b"\0" * 100, "1Table": b""}))
    err = refused(path)
    assert err.reason == "old-doc" and "97-2003" in err.en and ".docx" in err.vi


def test_old_doc_that_olefile_cannot_parse(tmp_path: Path) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    assert refused(path).reason == "old-doc"


def test_encrypted_docx(tmp_path: Path) -> None:
    path = tmp_path / "mat-khau.docx"
    path.write_bytes(cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": os.urandom(64)}))
    err = refused(path)
    assert err.reason == "encrypted" and "password" in err.en and "mật khẩu" in err.vi


# --- zip damage and zip bombs ---------------------------------------------------------

def test_truncated_zip(tmp_path: Path) -> None:
    whole = docx_file(tmp_path / "day-du.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(whole[: len(whole) // 2])
    assert refused(path).reason == "bad-zip"


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "chu.docx"
    path.write_text("Bản kiểm điểm viết bằng Notepad", encoding="utf-8")
    assert refused(path).reason == "bad-zip"


def test_empty_zip(tmp_path: Path) -> None:
    assert refused(zip_file(tmp_path / "rong.docx", {})).reason == "bad-zip"


def test_corrupted_part(tmp_path: Path) -> None:
    path = docx_file(tmp_path / "crc.docx")
    data = bytearray(path.read_bytes())
    start = data.find(b"word/document.xml") + len("word/document.xml")  # first local header's data
    data[start + 5] ^= 0xFF
    path.write_bytes(bytes(data))
    assert refused(path).reason in ("bad-zip", "bad-xml")


def test_zip_bomb_part_inflates_past_the_cap(tmp_path: Path) -> None:
    bomb = b"<w:t>" + b" " * (51 * MB) + b"</w:t>"  # ~50 KB once deflated
    path = docx_file(tmp_path / "bom.docx", document=bomb)
    assert path.stat().st_size < 1 * MB
    err = refused(path)
    assert err.reason == "zip-bomb"


def test_zip_bomb_compression_ratio(tmp_path: Path) -> None:
    path = docx_file(tmp_path / "ratio.docx", document=DOCUMENT.replace("Bản", "Bản" + " " * (5 * MB)))
    assert refused(path).reason == "zip-bomb"


def test_zip_with_too_many_entries(tmp_path: Path) -> None:
    parts = {f"x/{i}": b"" for i in range(5001)}
    path = zip_file(tmp_path / "nhieu.docx", {"_rels/.rels": ROOT_RELS, "word/document.xml": DOCUMENT, **parts},
                    compression=zipfile.ZIP_STORED)
    assert refused(path).reason == "zip-bomb"


def _declare_size(data: bytearray, name: bytes, size: int) -> None:
    """Overwrite the uncompressed size that the zip headers give for ``name``."""
    # (signature, size offset, name-length offset, name offset): central directory, local header
    for signature, size_at, length_at, name_at in ((b"PK\x01\x02", 24, 28, 46), (b"PK\x03\x04", 22, 26, 30)):
        pos = data.find(signature)
        while pos >= 0:
            length = int.from_bytes(data[pos + length_at:pos + length_at + 2], "little")
            if data[pos + name_at:pos + name_at + length] == name:
                data[pos + size_at:pos + size_at + 4] = size.to_bytes(4, "little")
            pos = data.find(signature, pos + 4)


def test_lying_size_header_is_not_trusted(tmp_path: Path) -> None:
    path = docx_file(tmp_path / "doi.docx", document=DOCUMENT + " " * 20000)
    data = bytearray(path.read_bytes())
    _declare_size(data, b"word/document.xml", 100)
    path.write_bytes(bytes(data))
    assert refused(path).reason in ("bad-zip", "zip-bomb")


def test_read_capped_stops_while_inflating() -> None:
    with pytest.raises(OverflowError):
        read_capped(io.BytesIO(b"x" * 5000), 4096)
    assert read_capped(io.BytesIO(b"x" * 4096), 4096) == b"x" * 4096


def test_total_cap_over_several_parts(tmp_path: Path) -> None:
    data = zip_file(tmp_path / "t.zip", {"a": b"a" * 3000, "b": b"b" * 3000}).read_bytes()
    package = SafeZip(data, "t.zip", Limits(part=4000, total=5000, ratio_floor=10 * MB))
    assert package.read("a") == b"a" * 3000
    with pytest.raises(InputError) as info:
        package.read("b")
    assert info.value.reason == "zip-bomb"


# --- hostile or broken XML -------------------------------------------------------------

def test_xxe_is_refused_and_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("MAT-KHAU-TOI-MAT-42", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
           f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
    err = refused(docx_file(tmp_path / "xxe.docx", document=xxe))
    assert err.reason == "xml-entity"
    assert "MAT-KHAU" not in err.line("vi") + err.line("en") + str(err)
    # behind the guard, the parser itself leaves the entity unresolved
    root = etree.fromstring(xxe.encode(), xml_parser())
    assert b"MAT-KHAU" not in etree.tostring(root)


def test_entity_in_styles_part_is_refused(tmp_path: Path) -> None:
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>')
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            f'<w:styles xmlns:w="{W}"><w:style w:styleId="&lol2;"/></w:styles>')
    path = docx_file(tmp_path / "lol.docx", **{"word/_rels/document.xml.rels": rels, "word/styles.xml": bomb})
    assert refused(path).reason == "xml-entity"


def test_utf16_doctype_is_refused() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode("utf-16")
    with pytest.raises(InputError) as info:
        parse_xml(xml, "u16")
    assert info.value.reason == "xml-entity"


def test_bad_xml(tmp_path: Path) -> None:
    path = docx_file(tmp_path / "xml.docx", document=f'<w:document xmlns:w="{W}"><w:body><w:p>')
    assert refused(path).reason == "bad-xml"


def test_zip_without_document(tmp_path: Path) -> None:
    path = zip_file(tmp_path / "khong.docx", {"docProps/app.xml": "<x/>"})
    assert refused(path).reason == "no-document"


def test_spreadsheet_renamed_docx(tmp_path: Path) -> None:
    rels = ROOT_RELS.replace("word/document.xml", "xl/workbook.xml")
    workbook = '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    path = zip_file(tmp_path / "bang.docx", {"_rels/.rels": rels, "xl/workbook.xml": workbook})
    assert refused(path).reason == "no-document"


# --- text files ---------------------------------------------------------------------------

def test_txt_that_is_a_zip(tmp_path: Path) -> None:
    path = docx_file(tmp_path / "ban.txt")
    assert refused(path).reason == "not-text"


def test_txt_that_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "nhi-phan.txt"
    path.write_bytes(bytes(range(256)) * 4)
    assert refused(path).reason == "not-text"


def test_bad_utf16(tmp_path: Path) -> None:
    path = tmp_path / "u16.md"
    path.write_bytes(b"\xff\xfe" + b"\x00\xd8" + b"a\x00")  # lone surrogate
    assert refused(path).reason == "not-text"


# --- nothing written, input opened read-only ---------------------------------------------

def test_nothing_is_written_next_to_the_input(tmp_path: Path) -> None:
    good = docx_file(tmp_path / "tot.docx")
    bad = tmp_path / "xau.docx"
    bad.write_bytes(b"PK\x03\x04broken")
    good.chmod(0o444)
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()}
    assert read_document(good).paragraphs[0].text == "Bản kiểm điểm"
    with pytest.raises(InputError):
        read_document(bad)
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()}
    assert after == before


# --- far too long for a report ------------------------------------------------------------

def test_docx_with_too_many_paragraphs(tmp_path: Path) -> None:
    document = DOCUMENT.replace("<w:body>", "<w:body>" + "<w:p/>" * 10_001)
    err = refused(docx_file(tmp_path / "dai.docx", document=document))
    assert err.reason == "too-large" and "10,000" in err.en


def test_docx_with_too_much_text(tmp_path: Path) -> None:
    text = base64.b64encode(os.urandom(800_000)).decode()  # ~1.07 M characters that barely compress
    document = DOCUMENT.replace("Bản kiểm điểm", text)
    assert refused(docx_file(tmp_path / "chu.docx", document=document)).reason == "too-large"


@pytest.mark.parametrize("lines", [["Dòng"] * 10_001, ["x" * 1_000_001]], ids=["lines", "chars"])
def test_text_too_long(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "dai.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert refused(path).reason == "too-large"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_doctype_without_bom_is_refused(encoding: str) -> None:
    xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode(encoding)
    with pytest.raises(InputError) as info:
        parse_xml(xml, "u16")
    assert info.value.reason == "xml-entity"
