"""End to end in a real browser: Debian's headless Chromium driven by Playwright
(``executable_path`` = /usr/bin/chromium; no browser is ever downloaded) against
``reportcheck serve``'s app on a free loopback port, run by uvicorn in a thread.

Without chromium or playwright the tests skip with the reason, except under CI
(the CI environment variable set), where they fail: .ci/run installs chromium.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

from reportcheck.batch import run
from reportcheck.emit.jsonout import result_dict

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
REPORTS = Path(__file__).resolve().parent.parent / "corpora" / "reports"
DRAFT = REPORTS / "d_land_officer_perfunctory_2023.docx"
RESULT_URL = re.compile(r"/r/[A-Za-z0-9_-]{43}\?lang=(vi|en)$")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — CI is set, so the browser test must run (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Debian's chromium is not at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app under uvicorn on a free port of 127.0.0.1, in a thread; its base URL."""
    import uvicorn

    from reportcheck.server import Settings, create_app

    spool = tmp_path_factory.mktemp("spool")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(port=port, temp_root=str(spool)))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "spool": spool}
    finally:
        srv.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture
def page_of(browser, server):
    """A page in a fresh context that may reach nothing but the server; offenders recorded."""
    contexts = []

    def make(**kw):
        ctx = browser.new_context(accept_downloads=True, **kw)
        contexts.append(ctx)
        ctx.offenders, ctx.console = [], []

        def guard(route):
            if route.request.url.startswith(server["base"] + "/"):
                route.continue_()
            else:
                ctx.offenders.append(route.request.url)
                route.abort()

        ctx.route("**/*", guard)
        page = ctx.new_page()
        # CSP violations and script errors show here; an HTTP error status (a refusal page) is
        # logged as "Failed to load resource" and is checked by the tests themselves
        page.on("console", lambda m: ctx.console.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") and not m.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda e: ctx.console.append(f"pageerror: {e}"))
        return page

    yield make
    for ctx in contexts:
        assert ctx.offenders == [], f"the pages tried to load from elsewhere: {ctx.offenders}"
        assert ctx.console == [], f"console errors (CSP violations?): {ctx.console}"
        ctx.close()


@pytest.fixture(scope="module")
def expected():
    result = run([str(DRAFT)]).results[0]
    vi, en = result_dict(result, "vi"), result_dict(result, "en")
    i = next(k for k, f in enumerate(vi["findings"]) if f["paragraph"] is not None)
    return {"code": vi["findings"][i]["code"], "paragraph": vi["findings"][i]["paragraph"],
            "vi": vi["findings"][i]["message"], "en": en["findings"][i]["message"]}


def _upload(page, base: str) -> None:
    page.goto(base + "/")
    assert page.locator("html").get_attribute("data-ui") == "vi"
    assert page.locator("h1").inner_text() == "Kiểm tra bản kiểm điểm"
    page.set_input_files("#file", str(DRAFT))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(RESULT_URL)


def test_upload_a_report_read_a_finding_switch_to_english(page_of, server, expected):
    page = page_of()
    _upload(page, server["base"])
    # the finding sits beside its highlighted paragraph, in Vietnamese
    para = page.locator(f"#p-{expected['paragraph']}")
    assert "has-finding" in para.get_attribute("class")
    card = para.locator(f".finding[data-code='{expected['code']}']").first
    assert card.is_visible()
    assert card.locator(".msg span[lang='vi']").inner_text() == expected["vi"]
    assert not card.locator(".msg span[lang='en']").is_visible()
    assert list(server["spool"].iterdir()) == [], "the upload is gone once the page is shown"

    page.click("button[data-set-lang='en']")
    assert page.locator("html").get_attribute("data-ui") == "en"
    assert card.locator(".msg span[lang='en']").inner_text() == expected["en"]
    assert card.locator(".msg span[lang='en']").is_visible()
    assert not card.locator(".msg span[lang='vi']").is_visible()
    assert page.url.endswith("lang=en")

    # the downloads follow the language: the annotated Word copy and the JSON
    with page.expect_download() as info:
        page.click("a.dl[href*='annotated.docx?lang=en']")
    with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as z:
        assert expected["code"] in z.read("word/comments.xml").decode("utf-8")
    with page.expect_download() as info:
        page.click("a.dl[href*='report.json?lang=en']")
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["file"] == DRAFT.name and expected["en"] in [f["message"] for f in data["findings"]]


def test_works_without_javascript(page_of, server, expected):
    page = page_of(java_script_enabled=False)
    _upload(page, server["base"])
    card = page.locator(f"#p-{expected['paragraph']} .finding[data-code='{expected['code']}']").first
    assert card.locator(".msg span[lang='vi']").inner_text() == expected["vi"]
    page.click("a.setlang[hreflang='en']")  # a plain link: the server renders the page in English
    page.wait_for_url(re.compile(r"lang=en$"))
    assert page.locator("html").get_attribute("data-ui") == "en"
    card = page.locator(f"#p-{expected['paragraph']} .finding[data-code='{expected['code']}']").first
    assert card.locator(".msg span[lang='en']").inner_text() == expected["en"]


def test_a_refused_file_is_explained(page_of, server, tmp_path):
    old = tmp_path / "ban-cu.doc"
    old.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    page = page_of()
    page.goto(server["base"] + "/")
    page.set_input_files("#file", str(old))
    page.click("form.upload button[type=submit]")
    alert = page.locator("#refusals li").first
    alert.wait_for()
    assert alert.get_attribute("data-reason") == "old-doc"
    assert "ban-cu.doc" in alert.inner_text() and "Word 97-2003" in alert.inner_text()
