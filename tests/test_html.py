"""The HTML emitter: one report page and the batch dashboard, checked by parsing the output."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from reportcheck.emit import html as html_emit
from reportcheck.emit.html import RATING_CAP, render_audit, render_report
from reportcheck.io import read_document
from reportcheck.model import SEVERITY_ORDER, Document, Paragraph
from reportcheck.pipeline import Result, check_document

REPORTS = Path(__file__).resolve().parent.parent / "corpora" / "reports"
DOCX = sorted(REPORTS.glob("*.docx"))


@pytest.fixture(scope="module")
def results() -> list[Result]:
    if not DOCX:
        pytest.skip("no corpus reports")
    return [check_document(read_document(str(p))) for p in DOCX]


@pytest.fixture(scope="module")
def with_findings(results) -> list[Result]:
    found = [r for r in results if any(f.paragraph is not None for f in r.findings)]
    if not found:
        pytest.skip("no corpus report with paragraph findings")
    return found


def parse(page: str):
    return lxml.html.fromstring(page)


def by_id(root, ident: str):
    found = root.xpath("//*[@id=$i]", i=ident)
    assert len(found) == 1, f"id {ident!r} found {len(found)} times"
    return found[0]


def classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def span_text(el, lang: str) -> list[str]:
    return [s.text_content() for s in el.xpath(".//span[contains(@class,'i18n')][@lang=$l]", l=lang)]


def rows_for(results: list[Result]) -> list[dict]:
    rows = []
    for r in results:
        a = r.analysis
        rows.append({
            "file": a.document.path, "member": a.member, "unit": a.unit, "kind": a.kind, "form": a.form,
            "year": a.year, "party": a.rating.party, "civil_servant": a.rating.civil_servant,
            "overall": r.scores.get("overall"), "verdict": r.verdict,
            "errors": sum(f.severity == "error" for f in r.findings),
            "warnings": sum(f.severity == "warning" for f in r.findings),
            "findings": dict(Counter(f.code for f in r.findings)),
            "prior_similarity": None, "peer_matches": 0,
        })
    return rows


# --- one report ------------------------------------------------------------------

def test_every_finding_is_rendered_in_both_languages(with_findings):
    for result in with_findings:
        root = parse(render_report(result))
        n = len(result.analysis.document.paragraphs)
        for f in result.findings:
            if f.paragraph is not None and 0 <= f.paragraph < n:
                container = by_id(root, f"p-{f.paragraph}")
            else:
                container = root.xpath("//section[contains(@class,'docbox')]")[0]
            cards = container.xpath(".//div[contains(@class,'finding')][@data-code=$c]", c=f.code)
            assert cards, f"{result.analysis.document.path}: {f.code} not shown at paragraph {f.paragraph}"
            vi = [t for c in cards for t in span_text(c, "vi")]
            en = [t for c in cards for t in span_text(c, "en")]
            assert f.message.vi in vi and f.message.en in en
            if f.suggestion is not None:
                assert f.suggestion.vi in vi and f.suggestion.en in en
            assert any(f.severity in classes(c) or f"sev-{f.severity}" in classes(c) for c in cards)
            if f.evidence:
                assert any(f.evidence in c.text_content() for c in cards)
            assert any(f.rule in c.text_content() for c in cards)


def test_paragraphs_with_findings_are_highlighted_and_anchored(with_findings):
    for result in with_findings:
        root = parse(render_report(result))
        paras = result.analysis.document.paragraphs
        worst: dict[int, str] = {}
        for f in result.findings:
            if f.paragraph is not None:
                cur = worst.get(f.paragraph)
                if cur is None or SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[cur]:
                    worst[f.paragraph] = f.severity
        for p in paras:
            el = by_id(root, f"p-{p.index}")
            assert p.display in el.xpath(".//div[contains(@class,'ptext')]")[0].text_content()
            if p.index in worst:
                assert {"has-finding", f"sev-{worst[p.index]}"} <= classes(el)
            else:
                assert "has-finding" not in classes(el)
        assert len(root.xpath("//div[contains(@class,'has-finding')]")) == len(worst)


def test_index_links_point_to_anchors(with_findings):
    root = parse(render_report(with_findings[0]))
    ids = set(root.xpath("//@id"))
    hrefs = root.xpath("//a/@href")
    assert hrefs
    for href in hrefs:
        assert href.startswith("#") and href[1:] in ids, href


def test_section_checklist_lists_missing_and_present(results):
    missing_seen = False
    for result in results:
        a = result.analysis
        required = set(getattr(a.rubric, "required", ()) or ())
        root = parse(render_report(result))
        for sid in required:
            row = root.xpath("//tr[@data-section=$s]", s=sid)
            assert len(row) == 1, sid
            sec = a.sections.get(sid)
            if sec is not None and sec.present:
                assert "st-present" in classes(row[0])
                if sec.first is not None:
                    assert row[0].xpath(".//a/@href")[0] == f"#p-{sec.first}"
            else:
                missing_seen = True
                assert "st-missing" in classes(row[0])
                assert "THIẾU" in span_text(row[0], "vi") and "MISSING" in span_text(row[0], "en")
    assert missing_seen, "no corpus report with a missing part: the test would check nothing"


def test_no_network_resources(results):
    for page in [render_report(r) for r in results[:5]] + [render_audit(results[:5], rows_for(results[:5]))]:
        root = parse(page)
        assert not root.xpath("//link | //iframe | //object | //embed | //img")
        assert not root.xpath("//script[@src] | //*[@src]")
        for attr in root.xpath("//@href | //@src | //@action | //@srcset | //@data"):
            assert not re.match(r"\s*(https?:)?//", attr), attr
        for style in root.xpath("//style/text() | //@style"):
            assert "url(" not in style and "@import" not in style
        assert "http://" not in page and "https://" not in page


def test_deterministic(results):
    r = results[1]
    again = check_document(read_document(r.analysis.document.path))
    assert render_report(r) == render_report(r) == render_report(again)
    rows = rows_for(results)
    assert render_audit(results, rows) == render_audit(results, list(rows))


def test_language_switch_markup(with_findings):
    result = with_findings[0]
    page_vi, page_en = render_report(result), render_report(result, lang="en")
    assert page_vi != page_en
    for page, lang in ((page_vi, "vi"), (page_en, "en")):
        root = parse(page)
        assert root.get("data-ui") == lang and root.get("lang") == lang
        buttons = root.xpath("//button[@data-set-lang]")
        assert {b.get("data-set-lang") for b in buttons} == {"vi", "en"}
        pressed = [b.get("data-set-lang") for b in buttons if b.get("aria-pressed") == "true"]
        assert pressed == [lang]
        css = "".join(root.xpath("//style/text()"))
        assert 'html[data-ui="vi"] .i18n[lang="en"]' in css and 'html[data-ui="en"] .i18n[lang="vi"]' in css
        assert "data-ui" in "".join(root.xpath("//script/text()"))
        # every Vietnamese UI span has its English twin right after it
        for span in root.xpath("//span[contains(@class,'i18n')][@lang='vi']"):
            nxt = span.getnext()
            assert nxt is not None and nxt.get("lang") == "en" and "i18n" in classes(nxt)
        assert len(root.xpath("//span[contains(@class,'i18n')][@lang='vi']")) == \
            len(root.xpath("//span[contains(@class,'i18n')][@lang='en']"))


def test_print_rules():
    page = render_report(_small_result())
    css = "".join(parse(page).xpath("//style/text()"))
    media = css[css.index("@media print"):]
    assert ".lang-switch" in media and "display: none" in media
    assert "break-inside: avoid" in media and ".finding" in media


def _small_result(lines: list[str] | None = None) -> Result:
    lines = lines or ["BẢN KIỂM ĐIỂM CÁ NHÂN", "I. Ưu điểm", "Hoàn thành tốt nhiệm vụ."]
    paras = tuple(Paragraph(index=i, text=t, raw=t) for i, t in enumerate(lines))
    return check_document(Document("x <b>.txt", paras, "txt"))


def test_everything_is_escaped():
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    result = _small_result(["BẢN KIỂM ĐIỂM " + hostile, "I. Ưu điểm", hostile + " & co"])
    page = render_report(result)
    root = parse(page)
    assert len(root.xpath("//script")) == 1  # the page's own
    assert not root.xpath("//img") and "<img src=x" not in page
    assert hostile in by_id(root, "p-2").text_content()
    assert "x <b>.txt" in root.xpath("//div[contains(@class,'file')]")[0].text_content()


def test_scores_and_balance(results):
    for result in results[:8]:
        root = parse(render_report(result))
        overall = root.xpath("//tr[@data-score='overall']")
        assert overall and str(result.scores["overall"]) in overall[0].text_content()
        for key in result.scores:
            if key != "explain":
                assert root.xpath("//tr[@data-score=$k]", k=key)
        bal = result.analysis.balance
        box = by_id(root, "balance")
        if bal is None:
            assert not box.xpath(".//div[@class='balance']")
        else:
            text = box.text_content()
            assert f"{100 * bal['achievements']:.0f}%" in text and f"{100 * bal['shortcomings']:.0f}%" in text


def test_reuse_side_by_side():
    result = _small_result(["BẢN KIỂM ĐIỂM", "I. Ưu điểm", "Câu chép lại từ năm trước.", "Câu mẫu."])
    passage = {"this_paragraph": 2, "this_text": "Câu chép lại từ năm trước.", "other_paragraph": 5,
               "other_text": "Câu chép lại từ năm trước!", "section": "task_results", "kind": "verbatim"}
    boiler = dict(passage, this_paragraph=3, this_text="Câu mẫu.", other_text="Câu mẫu.", kind="boilerplate")
    result.extras["reuse"] = {
        "prior": {"file": "2023/nguyen_van_a.docx", "similarity": 0.87, "sections": {"task_results": 0.9},
                  "passages": [passage, boiler]},
        "peers": [{"file": "peer <x>.docx", "similarity": 0.41, "sections": {},
                   "passages": [dict(passage, kind="reordered", this_paragraph=999)]}],
        "references": [],
    }
    root = parse(render_report(result))
    sources = root.xpath("//div[contains(@class,'source')]")
    assert [("role-prior" in classes(s), "role-peers" in classes(s)) for s in sources] == [(True, False), (False, True)]
    prior_rows = sources[0].xpath(".//table[contains(@class,'reuse-table')]/tbody/tr")
    assert len(prior_rows) == 2
    assert len(prior_rows[0].xpath("./td")) == 3
    assert "boilerplate" in classes(prior_rows[1]) and "boilerplate" not in classes(prior_rows[0])
    assert prior_rows[0].xpath(".//a/@href") == ["#p-2"]
    assert "87%" in sources[0].text_content() and "peer <x>.docx" in sources[1].text_content()
    assert "verbatim" in span_text(prior_rows[0], "en") and "nguyên văn" in span_text(prior_rows[0], "vi")
    assert "reordered" in span_text(sources[1], "en")
    assert "reused" in classes(by_id(root, "p-2")) and "reused" not in classes(by_id(root, "p-3"))
    assert not sources[1].xpath(".//a")  # a paragraph the report does not have gets no link
    ids = set(root.xpath("//@id"))
    assert all(href[1:] in ids for href in root.xpath("//a/@href"))


def test_bad_lang():
    with pytest.raises(ValueError):
        render_report(_small_result(), lang="fr")


# --- the dashboard ---------------------------------------------------------------

def test_audit_lists_every_row_worst_first_and_links_work(results):
    rows = rows_for(results)
    page = render_audit(results, rows)
    root = parse(page)
    trs = root.xpath("//table[contains(@class,'audit-rows')]/tbody/tr")
    assert sorted(tr.get("data-file") for tr in trs) == sorted(r["file"] for r in rows)
    verdict_of = {r["file"]: r["verdict"] for r in rows}
    ranks = [html_emit.VERDICT_ORDER[verdict_of[tr.get("data-file")]] for tr in trs]
    assert ranks == sorted(ranks)  # perfunctory, then revise, then ok
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids)), [i for i, c in Counter(ids).items() if c > 1][:5]
    idset = set(ids)
    for href in root.xpath("//a/@href"):
        assert href.startswith("#") and href[1:] in idset, href
    # looked up once (an xpath over the whole page per report is quadratic in the corpus)
    tr_of = {tr.get("data-file"): tr for tr in trs}
    element_of = {el.get("id"): el for el in root.iter() if el.get("id") is not None}
    for i, result in enumerate(results, start=1):
        tr = tr_of[result.analysis.document.path]
        assert tr.xpath(".//a/@href")[0] == f"#r-{i}"
        section = element_of[f"r-{i}"]
        first = element_of.get(f"r-{i}-p-0")
        assert first is not None and any(anc is section for anc in first.iterancestors())
        assert result.analysis.document.path in section.text_content()


def test_audit_counts_histogram_and_sorting_markup(results):
    rows = rows_for(results)
    root = parse(render_audit(results, rows))
    verdicts = Counter(r["verdict"] for r in rows)
    for key, count in verdicts.items():
        card = root.xpath("//div[@data-verdict=$k]", k=key)[0]
        assert card.xpath(".//div[@class='big']")[0].text_content() == str(count)
    bins = root.xpath("//svg//g[@data-bin]")
    assert len(bins) == 10
    assert sum(int(g.get("data-count")) for g in bins) == sum(r["overall"] is not None for r in rows)
    expected = Counter(min(9, int(r["overall"] // 10)) for r in rows if r["overall"] is not None)
    assert [int(g.get("data-count")) for g in bins] == [expected[i] for i in range(10)]
    heads = root.xpath("//table[contains(@class,'audit-rows')]/thead//th[@data-sort]")
    assert len(heads) >= 10
    assert "sortBy" in "".join(root.xpath("//script/text()"))


def test_audit_links_and_rating_cap():
    base = {"member": "A", "kind": "member", "form": "2023", "year": 2024, "civil_servant": None,
            "overall": 80, "verdict": "ok", "errors": 0, "warnings": 0, "findings": {}, "prior_similarity": 0.12,
            "peer_matches": 1}
    rows = []
    for i, rating in enumerate(["excellent"] * 2 + ["good"] * 5):  # unit X: 2/5 = 40% > 20%
        rows.append(dict(base, file=f"x{i}.docx", unit="Chi bộ X", party=rating))
    for i, rating in enumerate(["excellent"] + ["good"] * 5):  # unit Y: 1/5 = 20%, at the cap
        rows.append(dict(base, file=f"y{i}.docx", unit="Chi bộ Y", party=rating, overall=35 + i, verdict="revise"))
    links = {r["file"]: f"reports/{r['file']}.html" for r in rows}
    links["x0.docx"] = "báo cáo/x 0.html"
    root = parse(render_audit([], rows, lang="en", links=links))
    assert root.get("data-ui") == "en"
    for tr in root.xpath("//table[contains(@class,'audit-rows')]/tbody/tr"):
        href = tr.xpath(".//a/@href")[0]
        assert href == html_emit._href(links[tr.get("data-file")])
    assert "b%C3%A1o%20c%C3%A1o/x%200.html" in root.xpath("//a/@href")
    groups = {tr.xpath("./td")[0].text_content(): tr for tr in by_id(root, "rating-groups").xpath(".//tbody/tr")}
    assert groups.keys() == {"Chi bộ X", "Chi bộ Y"}
    x_cells = [td.text_content() for td in groups["Chi bộ X"].xpath("./td")]
    y_cells = [td.text_content() for td in groups["Chi bộ Y"].xpath("./td")]
    assert x_cells[2:6] == ["7", "2", "5", "40%"] and "over" in classes(groups["Chi bộ X"].xpath("./td")[5])
    assert y_cells[2:6] == ["6", "1", "5", "20%"] and "over" not in classes(groups["Chi bộ Y"].xpath("./td")[5])
    assert RATING_CAP == 0.20
    assert not root.xpath("//article[contains(@class,'embedded')]")  # every report is linked, none embedded
    assert "12%" in root.text_content()  # prior similarity shown


def test_dashboard_cap_table_groups_as_the_rule_does() -> None:
    """The dashboard's 20% table uses RC501's groups: same cell name under two communes = two rows."""
    from reportcheck.emit.html import _rating_groups

    def row(i: int, parent: str, party: str) -> dict:
        return {"file": f"r{i}.docx", "unit": "Chi bộ Thôn 1", "parent_unit": parent, "kind": "member",
                "year": 2024, "party": party}

    rows = [row(0, "Đảng bộ xã An Phú", "excellent"), row(1, "Đảng bộ xã An Phú", "excellent"),
            row(2, "Đảng bộ xã An Phú", "good"), row(3, "ĐẢNG BỘ XÃ AN PHÚ", "good")]
    rows += [row(4 + i, "Đảng bộ xã Bình An", "good") for i in range(10)]
    rows.append({"file": "alone.docx", "unit": "Chi bộ Thôn 9", "kind": "member", "year": 2024, "party": "excellent"})
    groups = _rating_groups(rows)
    by_unit = {g["unit"]: g for g in groups}
    assert by_unit["Chi bộ Thôn 1 (Đảng bộ xã An Phú)"]["n"] == 4  # parents compared case-blind
    assert by_unit["Chi bộ Thôn 1 (Đảng bộ xã An Phú)"]["over"] is True
    assert by_unit["Chi bộ Thôn 1 (Đảng bộ xã Bình An)"]["over"] is False
    assert by_unit["Chi bộ Thôn 9"]["over"] is False  # one report is no group (as RC501)
