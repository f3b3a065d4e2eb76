"""Self-contained HTML: one report (``render_report``) or a batch dashboard (``render_audit``).

The page holds everything: inline CSS and a few lines of inline JavaScript,
no fonts, images or scripts from anywhere else, so it can be mailed or opened
offline. Every UI string is written in both languages
(``<span class="i18n" lang="vi">…</span><span class="i18n" lang="en">…</span>``);
a CSS rule keyed on ``<html data-ui>`` shows one of them, the default being
``lang``; the JavaScript switch only changes that attribute, so without
JavaScript the page simply stays in its default language. Messages and
suggestions of findings (``Msg``) are rendered in both languages the same way.

The data is the JSON contract's (:func:`reportcheck.emit.jsonout.result_dict`
reads the same ``Result`` fields), plus the report text paragraph by
paragraph. Output is deterministic: no timestamps, stable ordering.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import PurePath
from urllib.parse import quote

from markupsafe import Markup, escape

from ..model import SEVERITY_ORDER, Finding, Msg
from ..pipeline import Result
from ..registry import label, rule_texts
from ..rules.unit import DEFAULT_GROUP_BY, RATING_CAP, Entry, group_name, groups_of, over_cap  # one definition of the cap
from .jsonout import section_order

__all__ = ["render_report", "render_audit", "report_view", "RATING_CAP"]

LANGS = ("vi", "en")
RATING_LEVELS = ("excellent", "good", "complete", "not_complete")
VERDICT_ORDER = {"perfunctory": 0, "revise": 1, "ok": 2}  # worst first
# HD 25-HD/BTCTW / QĐ 124-QĐ/TW: the number rated "completed tasks excellently" may not
# exceed 20% of those rated "completed tasks well" in the same unit and kind.

# UI strings not in data/i18n.toml (vi, en)
_UI: dict[str, tuple[str, str]] = {
    "report": ("Kết quả kiểm tra bản kiểm điểm", "Report check"),
    "audit": ("Tổng hợp kiểm tra bản kiểm điểm", "Report check: batch summary"),
    "member": ("Họ và tên", "Member"),
    "unit": ("Đơn vị", "Unit"),
    "language": ("Ngôn ngữ văn bản", "Report language"),
    "notes": ("Ghi chú khi đọc tệp", "Reader notes"),
    "overall": ("Tổng điểm", "Overall"),
    "doc_findings": ("Phát hiện chung của cả văn bản", "Document-level findings"),
    "all_findings": ("Danh sách phát hiện", "All findings"),
    "text": ("Nội dung bản kiểm điểm", "Report text"),
    "text_hint": ("Đoạn có phát hiện được tô màu; giải thích nằm bên cạnh.",
                  "Paragraphs with findings are highlighted; the explanation is beside them."),
    "section": ("Phần", "Part"),
    "status": ("Tình trạng", "Status"),
    "heading_found": ("Đề mục tìm thấy", "Heading as written"),
    "matched_by": ("Nhận ra từ", "Found by"),
    "optional": ("không thấy (không bắt buộc)", "not found (optional)"),
    "required": ("bắt buộc", "required"),
    "where": ("Vị trí", "Where"),
    "code": ("Mã", "Code"),
    "rule": ("Luật", "Rule"),
    "severity": ("Mức", "Severity"),
    "message": ("Nội dung", "Message"),
    "evidence": ("Trích dẫn", "Evidence"),
    "document": ("cả văn bản", "whole document"),
    "balance": ("Tỷ lệ ưu điểm / hạn chế", "Achievements vs shortcomings"),
    "achievements": ("Ưu điểm, kết quả", "Achievements"),
    "shortcomings": ("Hạn chế, nguyên nhân", "Shortcomings and causes"),
    "no_balance": ("Không đủ nội dung để tính tỷ lệ.", "Not enough content to compute the balance."),
    "reuse": ("Đoạn trùng lặp với văn bản khác", "Passages reused from other documents"),
    "prior": ("Bản kiểm điểm năm trước", "Previous year's report"),
    "peers": ("Bản kiểm điểm của người khác", "Colleague's report"),
    "references": ("Văn bản mẫu / tham khảo", "Reference text"),
    "similarity": ("Mức trùng lặp", "Similarity"),
    "this_report": ("Bản này", "This report"),
    "other_doc": ("Văn bản kia", "Other document"),
    "kind_col": ("Kiểu", "Kind"),
    "by_section": ("Theo phần", "By part"),
    "flagged": ("đáng ngờ sao chép", "flagged as copied"),
    "boilerplate_share": ("câu chữ của mẫu (không tính)", "form wording (not counted)"),
    "no_passages": ("Không có đoạn trùng.", "No matching passages."),
    "component": ("Thành phần", "Component"),
    "explanation": ("Cách tính", "How it is computed"),
    "completeness": ("Đầy đủ", "Completeness"),
    "specificity": ("Cụ thể", "Specificity"),
    "balance_score": ("Cân đối", "Balance"),
    "not_rated": ("chưa ghi", "not stated"),
    "heading": ("đề mục", "heading"),
    "combined": ("đề mục gộp", "combined heading"),
    "content": ("nội dung", "content"),
    "none": ("—", "—"),
    "table_cell": ("ô bảng", "table cell"),
    "reused": ("trùng lặp", "reused"),
    "back": ("Về đầu trang", "Back to top"),
    "files": ("Số bản kiểm điểm", "Reports"),
    "verdicts": ("Kết luận", "Verdicts"),
    "histogram": ("Phân bố tổng điểm", "Overall score distribution"),
    "ratings": ("Mức tự xếp loại", "Self-ratings"),
    "rating_groups": ("Tỷ lệ xuất sắc / tốt theo đơn vị (trần 20%)", "Excellent / good ratio by unit (20% cap)"),
    "count": ("Số lượng", "Count"),
    "ratio": ("Xuất sắc / Tốt", "Excellent / Good"),
    "cap": ("Trần", "Cap"),
    "over_cap": ("vượt trần", "over the cap"),
    "within_cap": ("trong giới hạn", "within the cap"),
    "table": ("Danh sách (kém nhất trước; bấm tiêu đề cột để sắp xếp)", "Reports (worst first; click a column to sort)"),
    "file": ("Tệp", "File"),
    "errors": ("Lỗi", "Errors"),
    "warnings": ("Cảnh báo", "Warnings"),
    "top_findings": ("Phát hiện theo luật", "Findings by rule"),
    "prior_sim": ("Trùng năm trước", "Same as last year"),
    "peer_matches": ("Trùng người khác", "Peer matches"),
    "reports": ("Chi tiết từng bản", "Each report"),
    "no_rows": ("Không có bản kiểm điểm nào.", "No reports."),
    "unknown": ("không rõ", "unknown"),
    "switch": ("Ngôn ngữ giao diện", "Interface language"),
    # short kind names for the dashboard's tables
    "kind_member": ("Đảng viên", "Member"),
    "kind_leader": ("Lãnh đạo, quản lý", "Leader"),
    "kind_collective": ("Tập thể", "Collective"),
    "kind_unknown": ("Không rõ", "Unknown"),
    # short rating names (the usual abbreviations) for the dashboard's table
    "rating_excellent": ("HTXSNV", "Excellent"),
    "rating_good": ("HTTNV", "Good"),
    "rating_complete": ("HTNV", "Complete"),
    "rating_not_complete": ("KHTNV", "Not complete"),
}

# Vietnamese for scoring.EXPLAIN: used only while the English text is still the one translated here
# (the English always comes from result.scores["explain"]).
_EXPLAIN_VI = {
    "completeness": ("share of required parts present and filled in, minus a penalty per structural finding",
                     "tỷ lệ các phần bắt buộc có mặt và có nội dung, trừ điểm cho mỗi phát hiện về cấu trúc"),
    "specificity": ("share of result and remedy statements that carry concrete products: numbers, dates, named outputs, deadlines",
                    "tỷ lệ câu về kết quả và biện pháp có sản phẩm cụ thể: số liệu, thời điểm, sản phẩm, thời hạn"),
    "balance": ("shortcoming share of the substantive sentences, scaled so that one third or more scores 100",
                "tỷ lệ câu nêu hạn chế trong phần nội dung, quy đổi sao cho từ một phần ba trở lên được 100 điểm"),
    "overall": ("weighted mean of the component scores", "trung bình có trọng số của các điểm thành phần"),
}
_SCORE_NAME = {"completeness": "completeness", "specificity": "specificity", "balance": "balance_score", "overall": "overall"}
_REUSE_KINDS = {
    "verbatim": ("nguyên văn", "verbatim"),
    "near-verbatim": ("gần nguyên văn", "near-verbatim"),
    "reordered": ("đảo thứ tự", "reordered"),
    "boilerplate": ("câu chữ của mẫu", "boilerplate"),
}


# --- bilingual markup ------------------------------------------------------------

def bi(vi: object, en: object) -> Markup:
    """Both languages, one shown by CSS; a single span-less text when they are equal."""
    vi_s, en_s = str(vi), str(en)
    if vi_s == en_s:
        return Markup(escape(vi_s))
    return Markup('<span class="i18n" lang="vi">{}</span><span class="i18n" lang="en">{}</span>').format(vi_s, en_s)


def ui(key: str) -> Markup:
    vi, en = _UI[key]
    return bi(vi, en)


def lab(group: str, key: str | None) -> Markup:
    """A name from data/i18n.toml in both languages."""
    if key is None:
        return ui("none")
    return bi(label(group, key, "vi"), label(group, key, "en"))


def msg(m: Msg | None) -> Markup | None:
    return None if m is None else bi(m.vi, m.en)


def _pct(share: float | None) -> str:
    if share is None:
        return "—"
    return f"{100.0 * share:.0f}%"


def _num(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


# --- one report ------------------------------------------------------------------

def _highlight(text: str, evidences: list[str]) -> Markup:
    """``text`` escaped, with the first occurrence of each evidence wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for ev in evidences:
        ev = ev.strip()
        if ev.endswith("..."):
            ev = ev[:-3].rstrip()
        if len(ev) < 3:
            continue
        at = text.find(ev)
        if at < 0:
            continue
        end = at + len(ev)
        if all(end <= s or at >= e for s, e in spans):
            spans.append((at, end))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        out.append(escape(text[pos:s]))
        out.append(Markup('<mark class="ev">{}</mark>').format(text[s:e]))
        pos = e
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _rule_summary(code: str) -> Markup | None:
    texts = rule_texts().get(code)
    if not texts or "summary" not in texts:
        return None
    return bi(*texts["summary"])


def _finding_view(f: Finding, fid: str, prefix: str, n_paras: int) -> dict:
    para = f.paragraph if f.paragraph is not None and 0 <= f.paragraph < n_paras else None
    return {
        "id": fid,
        "code": f.code,
        "rule": f.rule,
        "summary": _rule_summary(f.code),
        "severity": f.severity,
        "severity_label": lab("severity", f.severity),
        "message": msg(f.message),
        "suggestion": msg(f.suggestion),
        "evidence": f.evidence,
        "section": lab("section", f.section) if f.section else None,
        "paragraph": para,
        "anchor": f"{prefix}p-{para}" if para is not None else None,
    }


def _worst(severities: list[str]) -> str | None:
    return max(severities, key=SEVERITY_ORDER.__getitem__) if severities else None


def _reuse_sources(reuse: dict | None, prefix: str, n_paras: int) -> list[dict]:
    if not isinstance(reuse, dict):
        return []
    out = []
    groups = [("prior", [reuse.get("prior")] if reuse.get("prior") else [])]
    groups += [(role, list(reuse.get(role) or [])) for role in ("peers", "references")]
    for role, items in groups:
        for item in items:
            if not isinstance(item, dict):
                continue
            sections = item.get("sections") or {}
            passages = []
            for p in item.get("passages") or ():
                kind = p.get("kind") or ""
                this_para = p.get("this_paragraph")
                if not (isinstance(this_para, int) and 0 <= this_para < n_paras):
                    this_para = None
                other_para = p.get("other_paragraph")
                if not isinstance(other_para, int) or other_para < 0:
                    other_para = None
                passages.append({
                    "kind": kind,
                    "kind_label": bi(*_REUSE_KINDS[kind]) if kind in _REUSE_KINDS else escape(kind),
                    "boilerplate": kind == "boilerplate",
                    "this_paragraph": this_para,
                    "this_anchor": f"{prefix}p-{this_para}" if this_para is not None else None,
                    "this_text": p.get("this_text") or "",
                    "other_paragraph": other_para,
                    "other_text": p.get("other_text") or "",
                    "section": lab("section", p["section"]) if p.get("section") else None,
                    "score": _pct(_num(p.get("score"))) if _num(p.get("score")) is not None else None,
                })
            out.append({
                "role": role,
                "role_label": ui(role),
                "file": item.get("file") or item.get("other_id") or "",
                "similarity": _pct(_num(item.get("similarity"))),
                "flagged": bool(item.get("flagged")),
                "member": item.get("member"),
                "year": item.get("year"),
                "boilerplate": _pct(_num(item.get("boilerplate_share"))) if _num(item.get("boilerplate_share")) else None,
                "sections": [(lab("section", sid), _pct(_num(v))) for sid, v in sections.items() if _num(v)],
                "passages": passages,
            })
    return out


def report_view(result: Result, prefix: str = "") -> dict:
    """Everything the report template shows, with anchors prefixed by ``prefix``."""
    a = result.analysis
    doc = a.document
    paras = doc.paragraphs
    n = len(paras)
    rubric = a.rubric

    findings = [_finding_view(f, f"{prefix}f-{i}", prefix, n) for i, f in enumerate(result.findings)]
    by_para: dict[int, list[dict]] = {}
    for fv in findings:
        if fv["paragraph"] is not None:
            by_para.setdefault(fv["paragraph"], []).append(fv)
    doc_findings = [fv for fv in findings if fv["paragraph"] is None]

    reuse = _reuse_sources(result.extras.get("reuse"), prefix, n)
    reused_paras = {p["this_paragraph"] for s in reuse for p in s["passages"]
                    if p["this_paragraph"] is not None and not p["boilerplate"]}

    paragraphs = []
    for p in paras:
        fs = by_para.get(p.index, [])
        text = p.display
        paragraphs.append({
            "index": p.index,
            "number": p.index + 1,
            "id": f"{prefix}p-{p.index}",
            "html": _highlight(text, [fv["evidence"] for fv in fs if fv["evidence"]]),
            "empty": not text.strip(),
            "heading": a.headings.get(p.index),
            "section": a.paragraph_section.get(p.index),
            "in_table": p.in_table,
            "findings": fs,
            "worst": _worst([fv["severity"] for fv in fs]),
            "reused": p.index in reused_paras,
        })

    required = set(getattr(rubric, "required", ()) or ())
    sections = []
    for sid in section_order(result):
        sec = a.sections.get(sid)
        present = bool(sec is not None and sec.present)
        first = sec.first if present and sec.first is not None and 0 <= sec.first < n else None
        last = sec.last if present and sec.last is not None and 0 <= sec.last < n else first
        status = "present" if present else ("missing" if sid in required else "optional")
        sections.append({
            "id": sid, "name": lab("section", sid), "status": status, "required": sid in required,
            "first": first, "last": last,
            "first_anchor": f"{prefix}p-{first}" if first is not None else None,
            "last_anchor": f"{prefix}p-{last}" if last is not None else None,
            "words": sec.words if sec is not None else 0,
            "heading": sec.heading if sec is not None else None,
            "matched_by": ui(sec.matched_by) if present and sec.matched_by in _UI else None,
        })

    scores = result.scores or {}
    explain = scores.get("explain") or {}
    score_rows = []
    for key, value in scores.items():
        if key == "explain":
            continue
        v = _num(value)
        en_explain = explain.get(key)
        known_en, known_vi = _EXPLAIN_VI.get(key, (None, None))
        vi_explain = known_vi if en_explain and en_explain == known_en else en_explain
        name = ui(_SCORE_NAME[key]) if key in _SCORE_NAME else escape(key)
        score_rows.append({
            "key": key, "name": name, "value": value if v is None else f"{v:g}",
            "width": max(0.0, min(100.0, v)) if v is not None else 0.0,
            "overall": key == "overall",
            "explain": bi(vi_explain, en_explain) if en_explain else None,
        })
    # overall last, as in the JSON
    score_rows.sort(key=lambda r: r["overall"])

    balance = None
    if a.balance is not None:
        ach = _num(a.balance.get("achievements")) or 0.0
        sho = _num(a.balance.get("shortcomings")) or 0.0
        total = ach + sho or 1.0
        balance = {"ach": _pct(ach), "short": _pct(sho),
                   "ach_w": f"{100.0 * ach / total:.1f}", "short_w": f"{100.0 * sho / total:.1f}"}

    r = a.rating
    ratings = []
    for key in ("party", "civil_servant"):
        level = getattr(r, key)
        ratings.append({"who": lab("ui", key), "level": lab("rating", level) if level else ui("not_rated"),
                        "key": level})
    form_name = getattr(rubric, "name", None) if a.form != "unknown" else None

    counts = Counter(f.severity for f in result.findings)
    return {
        "prefix": prefix,
        "file": doc.path,
        "member": a.member,
        "unit": a.unit,
        "form": form_name or a.form,
        "kind": lab("kind", a.kind) if a.kind in ("member", "leader", "collective", "unknown") else escape(a.kind),
        "year": a.year,
        "language": a.language,
        "notes": list(doc.notes),
        "ratings": ratings,
        "points": f"{r.points:g}" if r.points is not None else None,
        "verdict": result.verdict,
        "verdict_label": lab("verdict", result.verdict),
        "overall": scores.get("overall"),
        "findings": findings,
        "doc_findings": doc_findings,
        "severity_counts": [(s, lab("severity", s), counts[s]) for s in ("error", "warning", "info") if counts[s]],
        "sections": sections,
        "scores": score_rows,
        "balance": balance,
        "paragraphs": paragraphs,
        "text_lang": a.language if a.language in LANGS else "vi",
        "reuse": reuse,
    }


# --- the batch dashboard ---------------------------------------------------------

def _row_key(row: dict) -> tuple:
    overall = _num(row.get("overall"))
    return (
        VERDICT_ORDER.get(row.get("verdict"), -1),
        -(row.get("errors") or 0),
        -(row.get("warnings") or 0),
        overall if overall is not None else -1.0,
        str(row.get("file") or ""),
    )


def _href(link: str) -> str:
    """A caller's link, percent-encoded (spaces, Vietnamese letters) but not twice."""
    return quote(link, safe="/#?&=:%;,+@!$'()*~.-_")


def _histogram(values: list[float]) -> dict:
    bins = [0] * 10
    for v in values:
        bins[min(9, max(0, int(v // 10)))] += 1
    top = max(bins) or 1
    bar_w, gap, height = 36, 6, 120
    bars = []
    for i, count in enumerate(bins):
        h = round(height * count / top, 1)
        x = i * (bar_w + gap)
        bars.append({"x": x, "y": round(height - h, 1) + 14, "h": h, "w": bar_w, "count": count,
                     "label": f"{i * 10}–{i * 10 + 9}" if i < 9 else "90–100", "cx": x + bar_w / 2})
    return {"bars": bars, "width": 10 * (bar_w + gap) - gap, "height": height + 14 + 18, "base": height + 14}


def _short_kind(kind: str | None) -> Markup:
    if not kind:
        return ui("unknown")
    key = f"kind_{kind}"
    return ui(key) if key in _UI else escape(kind)


def _short_rating(level: str | None) -> Markup:
    if not level:
        return ui("none")
    key = f"rating_{level}"
    return ui(key) if key in _UI else escape(level)


def _rating_groups(rows: list[dict], lang: str = "vi", group_by=DEFAULT_GROUP_BY) -> list[dict]:
    """The 20% cap per group of comparable members, grouped and judged exactly as RC501 does."""
    entries = [Entry.of_row(row) for row in rows]
    out = []
    for key, idx in groups_of(entries, tuple(group_by)).items():
        c = Counter(entries[i].party for i in idx)
        exc, good = c["excellent"], c["good"]
        if good:
            shown = _pct(exc / good)
        else:
            shown = "∞" if exc else "—"
        kind = dict(key).get("kind") or (entries[idx[0]].kind if idx else "")
        out.append({"unit": group_name(entries, idx, tuple((f, v) for f, v in key if f == "unit"), lang)
                    if any(f == "unit" for f, _ in key) else "", "kind": _short_kind(str(kind)),
                    "n": len(idx), "excellent": exc, "good": good, "ratio": shown,
                    "over": over_cap(exc, good, len(idx))})
    return out


def audit_view(results: list[Result], rows: list[dict], links: dict[str, str] | None = None,
               group_by=DEFAULT_GROUP_BY) -> dict:
    links = links or {}
    by_file: dict[str, int] = {}
    embedded = []
    for i, res in enumerate(results, start=1):
        path = res.analysis.document.path
        by_file.setdefault(path, i)
        if path not in links:
            embedded.append({"n": i, "id": f"r-{i}", "view": report_view(res, prefix=f"r-{i}-")})

    ordered = sorted(rows, key=_row_key)
    table = []
    for rank, row in enumerate(ordered, start=1):
        file = str(row.get("file") or "")
        if file in links:
            href = _href(links[file])
        elif file in by_file:
            href = f"#r-{by_file[file]}"
        else:
            href = None
        findings = row.get("findings") or {}
        top = sorted(findings.items(), key=lambda kv: (-kv[1], kv[0]))
        overall = _num(row.get("overall"))
        prior = _num(row.get("prior_similarity"))
        table.append({
            "rank": rank, "file": file, "name": PurePath(file).name or file, "href": href,
            "member": row.get("member") or "", "unit": row.get("unit") or "",
            "kind": row.get("kind"), "kind_label": _short_kind(row.get("kind")),
            "form": row.get("form") or "", "year": row.get("year"),
            "party": row.get("party"), "party_label": _short_rating(row.get("party")),
            "civil_servant": row.get("civil_servant"),
            "civil_label": _short_rating(row.get("civil_servant")),
            "overall": overall, "overall_shown": f"{overall:g}" if overall is not None else "—",
            "verdict": row.get("verdict") or "", "verdict_label": lab("verdict", row.get("verdict") or "?"),
            "verdict_rank": VERDICT_ORDER.get(row.get("verdict"), -1),
            "errors": row.get("errors") or 0, "warnings": row.get("warnings") or 0,
            "findings": top, "finding_total": sum(findings.values()),
            "prior": prior, "prior_shown": _pct(prior) if prior is not None else "—",
            "peers": row.get("peer_matches") if row.get("peer_matches") is not None else None,
        })

    verdicts = Counter(str(r.get("verdict") or "?") for r in rows)
    verdict_list = sorted(verdicts.items(), key=lambda kv: (VERDICT_ORDER.get(kv[0], -1), kv[0]))
    total = len(rows) or 1
    rating_dist = []
    for who in ("party", "civil_servant"):
        c = Counter(r.get(who) for r in rows)
        rating_dist.append({
            "who": lab("ui", who),
            "levels": [c[level] for level in RATING_LEVELS],
            "none": c[None],
        })
    scores = [v for v in (_num(r.get("overall")) for r in rows) if v is not None]
    return {
        "n": len(rows),
        "verdicts": [{"key": k, "label": lab("verdict", k), "count": v, "width": f"{100.0 * v / total:.1f}"}
                     for k, v in verdict_list],
        "histogram": _histogram(scores),
        "rating_levels": [lab("rating", level) for level in RATING_LEVELS],
        "rating_dist": rating_dist,
        "groups": _rating_groups(rows, group_by=group_by),
        "cap": _pct(RATING_CAP),
        "rows": table,
        "embedded": embedded,
    }


# --- templates -------------------------------------------------------------------

def _load_template(name: str) -> str | None:
    path = resources.files("reportcheck").joinpath("templates", name)
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    env = Environment(
        loader=FunctionLoader(_load_template),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(ui=ui, lab=lab, bi=bi)
    return env


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def render_report(result: Result, lang: str = "vi") -> str:
    """One report as a self-contained HTML page (both languages, ``lang`` shown first)."""
    lang = _check_lang(lang)
    view = report_view(result)
    return _env().get_template("report.html.j2").render(r=view, lang=lang)


def render_audit(results: list[Result], rows: list[dict], lang: str = "vi",
                 links: dict[str, str] | None = None, group_by=DEFAULT_GROUP_BY) -> str:
    """A sortable dashboard of many reports; each row links to ``links[file]`` when
    given, else to the report's full view embedded below (``#r-<n>``, n = 1-based
    position in ``results``). ``group_by``: the groups of the 20% table, as the audit's RC501."""
    lang = _check_lang(lang)
    view = audit_view(results, rows, links, group_by)
    return _env().get_template("audit.html.j2").render(v=view, lang=lang)
