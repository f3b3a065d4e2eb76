"""What keeps the web front safe: tokens, headers, private temp folders, upload caps.

Nothing here stores anything: uploads are streamed into a private folder
(``tempfile.mkdtemp``, mode 0700) that the caller deletes after the response;
zips are unpacked with the reader's own guards
(:class:`reportcheck.io.safety.SafeZip`); documents are then read by
:func:`reportcheck.io.read_document`, which refuses XXE, zip bombs and the rest.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import functools
import hashlib
import hmac
import io
import ipaddress
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

try:  # python-multipart >= 0.0.13
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header
except ImportError:  # pragma: no cover - older releases name the module "multipart"
    from multipart.exceptions import FormParserError
    from multipart.multipart import MultipartParser, parse_options_header

from ..errors import InputError, UsageError
from ..io import ACCEPTED_EXTENSIONS, OLE_MAGIC
from ..io.safety import DEFAULT_LIMITS, SafeZip, refuse

MB = 1024 * 1024
MIN_TOKEN_CHARS = 16
COOKIE_AUTH = "rc_auth"
COOKIE_SESSION = "rc_sid"
LOOPBACK_NAMES = frozenset(("localhost", "localhost.", "ip6-localhost"))


# --- refusals ----------------------------------------------------------------------

class Refusal(Exception):
    """A request refused with an HTTP status and a message in both languages."""

    def __init__(self, status: int, reason: str, vi: str, en: str, file: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(en)
        self.status = status
        self.reason = reason
        self.vi = vi
        self.en = en
        self.file = file
        self.headers = headers or {}

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def line(self, lang: str = "vi") -> str:
        return f"{self.file}: {self.message(lang)}" if self.file else self.message(lang)

    def payload(self, lang: str = "vi") -> dict:
        out: dict = {"error": self.line(lang), "reason": self.reason}
        if self.file:
            out["file"] = self.file
        return out

    @classmethod
    def from_input(cls, exc: InputError, file: str | None = None) -> Refusal:
        """A reader refusal: 413 for a document that is too large or too long, else 400."""
        status = 413 if exc.reason == "too-large" else 400
        return cls(status, exc.reason, exc.vi, exc.en, file or exc.path)


def busy() -> Refusal:
    return Refusal(503, "busy", "máy chủ đang bận kiểm tra các bản khác; hãy thử lại sau ít giây.",
                   "the server is busy checking other reports; try again in a few seconds.",
                   headers={"Retry-After": "5"})


def _mb(n: int) -> str:
    return f"{n / MB:g}"


# --- binding and tokens --------------------------------------------------------------

def is_loopback(host: str) -> bool:
    """Whether ``host`` (as given to --host) only listens on this machine."""
    h = host.strip().strip("[]").lower()
    if h in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it may resolve anywhere


def load_token(path: str) -> str:
    """The token in ``path`` (surrounding white space ignored); UsageError when unusable."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: không tìm thấy tệp token.", f"{path}: token file not found.") from None
    except OSError as exc:
        raise UsageError(f"{path}: không đọc được tệp token ({exc.strerror}).",
                         f"{path}: cannot read the token file ({exc.strerror}).") from None
    try:
        token = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UsageError(f"{path}: tệp token phải là văn bản UTF-8.", f"{path}: the token file must be UTF-8 text.") from None
    hint = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
    if len(token) < MIN_TOKEN_CHARS or any(c.isspace() or not c.isprintable() for c in token):
        raise UsageError(
            f"{path}: token phải dài ít nhất {MIN_TOKEN_CHARS} ký tự, không có khoảng trắng (tạo bằng: {hint}).",
            f"{path}: the token must be at least {MIN_TOKEN_CHARS} characters without spaces (make one with: {hint}).")
    return token


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented token with the real one."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


def cookie_value(token: str) -> str:
    """What the auth cookie holds: derived from the token, never the token itself."""
    return hmac.new(token.encode("utf-8"), b"reportcheck auth cookie v1", hashlib.sha256).hexdigest()


def cookie_matches(given: str | None, token: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("ascii", "replace"), cookie_value(token).encode("ascii"))


def host_allowed(host_header: str | None, allowed: frozenset[str] | None) -> bool:
    """Host header check against DNS rebinding (only when ``allowed`` is given)."""
    if allowed is None:
        return True
    if not host_header:
        return False
    try:
        name = urlsplit(f"//{host_header}").hostname or ""
    except ValueError:
        return False
    return name.lower() in allowed


def same_origin(origin: str | None, host_header: str | None) -> bool:
    """A form POST's Origin must name this server (absent Origin: not a browser form, allowed)."""
    if origin is None:
        return True
    if origin == "null" or not host_header:
        return False
    try:
        return urlsplit(origin).netloc.lower() == host_header.lower()
    except ValueError:
        return False


# --- response headers -----------------------------------------------------------------

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on our own form posts
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
# For anything that is not one of our HTML pages (JSON, files): nothing may run or load.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_SCRIPT_RE = re.compile(r"<script(?:\s[^>]*)?>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def script_hashes(html: str) -> list[str]:
    """CSP source expressions for every inline script of ``html``."""
    out = []
    for body in _SCRIPT_RE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        out.append(f"'sha256-{digest}'")
    return sorted(set(out))


def page_csp(html: str) -> str:
    """The CSP of one of our pages: its own inline scripts (by hash) and styles, nothing from
    anywhere else, no framing, forms only to this server."""
    scripts = " ".join(script_hashes(html)) or "'none'"
    return ("default-src 'none'; "
            f"script-src {scripts}; "
            "style-src 'unsafe-inline'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


# --- private temp folders -------------------------------------------------------------

@contextlib.contextmanager
def private_dir(root: str | None = None):
    """A fresh folder only this user can open (mkdtemp: mode 0700), removed with all it holds."""
    path = Path(tempfile.mkdtemp(prefix="reportcheck-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        if path.exists():  # pragma: no cover - a file we could not delete
            shutil.rmtree(path, ignore_errors=False)


def _create(path: Path):
    """A new file, owner-only, never following a link or replacing anything."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb")


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(name: str | None, fallback: str = "bao-cao") -> str:
    """The last component of a client-given file name, without anything a path could use."""
    name = unicodedata.normalize("NFC", name or "")
    name = PureWindowsPath(PurePosixPath(name.replace("\\", "/")).name).name
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if not name:
        return fallback
    if len(name) > 120:
        stem, ext = os.path.splitext(name)
        name = stem[: 120 - len(ext[:16])] + ext[:16]
    return name


# --- uploads --------------------------------------------------------------------------

@dataclass(frozen=True)
class UploadLimits:
    file: int = 10 * MB  # one uploaded file, and one report inside a zip
    request: int = 40 * MB  # the whole request body
    files: int = 200  # file parts per request, and reports in one zip
    fields: int = 20  # text fields per request
    field: int = 4096  # bytes in one text field

    def too_big_file(self, name: str) -> Refusal:
        n = _mb(self.file)
        return Refusal(413, "too-large",
                       f"tệp lớn hơn {n} MB, giới hạn của máy chủ cho một tệp. Hãy bỏ ảnh hoặc tách tệp rồi thử lại.",
                       f"the file is over the server's {n} MB limit per file. Remove images or split it, then try again.",
                       name)

    def too_big_request(self) -> Refusal:
        n = _mb(self.request)
        return Refusal(413, "too-large",
                       f"tổng dung lượng gửi lên lớn hơn {n} MB (giới hạn mỗi lần gửi). Hãy gửi ít tệp hơn mỗi lần.",
                       f"the upload is over the server's {n} MB limit per request. Send fewer files at a time.")

    def too_many_files(self) -> Refusal:
        return Refusal(413, "too-many-files", f"quá nhiều tệp trong một lần gửi (tối đa {self.files}).",
                       f"too many files in one request (at most {self.files}).")


@dataclass
class Upload:
    """One uploaded file, saved in the private folder."""

    field: str
    name: str  # what the user called it (sanitised), shown in every message
    path: Path
    size: int = 0
    given: bool = True  # the client named the file (a browser's empty file input does not)


@dataclass
class Form:
    files: list[Upload] = dataclasses.field(default_factory=list)
    fields: dict[str, str] = dataclasses.field(default_factory=dict)

    def get(self, name: str) -> list[Upload]:
        return [u for u in self.files if u.field == name]


def bad_form(vi: str, en: str) -> Refusal:
    return Refusal(400, "bad-request", vi, en)


async def read_form(headers, stream: AsyncIterator[bytes], dest: Path, limits: UploadLimits,
                    file_fields: frozenset[str]) -> Form:
    """Stream a multipart/form-data body into ``dest``, enforcing every cap while reading.

    Files go straight to owner-only files in ``dest`` (never to a spool in the
    system temp folder); text fields stay in memory. Raises :class:`Refusal`.
    """
    ctype = headers.get("content-type", "")
    kind, params = parse_options_header(ctype)
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise Refusal(400, "bad-request", "hãy gửi tệp theo kiểu multipart/form-data.",
                      "send the files as multipart/form-data.")
    declared = headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limits.request:
                raise limits.too_big_request()
        except ValueError:
            raise bad_form("Content-Length không hợp lệ.", "invalid Content-Length.") from None

    form = Form()
    state: dict = {"name": b"", "value": b"", "disp": b"", "part": None, "file": None, "upload": None,
                   "data": bytearray(), "overflow": None, "fields": 0}

    def on_part_begin() -> None:
        state.update(disp=b"", part=None, file=None, upload=None, data=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        if state["name"].lower() == b"content-disposition":
            state["disp"] = state["value"]
        state["name"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, opts = parse_options_header(state["disp"])
        field_name = opts.get(b"name", b"").decode("utf-8", "replace")
        state["part"] = field_name
        if b"filename" in opts:
            if field_name not in file_fields:
                raise bad_form(f"trường tệp không mong đợi: {field_name!r}.", f"unexpected file field {field_name!r}.")
            if len(form.files) >= limits.files:
                raise limits.too_many_files()
            client_name = opts[b"filename"].decode("utf-8", "replace")
            n = len(form.files)
            folder = dest / f"u{n:03d}"
            folder.mkdir(mode=0o700)
            upload = Upload(field_name, safe_name(client_name), folder / safe_name(client_name),
                            given=bool(client_name.strip()))
            state["upload"] = upload
            state["file"] = _create(upload.path)
            form.files.append(upload)
        else:
            state["fields"] += 1
            if state["fields"] > limits.fields:
                raise bad_form("quá nhiều trường trong biểu mẫu.", "too many form fields.")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        upload = state["upload"]
        if upload is None:
            if len(state["data"]) + len(chunk) > limits.field:
                raise bad_form("một trường của biểu mẫu quá dài.", "a form field is too long.")
            state["data"] += chunk
            return
        upload.size += len(chunk)
        if upload.size > limits.file:
            if state["overflow"] is None:
                state["overflow"] = limits.too_big_file(upload.name)
            return  # keep reading (discarding) so the client gets the answer, within the request cap
        state["file"].write(chunk)

    def on_part_end() -> None:
        if state["file"] is not None:
            state["file"].close()
            state["file"] = None
        elif state["part"] is not None:
            form.fields[state["part"]] = bytes(state["data"]).decode("utf-8", "replace")

    callbacks = {
        "on_part_begin": on_part_begin, "on_part_data": on_part_data, "on_part_end": on_part_end,
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
    }
    parser = MultipartParser(params[b"boundary"], callbacks)
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > limits.request:
                raise limits.too_big_request()
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise bad_form("dữ liệu multipart bị hỏng.", "malformed multipart data.") from None
    finally:
        if state["file"] is not None:
            state["file"].close()
    if state["overflow"] is not None:
        raise state["overflow"]
    # a browser sends an empty, nameless part for a file input left empty: not an upload
    form.files = [u for u in form.files if u.size or u.given]
    return form


# --- what a file is, by its content ----------------------------------------------------

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_PACKAGE_PARTS = ("[content_types].xml", "_rels/.rels", "word/document.xml")
_DOCX_EXT = (".docx", ".docm")
_TEXT_EXT = (".txt", ".md", ".markdown")
_OLD_EXT = (".doc", ".dot")


def _limits_for(upload_limits: UploadLimits):
    return dataclasses.replace(DEFAULT_LIMITS, file=min(DEFAULT_LIMITS.file, upload_limits.file),
                               part=min(DEFAULT_LIMITS.part, upload_limits.file),
                               total=min(DEFAULT_LIMITS.total, max(upload_limits.request, upload_limits.file)))


def sniff(data: bytes) -> str:
    """What ``data`` is: docx, zip, ole, pdf, rtf, text, binary or empty (no extension consulted)."""
    if not data:
        return "empty"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(ZIP_MAGIC):
        return "zip"  # a Word package or a zip of reports: see is_package
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or b"\x00" not in head:
        return "text"
    return "binary"


def is_package(data: bytes, name: str, limits: UploadLimits) -> bool:
    """Whether a zip is a Word package (rather than a zip of reports); refuses bombs."""
    package = SafeZip(data, name, _limits_for(limits))
    return any(package.has(part) for part in _PACKAGE_PARTS)


def settle(upload: Upload, limits: UploadLimits, allow_zip: bool) -> str:
    """Give ``upload`` the extension its content calls for; returns its kind (``report`` or ``zip``).

    The extension the user gave only decides between .txt and .md, and keeps
    the reader's own advice for a damaged .docx. Raises :class:`Refusal`.
    """
    data = upload.path.read_bytes()
    kind = sniff(data)
    ext = upload.path.suffix.lower()
    target = ext
    try:
        if kind == "empty":
            raise refuse(upload.name, "empty")
        if kind == "zip":
            if is_package(data, upload.name, limits):
                target = ext if ext in _DOCX_EXT else ".docx"
            elif allow_zip:
                return "zip"
            else:
                raise Refusal(400, "zip-archive",
                              "đây là tệp nén (.zip) chứa nhiều tệp; hãy dùng trang «Kiểm tra nhiều bản».",
                              "this is a zip of several files; use the batch page (or /api/audit).", upload.name)
        elif kind == "ole":
            target = ext if ext in _DOCX_EXT + _OLD_EXT else ".doc"  # the reader says old .doc or password
        elif kind in ("pdf", "rtf"):
            if ext not in _DOCX_EXT:
                raise refuse(upload.name, "unknown-extension")  # the reader's own words for a PDF named .docx
        elif kind == "text":
            target = ext if ext in _TEXT_EXT else ".txt"
        elif ext not in ACCEPTED_EXTENSIONS:  # binary of no kind we know
            raise refuse(upload.name, "unknown-extension")
    except InputError as exc:
        raise Refusal.from_input(exc, upload.name) from None
    if target != ext:
        new = upload.path.with_name(upload.path.stem[:100] + target)
        os.rename(upload.path, new)
        upload.path = new
    return "report"


def unpack_zip(upload: Upload, dest: Path, limits: UploadLimits) -> tuple[list[Upload], list[Refusal]]:
    """The reports inside a zip, written to ``dest`` with the reader's zip guards (entry
    count, declared and actual sizes, compression ratio, total); only .docx/.docm/.txt/.md
    entries are taken (old .doc too, so the reader can say how to convert it)."""
    data = upload.path.read_bytes()
    try:
        package = SafeZip(data, upload.name, _limits_for(limits))
        # the directory is listed only after SafeZip has vetted it (entry count); every
        # entry is then inflated by SafeZip.read, within its caps
        infos = [i for i in zipfile.ZipFile(io.BytesIO(data)).infolist() if not i.is_dir()]
    except InputError as exc:
        raise Refusal.from_input(exc, upload.name) from None
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refusal.from_input(refuse(upload.name, "bad-zip"), upload.name) from None
    out: list[Upload] = []
    refused: list[Refusal] = []
    for i, info in enumerate(infos):
        entry = info.filename
        # the entry's path is only ever shown, never used on disk ("../", "/" dropped)
        parts = [p for p in PurePosixPath(entry.replace("\\", "/")).parts if p not in ("/", ".", "..")]
        base = parts[-1] if parts else ""
        if not base or any(p.startswith(".") or p == "__MACOSX" for p in parts) or base.startswith("~$"):
            continue  # hidden files, macOS resource forks, Word lock files
        shown = f"{upload.name}/{'/'.join(safe_name(p, '_') for p in parts)}"
        ext = PurePosixPath(base).suffix.lower()
        if ext not in ACCEPTED_EXTENSIONS and ext not in _OLD_EXT:
            refused.append(Refusal.from_input(refuse(shown, "unknown-extension"), shown))
            continue
        if len(out) >= limits.files:
            raise limits.too_many_files()
        if info.file_size > limits.file:  # one report too large: refused alone (a lying size is a bomb below)
            refused.append(limits.too_big_file(shown))
            continue
        try:
            body = package.read(entry)
        except InputError as exc:
            raise Refusal.from_input(exc, upload.name) from None  # a bomb spoils the whole zip
        if body is None:
            continue
        if len(body) > limits.file:
            refused.append(limits.too_big_file(shown))
            continue
        folder = dest / f"z{i:04d}"
        folder.mkdir(mode=0o700)
        target = folder / safe_name(base)
        with _create(target) as f:
            f.write(body)
        out.append(Upload("files", shown, target, len(body)))
    return out, refused


# --- concurrency ------------------------------------------------------------------------

@dataclass
class Gate:
    """Bounded CPU work off the event loop: ``workers`` threads (and an asyncio semaphore of
    the same size) run checks; at most ``workers + queue`` requests are admitted at once,
    the next one is answered 503 "busy" at once."""

    workers: int = 2
    queue: int = 32
    inflight: int = 0
    executor: ThreadPoolExecutor | None = None
    _sem: asyncio.Semaphore | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.workers = max(1, int(self.workers))
        self.queue = max(0, int(self.queue))

    @property
    def limit(self) -> int:
        return self.workers + self.queue

    def start(self) -> None:
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="reportcheck-check")

    def stop(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None
        self._sem = None

    @contextlib.asynccontextmanager
    async def slot(self):
        """Admission: refuse with 503 when full (checked before the body is read)."""
        if self.inflight >= self.limit:
            raise busy()
        self.inflight += 1
        try:
            yield
        finally:
            self.inflight -= 1

    async def run(self, fn: Callable, *args, **kwargs):
        """``fn(*args, **kwargs)`` in the worker threads, at most ``workers`` at a time."""
        self.start()
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.workers)
        async with self._sem:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))
