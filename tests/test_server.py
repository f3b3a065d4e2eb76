"""The web front (``reportcheck serve``) through FastAPI's TestClient: every endpoint,
every refusal, the token, the security headers and the no-storage guarantee."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import threading
import time
import warnings
import zipfile
from pathlib import Path

import lxml.html
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette's notice about httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

import reportcheck.server.app as server_app  # noqa: E402
import reportcheck.server.security as security  # noqa: E402
from reportcheck.batch import run  # noqa: E402
from reportcheck.cli import main  # noqa: E402
from reportcheck.emit.jsonout import dump_items, result_dict  # noqa: E402
from reportcheck.errors import UsageError  # noqa: E402
from reportcheck.server import Settings, create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

REPO = Path(__file__).resolve().parent.parent
REPORTS = REPO / "corpora" / "reports"
DRAFT = REPORTS / "d_land_officer_perfunctory_2023.docx"  # perfunctory: findings on paragraphs
OTHER = REPORTS / "d_radio_editor_02_2021_gaps.docx"
TEXT_REPORT = REPORTS / "d_retiree_2c_2025.txt"
PAIR = (REPORTS / "e_04_ke_toan_trung_tam_y_te.docx", REPORTS / "p_01_ke_toan_ttyt_2020.docx")  # copied from prior
BASE = "http://127.0.0.1:8000"
TOKEN = "s3cret-token-for-tests-0123456789"
MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


# --- builders ------------------------------------------------------------------------------

def zip_bytes(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def docx_bytes(document: str | bytes) -> bytes:
    return zip_bytes({"_rels/.rels": ROOT_RELS, "word/document.xml": document})


def bomb_docx() -> bytes:
    """A few KB that inflate to 3 MB (ratio far over 100)."""
    body = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{" " * (3 * MB)}</w:t></w:r></w:p></w:body></w:document>'
    return docx_bytes(body)


def xxe_docx(secret: Path) -> bytes:
    return docx_bytes(f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                      f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture
def spool(tmp_path: Path) -> Path:
    d = tmp_path / "spool"
    d.mkdir()
    return d


@pytest.fixture
def make_client(spool: Path):
    clients = []

    def make(base_url: str = BASE, **kw) -> TestClient:
        kw.setdefault("temp_root", str(spool))
        client = TestClient(create_app(Settings(**kw)), base_url=base_url)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


def upload(path: Path, name: str | None = None) -> tuple[str, bytes]:
    return (name or path.name, path.read_bytes())


def error_of(response) -> dict:
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"], body
    return body


def post_page(client: TestClient, path: str, files, data=None):
    return client.post(path, files=files, data=data, follow_redirects=False)


def result_url(response) -> str:
    assert response.status_code == 303, response.text[:500]
    return response.headers["location"]


URL_RE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")


def assert_offline(html: str) -> None:
    """Nothing in the page can load from the network: no external URL anywhere."""
    doc = lxml.html.fromstring(html)
    for el in doc.iter():
        for attr in ("src", "href", "action", "data", "poster", "srcset", "formaction"):
            value = el.get(attr)
            if value is not None:
                assert not re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", value, re.I), (el.tag, attr, value)
    assert not doc.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe | //object | //embed")
    for m in URL_RE.finditer(html):
        assert m.group(0).startswith((f"{BASE}/", "http://testserver/")), m.group(0)
    assert "@import" not in html and "url(http" not in html


# --- pages ----------------------------------------------------------------------------------

def test_upload_page_is_vietnamese_by_default_with_an_english_switch(client):
    r = client.get("/")
    assert r.status_code == 200
    doc = lxml.html.fromstring(r.text)
    assert doc.get("lang") == "vi" and doc.get("data-ui") == "vi"
    form = doc.xpath("//form[contains(@class, 'upload')]")[0]
    assert form.get("method") == "post" and form.get("action").startswith("/check")
    assert form.get("enctype") == "multipart/form-data"
    assert {i.get("name") for i in form.xpath(".//input[@type='file']")} == {"file", "prior"}
    assert "Kiểm tra bản kiểm điểm" in r.text
    assert doc.xpath("//a[@href='?lang=en']"), "a link to English that works without JavaScript"
    assert doc.xpath("//button[@data-set-lang='en']"), "the JavaScript switch"
    en = client.get("/?lang=en")
    assert lxml.html.fromstring(en.text).get("data-ui") == "en"
    assert_offline(r.text)


def test_batch_page(client):
    r = client.get("/batch")
    assert r.status_code == 200
    doc = lxml.html.fromstring(r.text)
    inputs = doc.xpath("//input[@type='file'][@name='files']")
    assert inputs and inputs[0].get("multiple") is not None
    assert_offline(r.text)


def test_check_page_flow_result_and_downloads(client):
    r = post_page(client, "/check", {"file": upload(DRAFT, "bản nháp.docx")})
    url = result_url(r)
    assert re.fullmatch(r"/r/[A-Za-z0-9_-]{43}\?lang=vi", url)
    page = client.get(url)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    expected = result_dict(run([str(DRAFT)]).results[0], "vi")
    codes = {f["code"] for f in expected["findings"]}
    shown = {el.get("data-code") for el in doc.xpath("//*[contains(@class, 'finding')][@data-code]")}
    assert codes and codes <= shown
    para = [f for f in expected["findings"] if f["paragraph"] is not None][0]
    highlighted = doc.xpath(f"//div[@id='p-{para['paragraph']}']")[0]
    assert "has-finding" in highlighted.get("class")
    assert para["message"] in doc.text_content()  # the finding, in Vietnamese
    assert doc.xpath("//*[contains(@class, 'checklist')]") and "bản nháp.docx" in page.text
    assert_offline(page.text)

    rid = url.split("?")[0]
    js = client.get(f"{rid}/report.json")
    assert js.status_code == 200 and "attachment" in js.headers["content-disposition"]
    data = js.json()
    assert data["file"] == "bản nháp.docx"
    assert {f["code"] for f in data["findings"]} == codes
    en = client.get(f"{rid}/report.json?lang=en").json()
    assert en["findings"][0]["message"] == result_dict(run([str(DRAFT)]).results[0], "en")["findings"][0]["message"]

    html = client.get(f"{rid}/report.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "attachment" in html.headers["content-disposition"]
    assert_offline(html.text)

    docx = client.get(f"{rid}/annotated.docx")
    assert docx.status_code == 200
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        comments = z.read("word/comments.xml").decode("utf-8")
    assert any(code in comments for code in codes)


def test_text_report_has_no_annotated_copy(client):
    url = result_url(post_page(client, "/check", {"file": upload(TEXT_REPORT)}))
    page = client.get(url)
    assert page.status_code == 200 and "annotated.docx" not in page.text
    rid = url.split("?")[0]
    assert client.get(f"{rid}/annotated.docx").status_code == 404


def test_check_with_prior_shows_side_by_side_reuse(client):
    draft, prior = PAIR
    r = client.post("/api/check", files={"file": upload(draft), "prior": upload(prior, "năm trước.docx")})
    assert r.status_code == 200
    data = r.json()
    assert data["reuse"]["prior"]["file"] == "năm trước.docx"
    assert any(f["code"].startswith("RC3") for f in data["findings"])
    url = result_url(post_page(client, "/check", {"file": upload(draft), "prior": upload(prior, "năm trước.docx")}))
    page = client.get(url).text
    doc = lxml.html.fromstring(page)
    assert doc.xpath("//table[contains(@class, 'reuse-table')]//tr"), "side-by-side passages"
    assert "năm trước.docx" in page


def test_refused_upload_on_the_page_says_why(client, tmp_path):
    r = post_page(client, "/check?lang=en", {"file": ("cu.doc", OLE_MAGIC + b"\0" * 600)})
    assert r.status_code == 400
    doc = lxml.html.fromstring(r.text)
    items = doc.xpath("//*[@id='refusals']//li")
    assert items and items[0].get("data-reason") == "old-doc"
    assert "Word 97-2003" in r.text and "cu.doc" in r.text
    assert doc.xpath("//form[contains(@class, 'upload')]"), "the form is shown again"
    assert_offline(r.text)


def test_delete_and_expiry(client):
    url = result_url(post_page(client, "/check", {"file": upload(DRAFT)}))
    rid = url.split("?")[0]
    assert client.get(url).status_code == 200
    r = client.post(f"{rid}/delete", follow_redirects=False)
    assert r.status_code == 303
    assert client.get(url).status_code == 404
    assert client.get(f"{rid}/report.json").status_code == 404

    url = result_url(post_page(client, "/check", {"file": upload(DRAFT)}))
    store = client.app.state.store
    now = time.monotonic()
    store.clock = lambda: now + store.ttl + 1
    gone = client.get(url)
    assert gone.status_code == 404 and "hết hạn" in gone.text


def test_results_are_private_and_unguessable(make_client):
    alice = make_client()
    url = result_url(post_page(alice, "/check", {"file": upload(DRAFT)}))
    url2 = result_url(post_page(alice, "/check", {"file": upload(DRAFT)}))
    rid, rid2 = url.split("?")[0].rsplit("/", 1)[1], url2.split("?")[0].rsplit("/", 1)[1]
    assert rid != rid2 and len(rid) >= 43 and len(set(rid)) > 10
    assert alice.get(url).status_code == 200

    # another browser (another session cookie) on the same server cannot see it
    bob = TestClient(alice.app, base_url=BASE)
    bob.get("/")  # gets its own session cookie
    for suffix in ("", "/report.json", "/report.html", "/annotated.docx"):
        r = bob.get(f"/r/{rid}{suffix}")
        assert r.status_code == 404, suffix
        assert "Trần Văn Hùng" not in r.text
    # a neighbouring or truncated id is not a result either
    assert alice.get(f"/r/{rid[:-1]}A").status_code == 404
    assert alice.get(f"/r/{rid[:20]}").status_code == 404
    assert bob.post(f"/r/{rid}/delete", follow_redirects=False).status_code == 303
    assert alice.get(url).status_code == 200, "someone else cannot delete it either"


def test_batch_page_flow(client):
    files = [("files", upload(DRAFT)), ("files", upload(OTHER)), ("files", ("cu.doc", OLE_MAGIC + b"\0" * 600))]
    url = result_url(client.post("/batch", files=files, follow_redirects=False))
    assert re.fullmatch(r"/b/[A-Za-z0-9_-]{43}\?lang=vi", url)
    page = client.get(url)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    rows = doc.xpath("//table[contains(@class, 'audit-rows')]/tbody/tr")
    assert {r.get("data-file") for r in rows} == {DRAFT.name, OTHER.name}
    refused = doc.xpath("//*[@id='refusals']//li")
    assert len(refused) == 1 and refused[0].get("data-reason") == "old-doc"
    assert doc.xpath("//article[contains(@class, 'embedded')]"), "each report's full view"
    assert_offline(page.text)
    rid = url.split("?")[0]
    data = client.get(f"{rid}/audit.json").json()
    assert {r["file"] for r in data["rows"]} == {DRAFT.name, OTHER.name}
    assert [e["reason"] for e in data["errors"]] == ["old-doc"]
    html = client.get(f"{rid}/audit.html")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]
    assert TestClient(client.app, base_url=BASE).get(url).status_code == 404


# --- API --------------------------------------------------------------------------------------

def test_api_check_returns_the_json_contract(client):
    r = client.post("/api/check", files={"file": upload(DRAFT)})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    cli = dump_items(result_dict(run([str(DRAFT)]).results[0], "vi"))
    assert r.text == cli.replace(json.dumps(str(DRAFT), ensure_ascii=False), json.dumps(DRAFT.name, ensure_ascii=False))
    en = client.post("/api/check?lang=en", files={"file": upload(DRAFT)}).json()
    assert en["findings"] == result_dict(run([str(DRAFT)]).results[0], "en")["findings"]


def test_api_check_reads_content_not_extension(client):
    # a Word file called .txt is read as Word; a text file called .docx is read as text
    r = client.post("/api/check", files={"file": ("bao-cao.txt", DRAFT.read_bytes())})
    assert r.status_code == 200 and r.json()["findings"]
    r = client.post("/api/check", files={"file": ("ghi-chu.docx", TEXT_REPORT.read_bytes())})
    assert r.status_code == 200 and r.json()["file"] == "ghi-chu.docx"
    r = client.post("/api/check", files={"file": ("bao-cao", DRAFT.read_bytes())})  # no extension at all
    assert r.status_code == 200


def test_api_audit_several_files_and_a_zip(client):
    r = client.post("/api/audit", files=[("files", upload(DRAFT)), ("files", upload(OTHER))])
    assert r.status_code == 200
    body = r.json()
    assert {row["file"] for row in body["rows"]} == {DRAFT.name, OTHER.name}
    assert body["errors"] == [] and isinstance(body["unit_findings"], list)

    archive = zip_bytes({
        "chi-bo/a.docx": DRAFT.read_bytes(), "chi-bo/b.docx": OTHER.read_bytes(), "c.txt": TEXT_REPORT.read_bytes(),
        "__MACOSX/chi-bo/._a.docx": b"junk", ".hidden.docx": b"x", "chi-bo/~$a.docx": b"lock",
        "anh.png": b"\x89PNG\r\n\x1a\n\0\0", "../../thoat-ra.docx": OTHER.read_bytes(),
    })
    r = client.post("/api/audit?lang=en", files={"files": ("don-vi.zip", archive)})
    assert r.status_code == 200
    body = r.json()
    files = sorted(row["file"] for row in body["rows"])
    assert files == sorted(["don-vi.zip/chi-bo/a.docx", "don-vi.zip/chi-bo/b.docx", "don-vi.zip/c.txt",
                            "don-vi.zip/thoat-ra.docx"])
    assert [(e["file"], e["reason"]) for e in body["errors"]] == [("don-vi.zip/anh.png", "unknown-extension")]
    assert "only .docx" in body["errors"][0]["message"]


def test_api_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_openapi_and_offline_docs(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/check", "/api/audit"):
        op = schema["paths"][path]["post"]
        assert "multipart/form-data" in op["requestBody"]["content"]
        assert {"400", "401", "413", "503"} <= set(op["responses"])
    props = schema["paths"]["/api/check"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"file", "prior"} <= set(props)
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/api/check" in docs.text and 'href="/openapi.json"' in docs.text
    assert "swagger" not in docs.text.lower() and "cdn" not in docs.text.lower()
    assert_offline(docs.text)
    assert client.get("/redoc").status_code == 404


def test_unknown_paths(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and error_of(r)
    r = client.get("/nothing")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert_offline(r.text)


# --- refusals ---------------------------------------------------------------------------------

def test_too_big_per_file(make_client):
    c = make_client(max_upload_mb=0.01)  # 10 KB; the corpus report is ~23 KB
    r = c.post("/api/check", files={"file": upload(DRAFT)})
    assert r.status_code == 413
    body = error_of(r)
    assert body["reason"] == "too-large" and body["file"] == DRAFT.name and "MB" in body["error"]
    r = c.post("/check", files={"file": upload(DRAFT)}, follow_redirects=False)
    assert r.status_code == 413 and "0.01 MB" in r.text


def test_too_big_per_request(make_client):
    c = make_client(max_upload_mb=0.03, max_request_mb=0.06)  # each file fits, three together do not
    files = [("files", upload(DRAFT)), ("files", upload(OTHER)), ("files", upload(PAIR[0]))]
    r = c.post("/api/audit", files=files)
    assert r.status_code == 413 and error_of(r)["reason"] == "too-large"
    # declared too large: refused before the body is read
    r = c.post("/api/check", content=b"x" * 10, headers={"content-type": "multipart/form-data; boundary=x",
                                                        "content-length": str(1 * MB)})
    assert r.status_code == 413


def test_too_big_inside_a_zip(make_client):
    c = make_client(max_upload_mb=0.05)
    big = zip_bytes({"a.docx": DRAFT.read_bytes(), "b.txt": "Bản kiểm điểm\n" + "x" * 60_000}, zipfile.ZIP_DEFLATED)
    r = c.post("/api/audit", files={"files": ("z.zip", big)})
    assert r.status_code == 200
    assert [(e["file"], e["reason"]) for e in r.json()["errors"]] == [("z.zip/b.txt", "too-large")]


@pytest.mark.parametrize("name, content, reason", [
    ("bao-cao.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "unknown-extension"),  # a PDF named .docx
    ("bao-cao.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "unknown-extension"),
    ("anh.docx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64, "bad-zip"),  # a picture named .docx
    ("anh.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64, "unknown-extension"),
    ("bao-cao.docx", OLE_MAGIC + b"\0" * 600, "old-doc"),  # Word 97-2003 renamed
    ("rong.docx", b"", "empty"),
    ("excel.docx", zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}), "no-document"),
    ("hong.docx", b"PK\x03\x04" + b"\0" * 50, "bad-zip"),
])
def test_wrong_type_is_judged_by_content(client, name, content, reason):
    r = client.post("/api/check", files={"file": (name, content)})
    assert r.status_code == 400, r.text
    body = error_of(r)
    assert body["reason"] == reason and body["file"] == name


def test_zip_of_reports_is_not_one_report(client):
    r = client.post("/api/check", files={"file": ("nhieu.zip", zip_bytes({"a.docx": DRAFT.read_bytes()}))})
    assert r.status_code == 400 and error_of(r)["reason"] == "zip-archive"


def test_zip_bomb_is_refused(client):
    r = client.post("/api/check", files={"file": ("bom.docx", bomb_docx())})
    assert r.status_code == 400 and error_of(r)["reason"] == "zip-bomb"
    # a bomb inside a zip of reports
    outer = zip_bytes({"ok.docx": DRAFT.read_bytes(), "bom.txt": "Bản " + " " * (3 * MB)})
    r = client.post("/api/audit", files={"files": ("don-vi.zip", outer)})
    assert r.status_code == 400 and error_of(r)["reason"] == "zip-bomb"
    # a zip with too many entries
    many = zip_bytes({f"x/{i}.txt": b"" for i in range(5001)}, zipfile.ZIP_STORED)
    r = client.post("/api/audit", files={"files": ("nhieu.zip", many)})
    assert r.status_code == 400 and error_of(r)["reason"] == "zip-bomb"


def test_xxe_is_refused_and_never_resolved(client, tmp_path):
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("MAT-KHAU-TOI-MAT-42", encoding="utf-8")
    r = client.post("/api/check", files={"file": ("xxe.docx", xxe_docx(secret))})
    assert r.status_code == 400 and error_of(r)["reason"] == "xml-entity"
    assert "MAT-KHAU" not in r.text
    page = client.post("/check", files={"file": ("xxe.docx", xxe_docx(secret))}, follow_redirects=False)
    assert page.status_code == 400 and "MAT-KHAU" not in page.text and "DOCTYPE" in page.text


@pytest.mark.parametrize("kwargs, status, reason", [
    ({"content": b"file=abc", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 400, "bad-request"),
    ({"data": {"lang": "en"}, "files": {"other": ("a.txt", b"x")}}, 400, "bad-request"),  # unexpected file field
    ({"data": {"lang": "en"}}, 400, "bad-request"),  # not multipart at all
    ({"files": {"prior": upload(DRAFT)}}, 400, "no-file"),
    ({"files": [("file", upload(DRAFT)), ("file", upload(OTHER))]}, 400, "bad-request"),
    ({"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data; boundary=x"}}, 400, None),
])
def test_bad_requests(client, kwargs, status, reason):
    r = client.post("/api/check", **kwargs)
    assert r.status_code == status, r.text
    body = error_of(r)
    if reason:
        assert body["reason"] == reason


def test_prior_that_cannot_be_read_is_refused_by_name(client):
    r = client.post("/api/check", files={"file": upload(DRAFT), "prior": ("nam-truoc.doc", OLE_MAGIC + b"\0" * 600)})
    assert r.status_code == 400
    body = error_of(r)
    assert body["file"] == "nam-truoc.doc" and body["reason"] == "old-doc"


def test_busy_answers_503(make_client, monkeypatch):
    c = make_client(workers=1, queue=0)
    started, release = threading.Event(), threading.Event()
    real = server_app.check_job

    def slow(*args, **kwargs):
        started.set()
        assert release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(server_app, "check_job", slow)
    first: dict = {}
    t = threading.Thread(target=lambda: first.setdefault("r", c.post("/api/check", files={"file": upload(DRAFT)})))
    t.start()
    try:
        assert started.wait(20)
        r = c.post("/api/check", files={"file": upload(DRAFT)})
        assert r.status_code == 503
        assert error_of(r)["reason"] == "busy" and r.headers["retry-after"]
        page = c.post("/check", files={"file": upload(DRAFT)}, follow_redirects=False)
        assert page.status_code == 503 and "bận" in page.text
        assert c.get("/api/health").json()["busy"] is True
    finally:
        release.set()
        t.join(30)
    assert first["r"].status_code == 200
    assert c.post("/api/check", files={"file": upload(DRAFT)}).status_code == 200


def test_work_runs_off_the_event_loop(client, monkeypatch):
    seen = {}
    real = server_app.check_job

    def spy(*args, **kwargs):
        seen["thread"] = threading.current_thread().name
        return real(*args, **kwargs)

    monkeypatch.setattr(server_app, "check_job", spy)
    assert client.post("/api/check", files={"file": upload(DRAFT)}).status_code == 200
    assert seen["thread"].startswith("reportcheck-check")


# --- token -----------------------------------------------------------------------------------

def test_non_loopback_without_token_is_refused():
    with pytest.raises(UsageError):
        create_app(Settings(host="0.0.0.0"))
    with pytest.raises(UsageError):
        create_app(Settings(host="192.0.2.10"))
    assert create_app(Settings(host="0.0.0.0", token=TOKEN))


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False),
])
def test_is_loopback(host, loopback):
    assert security.is_loopback(host) is loopback


def test_api_token(make_client, monkeypatch):
    c = make_client(host="0.0.0.0", token=TOKEN)
    calls = []
    real = security.hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))

    r = c.post("/api/check", files={"file": upload(DRAFT)})
    assert r.status_code == 401 and error_of(r)["reason"] == "token-required"
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = c.post("/api/check", files={"file": upload(DRAFT)}, headers={"Authorization": "Bearer wrong-token"})
    assert r.status_code == 401 and error_of(r)["reason"] == "bad-token"
    r = c.post("/api/check", files={"file": upload(DRAFT)}, headers={"Authorization": f"Basic {TOKEN}"})
    assert r.status_code == 401
    assert calls, "tokens are compared with hmac.compare_digest"
    for path in ("/openapi.json", "/api/health", "/docs"):
        assert c.get(path).status_code == 401, path
    ok = c.post("/api/check", files={"file": upload(DRAFT)}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert c.get("/api/health", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200


def test_pages_ask_for_the_token_once(make_client):
    c = make_client(host="0.0.0.0", token=TOKEN)
    r = c.get("/batch?lang=en")
    assert r.status_code == 401
    doc = lxml.html.fromstring(r.text)
    form = doc.xpath("//form[starts-with(@action, '/token')]")[0]
    assert form.xpath(".//input[@type='password'][@name='token']")
    assert form.xpath(".//input[@name='next']")[0].get("value") == "/batch?lang=en"
    assert_offline(r.text)

    bad = c.post("/token", data={"token": "wrong", "next": "/batch"}, follow_redirects=False)
    assert bad.status_code == 401 and "rc_auth" not in bad.headers.get("set-cookie", "")
    good = c.post("/token", data={"token": TOKEN, "next": "/batch?lang=en"}, follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"] == "/batch?lang=en"
    cookie = good.headers["set-cookie"]
    assert "rc_auth=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert TOKEN not in cookie, "the cookie holds a value derived from the token, not the token"
    assert c.get("/batch").status_code == 200
    url = result_url(post_page(c, "/check", {"file": upload(DRAFT)}))
    assert c.get(url).status_code == 200

    # an open redirect is not possible through next=
    evil = c.post("/token", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False)
    assert evil.headers["location"] == "/"
    # a forged cookie is refused
    c.cookies.clear()
    c.cookies.set("rc_auth", "0" * 64)
    assert c.get("/batch").status_code == 401


def test_cli_serve_refuses_non_loopback_without_token(capsys):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "token" in err


def test_cli_serve_rejects_a_weak_or_missing_token_file(tmp_path, capsys):
    weak = tmp_path / "t.txt"
    weak.write_text("short\n", encoding="utf-8")
    assert main(["serve", "--host", "0.0.0.0", "--token-file", str(weak)]) == 2
    assert main(["serve", "--token-file", str(tmp_path / "none.txt")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2


def test_cli_serve_starts_uvicorn(tmp_path, monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **k: seen.update(host=self.config.host,
                                                                                   port=self.config.port))
    token = tmp_path / "secret.txt"
    token.write_text(TOKEN + "\n", encoding="utf-8")
    assert main(["serve", "--port", "8123", "--workers", "3", "--max-upload-mb", "5"]) == 0
    assert seen == {"host": "127.0.0.1", "port": 8123}
    assert main(["serve", "--host", "0.0.0.0", "--token-file", str(token)]) == 0
    assert seen["host"] == "0.0.0.0"


# --- headers, hosts, origins ---------------------------------------------------------------------

def test_security_headers_everywhere(client):
    url = result_url(post_page(client, "/check", {"file": upload(DRAFT)}))
    for r in (client.get("/"), client.get(url), client.get("/docs"), client.get("/api/health"),
              client.post("/api/check", files={"file": ("x.pdf", b"%PDF-1")}), client.get("/nothing")):
        h = r.headers
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert "unsafe-eval" not in csp and "http" not in csp
        assert h["cache-control"] == "no-store"
        if h["content-type"].startswith("text/html"):
            scripts = re.findall(r"<script>(.*?)</script>", r.text, re.S)
            assert scripts and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
            assert set(security.script_hashes(r.text)) <= set(csp.split("script-src", 1)[1].split(";")[0].split())


def test_dns_rebinding_host_is_refused(client):
    r = client.get("/", headers={"host": "evil.example"})
    assert r.status_code == 400
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_cross_site_posts_are_refused(client):
    r = client.post("/api/check", files={"file": upload(DRAFT)}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/check", files={"file": upload(DRAFT)}, headers={"sec-fetch-site": "cross-site"},
                    follow_redirects=False)
    assert r.status_code == 403
    ok = client.post("/check", files={"file": upload(DRAFT)}, headers={"origin": BASE}, follow_redirects=False)
    assert ok.status_code == 303


# --- the no-storage guarantee --------------------------------------------------------------------

def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_nothing_is_stored(make_client, spool, tmp_path, monkeypatch):
    import tempfile

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.chdir(cwd)
    c = make_client()

    seen = []
    real_check, real_audit = server_app.check_job, server_app.audit_job

    def spy_check(draft, prior, tmp, *a, **k):
        seen.append((stat.S_IMODE(os.stat(tmp).st_mode), tmp.parent, draft.path.is_relative_to(tmp)))
        return real_check(draft, prior, tmp, *a, **k)

    def spy_audit(uploads, tmp, *a, **k):
        seen.append((stat.S_IMODE(os.stat(tmp).st_mode), tmp.parent, all(u.path.is_relative_to(tmp) for u in uploads)))
        return real_audit(uploads, tmp, *a, **k)

    monkeypatch.setattr(server_app, "check_job", spy_check)
    monkeypatch.setattr(server_app, "audit_job", spy_audit)

    def clean() -> None:
        assert _tree(spool) == [], "the private temp folder is deleted after the response"
        assert _tree(system_tmp) == [] and _tree(cwd) == [], "nothing is written anywhere else"

    assert c.post("/api/check", files={"file": upload(DRAFT), "prior": upload(OTHER)}).status_code == 200
    clean()
    url = result_url(post_page(c, "/check", {"file": upload(DRAFT)}))
    clean()
    rid = url.split("?")[0]
    for suffix in ("", "/annotated.docx", "/report.html", "/report.json"):
        assert c.get(rid + suffix).status_code == 200
        clean()
    zipped = zip_bytes({"a.docx": DRAFT.read_bytes(), "b.docx": OTHER.read_bytes()})
    assert c.post("/api/audit", files={"files": ("z.zip", zipped)}).status_code == 200
    clean()
    assert result_url(c.post("/batch", files=[("files", upload(DRAFT))], follow_redirects=False))
    clean()
    for bad in (("bom.docx", bomb_docx()), ("x.docx", b"%PDF-1.4"), ("big.docx", DRAFT.read_bytes() * 600)):
        assert c.post("/api/check", files={"file": bad}).status_code in (400, 413)
        clean()
    assert seen and all(mode == 0o700 and parent == spool and inside for mode, parent, inside in seen)


def test_no_server_path_leaks(client, spool):
    draft, prior = PAIR
    r = client.post("/api/check", files={"file": upload(draft), "prior": upload(prior)})
    assert r.status_code == 200
    assert str(spool) not in r.text and "reportcheck-" not in r.text
    url = result_url(post_page(client, "/check", {"file": upload(draft), "prior": upload(prior)}))
    assert str(spool) not in client.get(url).text
    bad = client.post("/api/check", files={"file": ("xxe.docx", b"PK\x03\x04broken")})
    assert str(spool) not in bad.text


def test_archive_only_when_asked(make_client, tmp_path):
    from reportcheck.archive import Archive

    db = tmp_path / "unit.db"
    c = make_client(archive=str(db))
    assert 'name="archive"' in c.get("/").text
    assert c.post("/api/check", files={"file": upload(DRAFT)}).status_code == 200
    with Archive(db) as arc:
        assert arc.count() == 0
    r = c.post("/api/check", files={"file": upload(DRAFT)}, data={"archive": "1"})
    assert r.status_code == 200
    url = result_url(post_page(c, "/check", {"file": upload(OTHER, "bao-cao.docx")}, data={"archive": "on"}))
    assert "kho" in c.get(url).text
    r = c.post("/api/audit", files=[("files", upload(PAIR[0]))], data={"archive": "1"})
    assert r.status_code == 200
    with Archive(db) as arc:
        assert arc.count() == 3
        files = [row[0] for row in arc._conn.execute("SELECT file FROM reports ORDER BY id")]
    assert all(f.startswith("upload/") for f in files) and not any(str(tmp_path) in f for f in files)

    plain = make_client()
    assert 'name="archive"' not in plain.get("/").text
    r = plain.post("/api/check", files={"file": upload(DRAFT)}, data={"archive": "1"})
    assert r.status_code == 400 and error_of(r)["reason"] == "no-archive"
