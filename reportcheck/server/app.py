"""The web front: pages for members and reviewers, and the same operations as a JSON API.

``create_app(settings)`` builds the FastAPI application that ``reportcheck serve``
runs with uvicorn. Pages are rendered on the server (Jinja2, the HTML report's own
templates) and work without JavaScript.

Pages: ``GET /`` upload one draft (+ last year's report) → ``POST /check`` →
``GET /r/<id>`` the result (downloads ``/r/<id>/annotated.docx|report.html|report.json``);
``GET /batch`` several files or a zip → ``POST /batch`` → ``GET /b/<id>`` the audit
dashboard (``/b/<id>/audit.json|audit.html``); ``/token`` asks for the token once.
API: ``POST /api/check``, ``POST /api/audit``, ``GET /api/health``; ``/openapi.json``
and an offline ``/docs`` page.

Privacy: every upload is streamed into a private temp folder (mode 0700) that is
deleted before the response leaves, unless the user ticks "add to the archive"
(then the archive keeps what it keeps). A page's result stays in memory only, under
an unguessable id bound to the browser's session cookie, until it expires or is
deleted; the API keeps nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import os
import re
import secrets
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import InputError, UsageError
from ..model import Finding, Msg
from . import security as sec
from .security import (COOKIE_AUTH, COOKIE_SESSION, MB, Form, Gate, Refusal, Upload, UploadLimits, private_dir)

LANGS = ("vi", "en")
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
_TRUE = frozenset(("1", "on", "true", "yes"))


# --- settings ------------------------------------------------------------------------

@dataclass
class Settings:
    """How the server runs. ``token`` is required unless ``host`` is a loopback address."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    archive: str | None = None  # SQLite archive of the unit (reportcheck.archive.Archive)
    max_upload_mb: float = 10.0  # per file (and per report inside a zip)
    max_request_mb: float | None = None  # per request; default 4 x max_upload_mb
    max_files: int = 200  # files per request / reports per zip
    workers: int = 2  # checks running at once (threads)
    queue: int = 32  # requests that may wait for a worker; more are answered 503 "busy"
    result_ttl: float = 30 * 60  # seconds a page's result stays in memory
    max_results: int = 64  # results kept in memory at once (oldest dropped first)
    max_result_bytes: int = 256 * MB  # their uploaded sources, in bytes
    temp_root: str | None = None  # where private temp folders are made (default: the system's)
    upload_timeout: float = 600.0  # seconds an upload may take to arrive
    allowed_hosts: tuple[str, ...] | None = None  # Host header names accepted; default: loopback names

    def limits(self) -> UploadLimits:
        per_file = int(self.max_upload_mb * MB)
        if self.max_request_mb is not None:
            per_request = int(self.max_request_mb * MB)
        else:  # room for four files of the largest size and the multipart framing
            per_request = 4 * per_file + 64 * 1024
        return UploadLimits(file=per_file, request=per_request, files=self.max_files)

    def hosts(self) -> frozenset[str] | None:
        """Host header names to accept (DNS-rebinding guard); None = any (a token guards it)."""
        if self.allowed_hosts is not None:
            return frozenset(h.lower() for h in self.allowed_hosts)
        if sec.is_loopback(self.host):
            return frozenset(("127.0.0.1", "localhost", "::1", self.host.strip("[]").lower()))
        return None

    def validate(self) -> None:
        if not sec.is_loopback(self.host) and not self.token:
            raise UsageError(
                f"không mở máy chủ trên {self.host} khi không có token: dùng --token-file (hoặc --host 127.0.0.1).",
                f"refusing to listen on {self.host} without a token: use --token-file (or --host 127.0.0.1).")
        if self.max_upload_mb <= 0 or self.workers < 1 or self.queue < 0:
            raise UsageError("--max-upload-mb và --workers phải lớn hơn 0.", "--max-upload-mb and --workers must be positive.")


# --- results kept for a page ---------------------------------------------------------

@dataclass
class Entry:
    sid: str
    kind: str  # "report" | "batch"
    expires: float
    data: dict
    size: int = 0


class Store:
    """Results of the pages, in memory only: unguessable ids, bound to one browser's
    session cookie, expiring, bounded in count and bytes."""

    def __init__(self, ttl: float, max_items: int, max_bytes: int, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.max_items, self.max_bytes, self.clock = ttl, max_items, max_bytes, clock
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self) -> None:
        now = self.clock()
        for key in [k for k, e in self._items.items() if e.expires <= now]:
            del self._items[key]
        while self._items and (len(self._items) > self.max_items or
                               sum(e.size for e in self._items.values()) > self.max_bytes):
            self._items.popitem(last=False)

    def put(self, sid: str, kind: str, data: dict, size: int = 0) -> str:
        rid = secrets.token_urlsafe(32)
        with self._lock:
            self._items[rid] = Entry(sid, kind, self.clock() + self.ttl, data, size)
            self._expire()
        return rid

    def get(self, rid: str, sid: str | None, kind: str) -> Entry | None:
        if not _ID_RE.match(rid or "") or not sid:
            return None
        with self._lock:
            self._expire()
            entry = self._items.get(rid)
        if entry is None or entry.kind != kind or not secrets.compare_digest(entry.sid, sid):
            return None
        return entry

    def drop(self, rid: str, sid: str | None) -> bool:
        with self._lock:
            entry = self._items.get(rid)
            if entry is not None and sid and secrets.compare_digest(entry.sid, sid):
                del self._items[rid]
                return True
        return False

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)


# --- templates -----------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _env():
    from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

    from ..emit.html import bi, lab, ui

    env = Environment(
        loader=ChoiceLoader([PackageLoader("reportcheck.server", "templates"), PackageLoader("reportcheck", "templates")]),
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.globals.update(ui=ui, lab=lab, bi=bi, t=bi)
    return env


def render(template: str, /, **ctx) -> str:
    return _env().get_template(template).render(**ctx)


def page(text: str, status: int = 200, headers: dict | None = None) -> HTMLResponse:
    """An HTML page whose CSP allows exactly its own inline scripts."""
    response = HTMLResponse(text, status_code=status, headers=headers)
    response.headers["Content-Security-Policy"] = sec.page_csp(text)
    return response


def _ascii_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("._") or "report"


def attachment(name: str) -> str:
    return f"attachment; filename=\"{_ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- turning temp paths back into the names the user gave ------------------------------

class Relabel:
    """Replaces the private temp paths in a result by the uploaded file names, so no
    server path ever reaches a page, a JSON answer or the archive."""

    def __init__(self, uploads: list[Upload], root: Path):
        self.map = sorted(((str(u.path), u.name) for u in uploads), key=lambda kv: -len(kv[0]))
        self.root = str(root)

    def text(self, s: str) -> str:
        if self.root not in s:
            return s
        for path, name in self.map:
            s = s.replace(path, name)
        return s.replace(self.root + os.sep, "").replace(self.root, "")

    def __call__(self, obj):
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, dict):
            return {self(k): self(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self(v) for v in obj]
        if isinstance(obj, tuple):
            return tuple(self(v) for v in obj)
        if isinstance(obj, (Finding, Msg)) or (dataclasses.is_dataclass(obj) and not isinstance(obj, type)
                                               and getattr(obj, "__dataclass_params__").frozen):
            fields = {f.name: self(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init}
            return dataclasses.replace(obj, **fields)
        return obj

    def result(self, result) -> None:
        a = result.analysis
        a.document = dataclasses.replace(a.document, path=self.text(a.document.path))
        result.findings = [self(f) for f in result.findings]
        result.extras = self(result.extras)

    def error(self, exc: InputError) -> Refusal:
        return Refusal.from_input(exc, self.text(exc.path))


# --- the work, run in the worker threads ------------------------------------------------

def _digest(path: str | Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _archive_add(settings: Settings, items: list[tuple], year: int | None, unit: str | None) -> int:
    """Keep checked reports in the archive (only when the user asked). ``items``: (result with
    the names relabelled, sha256 of the uploaded bytes). The archived file name carries the
    member (or the content hash), so two members' "bao-cao.docx" never overwrite each other."""
    from ..archive import Archive, record_of
    from ..batch import member_key

    records = []
    for result, digest in items:
        try:
            rec = record_of(result, year, unit)
        except ValueError:
            raise Refusal(400, "no-year", "không biết năm của bản kiểm điểm; hãy ghi năm vào ô «Năm» rồi gửi lại.",
                          "the report's year is unknown; fill in the year field and send it again.",
                          result.analysis.document.path) from None
        rec["sha256"] = digest
        rec["file"] = f"upload/{member_key(result.analysis.member) or digest[:16]}/{rec['file']}"
        records.append(rec)
    with Archive(settings.archive) as archive, archive.transaction():
        for rec in records:
            archive.put(rec)
    return len(records)


def _settle_all(uploads: list[Upload], tmp: Path, limits: UploadLimits, allow_zip: bool):
    """Each upload's real type from its content; zips unpacked with the guards."""
    reports: list[Upload] = []
    refused: list[Refusal] = []
    for u in uploads:
        try:
            kind = sec.settle(u, limits, allow_zip)
            if kind == "zip":
                inner, bad = sec.unpack_zip(u, tmp, limits)
                refused.extend(bad)
                for v in inner:
                    try:
                        sec.settle(v, limits, allow_zip=False)
                        reports.append(v)
                    except Refusal as exc:
                        refused.append(exc)
            else:
                reports.append(u)
        except Refusal as exc:
            if not allow_zip or exc.status == 413:
                raise
            refused.append(exc)
    if len(reports) > limits.files:
        raise limits.too_many_files()
    return reports, refused


def check_job(draft: Upload, prior: Upload | None, tmp: Path, settings: Settings, archive: bool,
              year: int | None = None) -> dict:
    """One draft (+ prior): read, check, relabel; the source kept for the annotated copy."""
    from ..batch import run

    limits = settings.limits()
    sec.settle(draft, limits, allow_zip=False)
    if prior is not None:
        sec.settle(prior, limits, allow_zip=False)
    relabel = Relabel([draft] + ([prior] if prior else []), tmp)
    with _REUSE_LOCK if prior is not None else contextlib.nullcontext():
        batch = run([str(draft.path)], prior=str(prior.path) if prior else None)
    if batch.errors:
        raise relabel.error(batch.errors[0])
    result = batch.results[0]
    relabel.result(result)
    source = draft.path.read_bytes() if result.analysis.document.source_format == "docx" else None
    archived = _archive_add(settings, [(result, _digest(draft.path))], year, None) if archive else 0
    return {"result": result, "name": draft.name, "prior": prior.name if prior else None,
            "source": source, "source_ext": draft.path.suffix.lower(), "archived": archived, "annotated": {}}


# Copy detection keeps process-wide state (reuse.units' token vocabulary, audit's run state)
# that is not safe to update from two threads at once: checks that compare documents (a
# prior, a batch) take this lock; plain checks, the common case, run in parallel.
_REUSE_LOCK = threading.Lock()


def audit_job(uploads: list[Upload], tmp: Path, settings: Settings, archive: bool, year: int | None,
              unit: str | None) -> dict:
    """Several reports (or zips of them): the audit rows, refusals listed per file."""
    from ..audit import run_audit

    limits = settings.limits()
    reports, refused = _settle_all(uploads, tmp, limits, allow_zip=True)
    relabel = Relabel(reports + uploads, tmp)
    results, rows, unit_findings = [], [], []
    if reports:
        # jobs=1: no processes forked from a threaded server; archive=None on purpose: the web
        # never shows archived reports (anyone could write a colleague's name into a file and
        # read their earlier report side by side). run_audit keeps its run in module globals,
        # so two audits never run at once in this process.
        with _REUSE_LOCK:
            outcome = run_audit([str(u.path) for u in reports], archive=None, year=year, peers=True, jobs=1,
                                progress=False)
        for exc in outcome.errors:
            refused.append(relabel.error(exc))
        results = list(outcome.results)
        digests = [_digest(r.analysis.document.path) for r in results] if archive else []
        for r in results:
            relabel.result(r)
        rows = relabel(list(outcome.rows))
        unit_findings = relabel(list(getattr(outcome, "unit_findings", None) or []))
    archived = _archive_add(settings, list(zip(results, digests)), year, unit) if archive and results else 0
    return {"results": results, "rows": rows, "refused": refused, "unit_findings": unit_findings,
            "archived": archived, "files": len(reports) + sum(1 for r in refused if r.file)}


def annotate_job(entry: dict, lang: str, settings: Settings) -> bytes:
    from ..emit.docx_comments import annotate_docx

    with private_dir(settings.temp_root) as tmp:
        src = tmp / f"source{entry['source_ext'] if entry['source_ext'] in ('.docx', '.docm') else '.docx'}"
        with sec._create(src) as f:
            f.write(entry["source"])
        out = tmp / "annotated.docx"
        annotate_docx(src, entry["result"], out, lang)
        return out.read_bytes()


def finding_json(f, lang: str):
    from ..emit.jsonout import finding_dict

    if isinstance(f, Finding):
        return finding_dict(f, lang)
    if hasattr(f, "to_dict"):  # rules.unit.UnitFinding
        return f.to_dict(lang)
    if dataclasses.is_dataclass(f) and not isinstance(f, type):
        return {k: (v.get(lang) if isinstance(v, Msg) else v) for k, v in dataclasses.asdict(f).items()}
    return f


def unit_view(f) -> dict:
    """A unit-level finding for the batch page, both languages when it has them."""
    from ..emit.html import msg

    if isinstance(getattr(f, "message", None), Msg):
        suggestion = getattr(f, "suggestion", None)
        return {"code": f.code, "rule": f.rule, "severity": f.severity, "message": msg(f.message),
                "suggestion": msg(suggestion) if isinstance(suggestion, Msg) else None,
                "files": [str(x) for x in getattr(f, "files", ())]}
    d = finding_json(f, "vi")
    if not isinstance(d, dict):
        d = {"message": str(d)}
    return {"code": d.get("code", ""), "rule": d.get("rule"), "severity": d.get("severity") or "info",
            "message": d.get("message") or "", "suggestion": d.get("suggestion"), "files": list(d.get("files") or [])}


def audit_payload(data: dict, lang: str) -> dict:
    from ..emit.jsonout import SCHEMA

    return {
        "schema": SCHEMA,
        "rows": data["rows"],
        "unit_findings": [finding_json(f, lang) for f in data["unit_findings"]],
        "errors": [{"file": r.file, "reason": r.reason, "message": r.message(lang)} for r in data["refused"]],
    }


# --- the security middleware --------------------------------------------------------------

def _lang_of(scope_query: str | None = None, value: str | None = None) -> str:
    if value in LANGS:
        return value
    if scope_query:
        m = re.search(r"(?:^|&)lang=(vi|en)(?:&|$)", scope_query)
        if m:
            return m.group(1)
    return "vi"


def is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


class Guard:
    """Every request: Host check (DNS rebinding), same-origin POSTs, the token when one
    is set, and the security headers on every response."""

    OPEN_PATHS = frozenset(("/token",))

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings
        self.hosts = settings.hosts()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in sec.SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = sec.DEFAULT_CSP
            await send(message)

        refusal = self.check(scope)
        if refusal is None:
            return await self.app(scope, receive, send_with_headers)
        lang = _lang_of(scope.get("query_string", b"").decode("latin-1"))
        path = scope.get("path", "/")
        if refusal.status == 401 and not is_api(path) and scope.get("method") in ("GET", "HEAD"):
            qs = scope.get("query_string", b"").decode("latin-1")
            response = token_page(lang, path + (f"?{qs}" if qs else ""), refusal if refusal.reason == "bad-token" else None)
        else:
            response = error_response(refusal, lang, api=is_api(path))
        await response(scope, receive, send_with_headers)

    def check(self, scope) -> Refusal | None:
        headers = Headers(scope=scope)
        host = headers.get("host")
        if not sec.host_allowed(host, self.hosts):
            return Refusal(400, "bad-host", "tên máy chủ (Host) không được chấp nhận.", "this Host name is not accepted.")
        if scope.get("method") not in ("GET", "HEAD", "OPTIONS"):
            if headers.get("sec-fetch-site") == "cross-site" or not sec.same_origin(headers.get("origin"), host):
                return Refusal(403, "cross-site", "yêu cầu từ trang khác bị từ chối.", "a request from another site was refused.")
        token = self.settings.token
        if not token or scope.get("path") in self.OPEN_PATHS:
            return None
        auth = headers.get("authorization")
        if auth is not None:
            scheme, _, given = auth.partition(" ")
            if scheme.lower() == "bearer" and sec.token_matches(given.strip(), token):
                return None
            return Refusal(401, "bad-token", "token không đúng.", "the token is wrong.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        cookie = _cookie(headers, COOKIE_AUTH)
        if cookie is not None:
            if sec.cookie_matches(cookie, token):
                return None
            return Refusal(401, "bad-token", "phiên đăng nhập không còn hợp lệ; hãy nhập lại token.",
                           "the saved sign-in is no longer valid; enter the token again.",
                           headers={"WWW-Authenticate": "Bearer"})
        return Refusal(401, "token-required",
                       "cần token: gửi «Authorization: Bearer <token>» (API) hoặc nhập token trên trang.",
                       "a token is required: send 'Authorization: Bearer <token>' (API) or enter it on the page.",
                       headers={"WWW-Authenticate": "Bearer"})


def _cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def error_response(refusal: Refusal, lang: str, api: bool, template: str | None = None, ctx: dict | None = None):
    if api:
        return JSONResponse(refusal.payload(lang), status_code=refusal.status, headers=refusal.headers)
    text = render(template or "error.html.j2", lang=lang, errors=[refusal], status=refusal.status, **(ctx or {}))
    return page(text, refusal.status, refusal.headers)


def token_page(lang: str, next_url: str, refusal: Refusal | None) -> HTMLResponse:
    text = render("token.html.j2", lang=lang, next=_safe_next(next_url), errors=[refusal] if refusal else [],
                  here="/token")
    return page(text, 401, {"WWW-Authenticate": "Bearer"})


def _safe_next(url: str | None) -> str:
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url or url.startswith("/token"):
        return "/"
    return url


# --- the application ------------------------------------------------------------------------

_ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string", "description": "what is wrong and what to do (Vietnamese, or English with ?lang=en)"},
    "reason": {"type": "string", "description": "stable key: zip-bomb, xml-entity, old-doc, too-large, busy, …"},
    "file": {"type": "string", "description": "the refused file, when one is"},
}}
_REFUSALS = {
    400: {"description": "bad file or request (wrong type by content, zip bomb, XXE, old .doc, …)",
          "content": {"application/json": {"schema": _ERROR_SCHEMA}}},
    401: {"description": "token missing or wrong (only when the server has a token)",
          "content": {"application/json": {"schema": _ERROR_SCHEMA}}},
    413: {"description": "a file or the whole request is over the size limit",
          "content": {"application/json": {"schema": _ERROR_SCHEMA}}},
    503: {"description": "busy: too many checks at once; retry after the Retry-After seconds",
          "content": {"application/json": {"schema": _ERROR_SCHEMA}}},
}
_FILE = {"type": "string", "format": "binary"}
_LANG_PARAM = [{"name": "lang", "in": "query", "required": False, "description": "language of messages (vi default)",
                "schema": {"type": "string", "enum": list(LANGS), "default": "vi"}}]
_CONTRACT = {"type": "object", "description": "the output contract of `reportcheck check --format json` (schema 1)",
             "required": ["schema", "file", "findings", "scores", "verdict"], "properties": {
                 "schema": {"type": "integer"}, "file": {"type": "string"},
                 "kind": {"type": "string"}, "form": {"type": "string"}, "language": {"type": "string"},
                 "year": {"type": ["integer", "null"]}, "member": {"type": ["string", "null"]},
                 "self_rating": {"type": "object"}, "sections": {"type": "array", "items": {"type": "object"}},
                 "findings": {"type": "array", "items": {"type": "object"}}, "scores": {"type": "object"},
                 "balance": {"type": "object"}, "verdict": {"type": "string", "enum": ["ok", "revise", "perfunctory"]},
             }}


def _body(properties: dict, required: list[str]) -> dict:
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": properties, "required": required}}}}, "parameters": _LANG_PARAM}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; raises UsageError for settings that would be unsafe."""
    settings = settings or Settings()
    settings.validate()
    if settings.archive:
        from ..archive import Archive

        Archive(settings.archive).close()  # ArchiveError (one line) now rather than at the first upload
    gate = Gate(workers=settings.workers, queue=settings.queue)
    store = Store(settings.result_ttl, settings.max_results, settings.max_result_bytes)
    limits = settings.limits()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        gate.start()
        try:
            yield
        finally:
            gate.stop()
            store.clear()

    app = FastAPI(
        title="reportcheck", version=__version__, lifespan=lifespan,
        description="Kiểm tra bản kiểm điểm đảng viên / checks Party members' self-criticism reports. "
                    "Nothing is stored: uploads are deleted after each answer.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json", swagger_ui_oauth2_redirect_url=None,
    )
    app.state.settings, app.state.gate, app.state.store = settings, gate, store
    app.add_middleware(Guard, settings=settings)

    def lang_of(request: Request, value: str | None = None) -> str:
        if value in LANGS:
            return value
        return _lang_of(request.url.query)

    def session_of(request: Request) -> tuple[str, bool]:
        sid = request.cookies.get(COOKIE_SESSION)
        if sid and _ID_RE.match(sid):
            return sid, False
        return secrets.token_urlsafe(32), True

    def set_cookie(response: Response, name: str, value: str) -> None:
        response.set_cookie(name, value, httponly=True, samesite="strict", path="/",
                            secure=False, max_age=None)

    def common(request: Request, lang: str) -> dict:
        return {"lang": lang, "here": request.url.path, "max_mb": f"{settings.max_upload_mb:g}",
                "max_request_mb": f"{limits.request / MB:g}", "archive": bool(settings.archive),
                "token_set": bool(settings.token), "base": str(request.base_url)}

    # -- refusals -------------------------------------------------------------------------
    @app.exception_handler(Refusal)
    async def on_refusal(request: Request, exc: Refusal):
        lang = lang_of(request)
        path = request.url.path
        if is_api(path):
            return error_response(exc, lang, api=True)
        template = {"/check": "upload.html.j2", "/batch": "batch.html.j2"}.get(path, "error.html.j2")
        ctx = common(request, lang)
        ctx["here"] = {"/check": "/", "/batch": "/batch"}.get(path, path)
        return error_response(exc, lang, api=False, template=template, ctx={k: v for k, v in ctx.items() if k != "lang"})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        status = exc.status_code
        if status == 404:
            refusal = Refusal(404, "not-found", "không có trang này, hoặc kết quả đã hết hạn hay đã bị xoá "
                              "(kết quả chỉ giữ trong bộ nhớ một thời gian và chỉ trình duyệt đã gửi tệp xem được).",
                              "no such page, or the result has expired or was deleted (results stay in memory for "
                              "a while and only the browser that sent the file can see them).")
        elif status == 405:
            refusal = Refusal(405, "method", "phương thức không được hỗ trợ.", "method not allowed.")
        else:
            refusal = Refusal(status, "http", str(exc.detail), str(exc.detail))
        return await on_refusal(request, refusal)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        return await on_refusal(request, Refusal(400, "bad-request", "yêu cầu không hợp lệ.", "invalid request."))

    # -- shared upload handling -----------------------------------------------------------
    async def receive(request: Request, tmp: Path, fields: frozenset[str]) -> Form:
        try:
            return await asyncio.wait_for(sec.read_form(request.headers, request.stream(), tmp, limits, fields),
                                          settings.upload_timeout)
        except asyncio.TimeoutError:
            raise Refusal(408, "timeout", "tải lên quá lâu; hãy thử lại.", "the upload took too long; try again.") from None

    def wants_archive(form: Form) -> bool:
        if form.fields.get("archive", "").strip().lower() not in _TRUE:
            return False
        if not settings.archive:
            raise Refusal(400, "no-archive", "máy chủ này không có kho lưu (chạy với --archive).",
                          "this server has no archive (start it with --archive).")
        return True

    def year_of(form: Form) -> int | None:
        raw = form.fields.get("year", "").strip()
        if not raw:
            return None
        if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
            raise Refusal(400, "bad-year", "năm không hợp lệ.", "invalid year.")
        return int(raw)

    def one(form: Form, name: str, required: bool) -> Upload | None:
        found = form.get(name)
        if len(found) > 1:
            raise Refusal(400, "bad-request", f"chỉ gửi một tệp ở trường «{name}».", f"send one file in field '{name}'.")
        if not found and required:
            raise Refusal(400, "no-file", "chưa chọn tệp bản kiểm điểm.", "no report file was sent (field 'file').")
        return found[0] if found else None

    async def do_check(request: Request) -> tuple[dict, Form]:
        async with gate.slot():
            with private_dir(settings.temp_root) as tmp:
                form = await receive(request, tmp, frozenset(("file", "prior")))
                draft, prior = one(form, "file", True), one(form, "prior", False)
                data = await gate.run(check_job, draft, prior, tmp, settings, wants_archive(form), year_of(form))
        return data, form

    async def do_audit(request: Request) -> tuple[dict, Form]:
        async with gate.slot():
            with private_dir(settings.temp_root) as tmp:
                form = await receive(request, tmp, frozenset(("files", "file")))
                uploads = form.get("files") + form.get("file")
                if not uploads:
                    raise Refusal(400, "no-file", "chưa chọn tệp nào.", "no file was sent (field 'files').")
                data = await gate.run(audit_job, uploads, tmp, settings, wants_archive(form), year_of(form),
                                      (form.fields.get("unit") or "").strip() or None)
        if not data["results"]:
            first = data["refused"][0] if data["refused"] else Refusal(
                400, "no-report", "không có bản kiểm điểm nào trong các tệp đã gửi.", "no report among the files sent.")
            worst = max((r.status for r in data["refused"]), default=400)
            raise Refusal(worst, first.reason, _joined(data["refused"], "vi") or first.vi,
                          _joined(data["refused"], "en") or first.en)
        return data, form

    # -- API ------------------------------------------------------------------------------
    @app.post("/api/check", summary="Check one report", tags=["api"], responses={200: {
        "description": "the JSON output contract", "content": {"application/json": {"schema": _CONTRACT}}}, **_REFUSALS},
        openapi_extra=_body({"file": {**_FILE, "description": "the draft: .docx, .docm, .txt or .md (judged by content)"},
                             "prior": {**_FILE, "description": "last year's report of the same member (optional)"},
                             "archive": {"type": "boolean", "description": "add the report to the server's archive"}},
                            ["file"]))
    async def api_check(request: Request):
        """Multipart `file` (+ optional `prior`) → the output contract of `check --format json`.
        The upload is deleted before the answer is sent."""
        from ..emit.jsonout import dump_items, result_dict

        data, form = await do_check(request)
        lang = lang_of(request, form.fields.get("lang"))
        body = await gate.run(lambda: dump_items(result_dict(data["result"], lang)))
        return Response(body, media_type="application/json")

    @app.post("/api/audit", summary="Check several reports (audit rows)", tags=["api"], responses={200: {
        "description": "audit rows, unit-level findings and the refused files",
        "content": {"application/json": {"schema": {"type": "object", "properties": {
            "schema": {"type": "integer"}, "rows": {"type": "array", "items": {"type": "object"}},
            "unit_findings": {"type": "array", "items": {"type": "object"}},
            "errors": {"type": "array", "items": {"type": "object"}}}}}}}, **_REFUSALS},
        openapi_extra=_body({"files": {"type": "array", "items": _FILE,
                                       "description": "several reports, or one zip of them (.docx/.txt/.md inside)"},
                             "year": {"type": "integer", "description": "the year under review (optional)"},
                             "archive": {"type": "boolean", "description": "add the reports to the server's archive"}},
                            ["files"]))
    async def api_audit(request: Request):
        """Several `files` (or one zip) → one row per report; refused files are listed in
        `errors` (the answer is 400/413 only when no report could be read)."""
        data, form = await do_audit(request)
        lang = lang_of(request, form.fields.get("lang"))
        return JSONResponse(audit_payload(data, lang))

    @app.get("/api/health", summary="Liveness and load", tags=["api"])
    async def api_health():
        return {"status": "ok", "version": __version__, "busy": gate.inflight >= gate.limit,
                "inflight": gate.inflight, "capacity": gate.limit}

    # -- pages ----------------------------------------------------------------------------
    def with_session(response: Response, request: Request) -> Response:
        sid, new = session_of(request)
        if new:
            set_cookie(response, COOKIE_SESSION, sid)
        return response

    @app.get("/", include_in_schema=False)
    async def upload_page(request: Request):
        lang = lang_of(request)
        return with_session(page(render("upload.html.j2", errors=[], **common(request, lang))), request)

    @app.get("/batch", include_in_schema=False)
    async def batch_page(request: Request):
        lang = lang_of(request)
        return with_session(page(render("batch.html.j2", errors=[], **common(request, lang))), request)

    @app.post("/check", include_in_schema=False)
    async def check_form(request: Request):
        sid, new = session_of(request)
        data, form = await do_check(request)
        lang = lang_of(request, form.fields.get("lang"))
        size = 3 * len(data["source"] or b"") + 64 * 1024  # the source and its annotated copies
        rid = store.put(sid, "report", data, size)
        response = RedirectResponse(f"/r/{rid}?lang={lang}", status_code=303)
        if new:
            set_cookie(response, COOKIE_SESSION, sid)
        return response

    @app.post("/batch", include_in_schema=False)
    async def batch_form(request: Request):
        sid, new = session_of(request)
        data, form = await do_audit(request)
        lang = lang_of(request, form.fields.get("lang"))
        rid = store.put(sid, "batch", data, 64 * 1024 * max(1, len(data["results"])))
        response = RedirectResponse(f"/b/{rid}?lang={lang}", status_code=303)
        if new:
            set_cookie(response, COOKIE_SESSION, sid)
        return response

    def entry_of(request: Request, rid: str, kind: str) -> Entry:
        entry = store.get(rid, request.cookies.get(COOKIE_SESSION), kind)
        if entry is None:
            raise StarletteHTTPException(404)
        return entry

    def minutes_left(entry: Entry) -> int:
        return max(1, round((entry.expires - store.clock()) / 60))

    @app.get("/r/{rid}", include_in_schema=False)
    async def result_page(request: Request, rid: str):
        lang = lang_of(request)
        entry = entry_of(request, rid, "report")

        def build() -> str:
            from ..emit.html import report_view

            d = entry.data
            return render("result.html.j2", r=report_view(d["result"]), rid=rid, name=d["name"], prior=d["prior"],
                          docx=d["source"] is not None, archived=d["archived"], minutes=minutes_left(entry),
                          **common(request, lang))

        async with gate.slot():
            return page(await gate.run(build))

    @app.get("/r/{rid}/report.json", include_in_schema=False)
    async def result_json(request: Request, rid: str):
        from ..emit.jsonout import dump_items, result_dict

        entry = entry_of(request, rid, "report")
        lang = lang_of(request)
        body = dump_items(result_dict(entry.data["result"], lang))
        return Response(body, media_type="application/json",
                        headers={"Content-Disposition": attachment(_stem(entry.data["name"]) + "-ket-qua.json")})

    @app.get("/r/{rid}/report.html", include_in_schema=False)
    async def result_html(request: Request, rid: str):
        from ..emit.html import render_report

        entry = entry_of(request, rid, "report")
        lang = lang_of(request)
        async with gate.slot():
            text = await gate.run(render_report, entry.data["result"], lang)
        response = page(text)
        response.headers["Content-Disposition"] = attachment(_stem(entry.data["name"]) + "-ket-qua.html")
        return response

    @app.get("/r/{rid}/annotated.docx", include_in_schema=False)
    async def result_docx(request: Request, rid: str):
        entry = entry_of(request, rid, "report")
        if entry.data["source"] is None:
            raise Refusal(404, "no-docx", "bản có nhận xét chỉ làm được từ tệp .docx.",
                          "an annotated copy can only be made from a .docx file.")
        lang = lang_of(request)
        cached = entry.data["annotated"].get(lang)
        if cached is None:
            async with gate.slot():
                cached = await gate.run(annotate_job, entry.data, lang, settings)
            entry.data["annotated"][lang] = cached
        return Response(cached, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": attachment(_stem(entry.data["name"]) + "-nhan-xet.docx")})

    @app.post("/r/{rid}/delete", include_in_schema=False)
    async def result_delete(request: Request, rid: str):
        store.drop(rid, request.cookies.get(COOKIE_SESSION))
        return RedirectResponse(f"/?lang={lang_of(request)}", status_code=303)

    @app.get("/b/{rid}", include_in_schema=False)
    async def batch_result(request: Request, rid: str):
        lang = lang_of(request)
        entry = entry_of(request, rid, "batch")

        def build() -> str:
            from ..emit.html import audit_view

            d = entry.data
            return render("batch_result.html.j2", v=audit_view(d["results"], d["rows"]), rid=rid,
                          errors=d["refused"], unit_findings=[unit_view(f) for f in d["unit_findings"]],
                          archived=d["archived"], minutes=minutes_left(entry), **common(request, lang))

        async with gate.slot():
            return page(await gate.run(build))

    @app.get("/b/{rid}/audit.json", include_in_schema=False)
    async def batch_json(request: Request, rid: str):
        entry = entry_of(request, rid, "batch")
        return JSONResponse(audit_payload(entry.data, lang_of(request)),
                            headers={"Content-Disposition": attachment("tong-hop.json")})

    @app.get("/b/{rid}/audit.html", include_in_schema=False)
    async def batch_html(request: Request, rid: str):
        from ..emit.html import render_audit

        entry = entry_of(request, rid, "batch")
        async with gate.slot():
            text = await gate.run(render_audit, entry.data["results"], entry.data["rows"], lang_of(request))
        response = page(text)
        response.headers["Content-Disposition"] = attachment("tong-hop.html")
        return response

    @app.post("/b/{rid}/delete", include_in_schema=False)
    async def batch_delete(request: Request, rid: str):
        store.drop(rid, request.cookies.get(COOKIE_SESSION))
        return RedirectResponse(f"/batch?lang={lang_of(request)}", status_code=303)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return Response(status_code=204)

    # -- token ----------------------------------------------------------------------------
    @app.get("/token", include_in_schema=False)
    async def token_get(request: Request):
        lang = lang_of(request)
        if not settings.token:
            return RedirectResponse(f"/?lang={lang}", status_code=303)
        return token_page(lang, request.query_params.get("next") or "/", None)

    @app.post("/token", include_in_schema=False)
    async def token_post(request: Request):
        from urllib.parse import parse_qs

        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > 8192:
                raise Refusal(413, "too-large", "biểu mẫu quá lớn.", "the form is too large.")
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        lang = lang_of(request, fields.get("lang"))
        next_url = _safe_next(fields.get("next"))
        if not settings.token:
            return RedirectResponse(next_url, status_code=303)
        if not sec.token_matches(fields.get("token", "").strip(), settings.token):
            return token_page(lang, next_url, Refusal(401, "bad-token", "token không đúng.", "the token is wrong."))
        response = RedirectResponse(next_url, status_code=303)
        set_cookie(response, COOKIE_AUTH, sec.cookie_value(settings.token))
        return response

    # -- offline API docs -------------------------------------------------------------------
    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request):
        lang = lang_of(request)
        return page(render("docs.html.j2", ops=_operations(app.openapi()), **common(request, lang)))

    return app


def _stem(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def _joined(refused: list[Refusal], lang: str) -> str:
    return "; ".join(r.line(lang) for r in refused)


def _operations(schema: dict) -> list[dict]:
    """The API operations of the OpenAPI document, flattened for the offline docs page."""
    out = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            body = (op.get("requestBody") or {}).get("content", {}).get("multipart/form-data", {}).get("schema", {})
            required = set(body.get("required", []))
            fields = [{"name": k, "required": k in required, "type": _type_of(v), "description": v.get("description", "")}
                      for k, v in (body.get("properties") or {}).items()]
            params = [{"name": p["name"], "where": p.get("in", ""), "description": p.get("description", "")}
                      for p in op.get("parameters", [])]
            responses = [{"code": code, "description": r.get("description", "")}
                         for code, r in sorted(op.get("responses", {}).items())]
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "fields": fields, "params": params,
                        "responses": responses})
    return out


def _type_of(prop: dict) -> str:
    if prop.get("type") == "array":
        return f"{_type_of(prop.get('items', {}))}[]"
    if prop.get("format") == "binary":
        return "file"
    return str(prop.get("type", ""))
