"""Guards for untrusted input: size caps, a zip reader that cannot be bombed,
an XML parser that never resolves entities, and the one-line refusals.

Every refusal goes through :func:`refuse`, so the user always gets an
``InputError`` that says what is wrong and what to do, in Vietnamese and in
English, on one line.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from reportcheck.errors import InputError

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what one input may make us read."""

    file: int = 50 * MB  # the input file itself
    part: int = 50 * MB  # one zip part, uncompressed
    total: int = 100 * MB  # all parts read from one zip, uncompressed
    entries: int = 5000  # entries in the zip directory
    ratio: int = 100  # uncompressed / compressed, checked for parts over ratio_floor
    ratio_floor: int = 1 * MB
    paragraphs: int = 10_000  # a long report has a few hundred; 10,000 read in about half a second
    chars: int = 1_000_000  # text in all paragraphs: about 300 pages


DEFAULT_LIMITS = Limits()

_MESSAGES: dict[str, tuple[str, str, str]] = {
    # key: (reason, vi, en)
    "not-found": ("not-found", "không tìm thấy tệp. Hãy kiểm tra lại đường dẫn.",
                  "file not found. Check the path."),
    "directory": ("unreadable", "đây là một thư mục, không phải tệp. Hãy chỉ ra một tệp .docx, .txt hoặc .md.",
                  "this is a directory, not a file. Give a .docx, .txt or .md file."),
    "unreadable": ("unreadable", "không đọc được tệp (không có quyền đọc). Hãy kiểm tra quyền truy cập tệp.",
                   "the file cannot be read (permission denied). Check the file's permissions."),
    "empty": ("empty", "tệp rỗng (0 byte). Hãy mở bản gốc trong Word và lưu lại.",
              "the file is empty (0 bytes). Open the original in Word and save it again."),
    "too-large": ("too-large", "tệp lớn hơn 50 MB, quá lớn với một bản kiểm điểm. Hãy bỏ ảnh hoặc tách tệp rồi thử lại.",
                  "the file is over 50 MB, too large for a report. Remove images or split it, then try again."),
    "too-long": ("too-large", "văn bản dài hơn 10.000 đoạn hoặc 1 triệu ký tự, quá dài với một bản kiểm điểm. Hãy kiểm tra lại có đúng tệp không.",
                 "the document has over 10,000 paragraphs or a million characters, far too long for a report. Check that this is the right file."),
    "old-doc": ("old-doc", "đây là tệp Word 97-2003 (.doc). Hãy mở trong Word và lưu thành .docx (Tệp > Lưu thành > Word Document).",
                "this is a Word 97-2003 .doc file. Open it in Word and save it as .docx (File > Save As > Word Document)."),
    "encrypted": ("encrypted", "tệp được đặt mật khẩu. Hãy gỡ mật khẩu trong Word (Tệp > Thông tin > Bảo vệ tài liệu) rồi lưu lại.",
                  "the file is password-protected. Remove the password in Word (File > Info > Protect Document) and save it again."),
    "bad-zip": ("bad-zip", "tệp .docx bị hỏng hoặc không đầy đủ (không phải gói zip hợp lệ). Hãy mở trong Word và lưu lại, hoặc lấy lại bản gốc.",
                "the .docx file is damaged or incomplete (not a valid zip package). Open it in Word and save it again, or get the original."),
    "zip-bomb": ("zip-bomb", "tệp .docx giải nén ra quá lớn (nghi là tệp độc hại). Hãy lưu lại bản kiểm điểm thành một tệp .docx mới.",
                 "the .docx file expands to an unsafe size (possibly malicious). Save the report as a new .docx file."),
    "xml-entity": ("xml-entity", "tệp chứa khai báo DOCTYPE/ENTITY trong XML, Word không tạo ra như vậy (có thể độc hại). Hãy lưu lại thành tệp .docx mới trong Word.",
                   "the file's XML declares a DOCTYPE/ENTITY, which Word never writes (possibly malicious). Save it as a new .docx in Word."),
    "bad-xml": ("bad-xml", "nội dung XML trong tệp .docx bị hỏng. Hãy mở trong Word và lưu lại.",
                "the XML inside the .docx is damaged. Open it in Word and save it again."),
    "no-document": ("no-document", "tệp không chứa văn bản Word (có thể là tệp Excel/PowerPoint đổi đuôi). Hãy lưu bản kiểm điểm thành .docx từ Word.",
                    "the file holds no Word document (maybe an Excel/PowerPoint file renamed). Save the report as .docx from Word."),
    "unknown-extension": ("unknown-extension", "chỉ nhận tệp .docx, .docm, .txt, .md. Hãy lưu bản kiểm điểm thành .docx.",
                          "only .docx, .docm, .txt and .md files are accepted. Save the report as .docx."),
    "pdf": ("unknown-extension", "đây là tệp PDF dù có đuôi .docx. Hãy lưu bản kiểm điểm thành .docx từ Word.",
            "this is a PDF file, although it is named .docx. Save the report as .docx from Word."),
    "rtf": ("unknown-extension", "đây là tệp RTF dù có đuôi .docx. Hãy mở trong Word và lưu thành .docx.",
            "this is an RTF file, although it is named .docx. Open it in Word and save it as .docx."),
    "not-text": ("not-text", "tệp không phải văn bản thuần (nhị phân hoặc bảng mã không nhận ra). Hãy lưu thành văn bản UTF-8 hoặc .docx.",
                 "the file is not plain text (binary or an unknown encoding). Save it as UTF-8 text or as .docx."),
}
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def refuse(path: str, key: str) -> InputError:
    """The ``InputError`` for ``key`` (a reason, or a more specific message key)."""
    reason, vi, en = _MESSAGES[key]
    return InputError(_CONTROL_RE.sub("?", path), reason, vi, en)


# --- zip ---------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"


def _declared_entries(data: bytes) -> int | None:
    """Entry count from the end-of-central-directory record, read before
    ``zipfile`` walks the directory (so a million-entry zip costs nothing)."""
    pos = data.rfind(_EOCD, max(0, len(data) - 65557))
    if pos < 0 or pos + 22 > len(data):
        return None
    count = int.from_bytes(data[pos + 10:pos + 12], "little")
    locator = pos - 20
    if count == 0xFFFF and locator >= 0 and data[locator:locator + 4] == _EOCD64_LOCATOR:
        record = int.from_bytes(data[locator + 8:locator + 16], "little")
        if 0 <= record <= len(data) - 40:
            count = int.from_bytes(data[record + 32:record + 40], "little")
    return count


def read_capped(stream, limit: int) -> bytes:
    """Read ``stream`` to its end, failing with ``OverflowError`` as soon as
    more than ``limit`` bytes come out (sizes in zip headers are not trusted)."""
    chunks = []
    size = 0
    while chunk := stream.read(min(1 * MB, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            raise OverflowError(size)
        chunks.append(chunk)
    return b"".join(chunks)


class SafeZip:
    """Read-only view of a zip held in memory, with bomb guards.

    Part names are looked up case-insensitively (OPC part names are).
    """

    def __init__(self, data: bytes, path: str, limits: Limits = DEFAULT_LIMITS):
        self.path = path
        self.limits = limits
        self._read_total = 0
        count = _declared_entries(data)
        if count is not None and count > limits.entries:
            raise refuse(path, "zip-bomb")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError):
            raise refuse(path, "bad-zip") from None
        if not infos:
            raise refuse(path, "bad-zip")
        if len(infos) > limits.entries:
            raise refuse(path, "zip-bomb")
        self._infos = {info.filename.lstrip("/").lower(): info for info in infos}

    def has(self, name: str) -> bool:
        """Whether the package holds part ``name``."""
        return name.lower() in self._infos

    def read(self, name: str) -> bytes | None:
        """Bytes of part ``name`` (None when absent), within the caps."""
        info = self._infos.get(name.lower())
        if info is None:
            return None
        self._check_declared(info)
        budget = min(self.limits.part, self.limits.total - self._read_total)
        try:
            with self._zip.open(info) as stream:
                data = read_capped(stream, budget)
        except OverflowError:
            raise refuse(self.path, "zip-bomb") from None
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError, OSError, RuntimeError):
            # damaged data, an unsupported compression method, or an encrypted entry
            raise refuse(self.path, "bad-zip") from None
        self._read_total += len(data)
        return data

    def _check_declared(self, info: zipfile.ZipInfo) -> None:
        """Refuse from the directory's sizes alone, before inflating anything."""
        lim = self.limits
        size = info.file_size
        too_big = size > lim.part or self._read_total + size > lim.total
        too_dense = size > lim.ratio_floor and size > lim.ratio * max(info.compress_size, 1)
        if too_big or too_dense:
            raise refuse(self.path, "zip-bomb")


# --- XML ---------------------------------------------------------------------

def xml_parser() -> etree.XMLParser:
    """A parser that loads no DTD, resolves no entity and reaches no network.

    A new one per document: lxml parser objects must not be shared between threads.
    """
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, collect_ids=False,
    )


_DTD_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_RE_TEXT = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _declares_dtd(data: bytes) -> bool:
    """Whether ``data`` holds a DOCTYPE or ENTITY declaration (UTF-8 or UTF-16)."""
    if _DTD_RE.search(data):
        return True
    if b"\x00" not in data[:4]:  # not UTF-16
        return False
    return any(_DTD_RE_TEXT.search(data.decode(enc, errors="replace")) for enc in ("utf-16-le", "utf-16-be"))


def parse_xml(data: bytes, path: str) -> etree._Element:
    """Parse one XML part; refuse DTDs and entities, never resolve them."""
    if _declares_dtd(data):
        raise refuse(path, "xml-entity")
    try:
        return etree.fromstring(data, xml_parser())
    except (etree.XMLSyntaxError, ValueError):
        raise refuse(path, "bad-xml") from None
