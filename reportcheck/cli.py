"""Command line: ``reportcheck check|rules|rule|train|eval``.

Exit codes (as ruff/flake8): 0 nothing at or above ``--fail-on``, 1 findings
at or above it, 2 bad input or usage. Errors are one line on stderr, never a
traceback (set REPORTCHECK_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import InputError, ReportcheckError, UsageError
from .model import SEVERITY_ORDER

EXIT_OK, EXIT_FINDINGS, EXIT_BAD = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(EXIT_BAD, f"reportcheck: {message}\n")


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", help="rule codes, prefixes or names to run (comma-separated)")
    p.add_argument("--ignore", help="rule codes, prefixes or names to skip (comma-separated)")
    p.add_argument("--extend-select", help="add to the selected rules")
    p.add_argument("--extend-ignore", help="add to the ignored rules")
    p.add_argument("--config", help="settings file (reportcheck.toml or pyproject.toml)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reportcheck", description="Kiểm tra bản kiểm điểm đảng viên / check Party self-criticism reports")
    parser.add_argument("--version", action="version", version=f"reportcheck {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("check", help="check one or more reports")
    p.add_argument("files", nargs="+", help=".docx, .txt or .md files")
    p.add_argument("--format", choices=("text", "json", "html"), default="text")
    p.add_argument("--lang", choices=("vi", "en"), default=None)
    p.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default=None)
    p.add_argument("-o", "--output", help="write the output to this file instead of standard output")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--prior", help="last year's report of the same member (one file)")
    p.add_argument("--prior-dir", help="folder of earlier reports; each report's prior is found by member name or file name")
    p.add_argument("--peers", action="store_true", help="compare the reports of this run with each other")
    p.add_argument("--reference", help="folder of published sample reports to compare against")
    _add_selection(p)

    p = sub.add_parser("annotate", help="write a copy of a .docx report with a Word comment on each finding")
    p.add_argument("file", help="the .docx report (never modified)")
    p.add_argument("-o", "--output", required=True, help="the annotated copy to write")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--lang", choices=("vi", "en"), default=None)
    p.add_argument("--prior", help="last year's report, for the copy and follow-through findings")
    _add_selection(p)

    p = sub.add_parser("serve", help="web page and JSON API (http://127.0.0.1:8000 by default)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--token-file", help="file holding the token every request must present (required off loopback)")
    p.add_argument("--archive", help="the unit's archive (SQLite) that users may add their reports to")
    p.add_argument("--max-upload-mb", type=float, default=10.0, help="largest file accepted, in MB (default 10)")
    p.add_argument("--workers", type=int, default=2, help="checks run at once (default 2); more wait, then 'busy'")

    p = sub.add_parser("rules", help="list every rule")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")

    p = sub.add_parser("rule", help="explain one rule")
    p.add_argument("code", help="rule code or name, e.g. RC101 or missing-section")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p = sub.add_parser("train", help="rebuild the sentence-role classifier (needs scikit-learn)")
    p.add_argument("--sentences", default=str(_REPO / "corpora" / "sentences"), help="folder with train.tsv/test.tsv")
    p.add_argument("--out", default=str(_REPO / "models" / "roles.json"))

    p = sub.add_parser("eval", help="precision/recall per rule on the labelled corpus")
    p.add_argument("--corpus", default=str(_REPO / "corpora"))
    p.add_argument("--split", choices=("dev", "test", "all"), default="all")
    p.add_argument("-v", "--verbose", action="store_true", help="list every false positive and negative")

    p = sub.add_parser("audit", help="check every report of a unit together: ranked table, HTML/CSV/XLSX, archive")
    p.add_argument("paths", nargs="+", help="folders (searched recursively) or report files")
    p.add_argument("--archive", help="SQLite archive: earlier years' reports come from it; this run is recorded in it")
    p.add_argument("--year", type=int, help="the audit year (priors are earlier years); default: each report's own year")
    p.add_argument("--prior-dir", help="folder of earlier reports; each report's prior is found by member name or file name")
    p.add_argument("--reference", help="folder of published sample reports to compare against")
    p.add_argument("--no-peers", action="store_true", help="do not compare the reports of this run with each other")
    p.add_argument("--group-by", default="unit,kind",
                   help="what makes a group of comparable members for the 20%% cap: unit, kind, year (default unit,kind)")
    p.add_argument("--html", help="write the dashboard, every report embedded, to this file")
    p.add_argument("--csv", help="write the table (one row per report) as CSV for Excel")
    p.add_argument("--xlsx", help="write the table as an Excel workbook")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.add_argument("--jobs", type=int, help="processes to use (default: every core)")
    p.add_argument("--lang", choices=("vi", "en"), default=None)
    p.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default=None)
    _add_selection(p)

    p = sub.add_parser("archive", help="the unit's archive (SQLite) of earlier years' reports: add, list, show")
    asub = p.add_subparsers(dest="archive_command", parser_class=_Parser, required=True, metavar="{add,list,show}")
    q = asub.add_parser("add", help="check reports and keep them in the archive (one transaction)")
    q.add_argument("paths", nargs="+", help="folders (searched recursively) or report files")
    q.add_argument("--year", type=int, required=True, help="the year of these reports")
    q.add_argument("--unit", help="the unit (chi bộ) they belong to; default: the cell named in each header")
    q.add_argument("--archive", required=True, help="the archive file (created when missing)")
    q.add_argument("--jobs", type=int, help="processes to use (default: every core)")
    q.add_argument("--lang", choices=("vi", "en"), default=None)
    _add_selection(q)
    q = asub.add_parser("list", help="every member in the archive, with their years")
    q.add_argument("--archive", required=True)
    q.add_argument("--lang", choices=("vi", "en"), default="vi")
    q = asub.add_parser("show", help="one member's archived reports, year by year")
    q.add_argument("member", help="the member's name (case, diacritics and tone placement ignored)")
    q.add_argument("--archive", required=True)
    q.add_argument("--lang", choices=("vi", "en"), default="vi")
    return parser


_REPO = Path(__file__).resolve().parent.parent


def cmd_train(args) -> int:
    try:
        from .train import train
    except ImportError:
        raise UsageError("cần scikit-learn: pip install -e '.[train]'", "needs scikit-learn: pip install -e '.[train]'") from None
    folder = Path(args.sentences)
    if not (folder / "train.tsv").is_file():
        raise UsageError(f"{folder}: không có train.tsv", f"{folder}: no train.tsv")
    try:
        info = train(folder, Path(args.out))
    except ImportError:
        raise UsageError("cần scikit-learn: pip install -e '.[train]'", "needs scikit-learn: pip install -e '.[train]'") from None
    print(f"trained on {info['train_sentences']} sentences, {info['features']} features -> {args.out}")
    test = info.get("test")
    if test:
        for role, m in test.items():
            if role != "accuracy":
                print(f"  {role:<12} precision {m['precision']:.2f}  recall {m['recall']:.2f}  (n={m['support']})")
        print(f"  accuracy {test['accuracy']:.3f}")
    return EXIT_OK


def cmd_eval(args) -> int:
    from .evaluate import evaluate, evaluate_pairs, render, render_pairs

    corpus = Path(args.corpus)
    if not (corpus / "src").is_dir():
        raise UsageError(f"{corpus}: không có thư mục src/", f"{corpus}: no src/ folder")
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    for split in splits:
        print(f"== split: {split}")
        print(render(evaluate(corpus, split), args.verbose))
    if args.split != "test":
        print("== copy detection and follow-through (dev pairs)")
        print(render_pairs(evaluate_pairs(corpus), args.verbose))
    return EXIT_OK


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _selection(args, cfg: dict):
    from .registry import Selection

    sel = Selection.make(
        select=_split(args.select) or cfg.get("select"),
        ignore=_split(args.ignore) or cfg.get("ignore"),
        extend_select=_split(args.extend_select) or cfg.get("extend-select", ()),
        extend_ignore=_split(args.extend_ignore) or cfg.get("extend-ignore", ()),
    )
    unknown = sel.unknown()
    if unknown:
        raise UsageError(f"mã luật không tồn tại: {', '.join(unknown)} (xem: reportcheck rules)",
                         f"unknown rule code(s): {', '.join(unknown)} (see: reportcheck rules)")
    return sel


def write_output(path: str, text: str, force: bool) -> None:
    """Write atomically: a temporary file renamed into place, never a half-written output."""
    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"{path}: tệp đã tồn tại; dùng --force để ghi đè.", f"{path}: already exists; use --force to overwrite.")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"{path}: không ghi được ({exc.strerror}).", f"{path}: cannot write ({exc.strerror}).") from None


def cmd_check(args) -> int:
    from .batch import run
    from .config import load_config
    from .emit import jsonout, text

    _, cfg = load_config(args.config)
    lang = args.lang or cfg.get("lang", "vi")
    fail_on = args.fail_on or cfg.get("fail-on", "error")
    selection = _selection(args, cfg)
    if args.prior and len(args.files) > 1:
        raise UsageError("--prior đi với một tệp; với nhiều tệp hãy dùng --prior-dir.",
                         "--prior goes with one file; use --prior-dir for several.")
    def refused(exc: InputError) -> None:
        print(exc.line(lang), file=sys.stderr)

    batch = run(args.files, selection=selection, prior=args.prior, prior_dir=args.prior_dir, peers=args.peers,
                reference=args.reference, on_error=refused)
    results, bad = batch.results, bool(batch.errors)
    if args.format == "json":
        items = {r.analysis.document.path: jsonout.result_dict(r, lang) for r in results}
        for exc in batch.errors:
            items.setdefault(exc.path, {"schema": jsonout.SCHEMA, "file": exc.path,
                                        "error": {"reason": exc.reason, "message": exc.message(lang)}})
        ordered = [items[p] for p in dict.fromkeys(args.files) if p in items]
        payload = jsonout.dump_items(ordered if len(args.files) > 1 else ordered[0])
    elif args.format == "html":
        from .emit.html import render_audit, render_report

        if len(results) == 1 and len(args.files) == 1:
            payload = render_report(results[0], lang)
        else:
            from .audit import rows_for

            payload = render_audit(results, rows_for(results), lang)
    else:
        payload = "".join(text.render(r, lang) for r in results)
    if args.output:
        write_output(args.output, payload, args.force)
    else:
        sys.stdout.write(payload)
    if bad:
        return EXIT_BAD
    if fail_on == "never":
        return EXIT_OK
    limit = SEVERITY_ORDER[fail_on]
    return EXIT_FINDINGS if any(SEVERITY_ORDER[f.severity] >= limit for r in results for f in r.findings) else EXIT_OK


def cmd_annotate(args) -> int:
    from .batch import run
    from .config import load_config
    from .emit.docx_comments import annotate_docx

    _, cfg = load_config(args.config)
    lang = args.lang or cfg.get("lang", "vi")
    if Path(args.output).exists() and not args.force:
        raise UsageError(f"{args.output}: tệp đã tồn tại; dùng --force để ghi đè.",
                         f"{args.output}: already exists; use --force to overwrite.")
    batch = run([args.file], selection=_selection(args, cfg), prior=args.prior)
    if batch.errors:
        raise batch.errors[0]
    count = annotate_docx(args.file, batch.results[0], args.output, lang, force=args.force)
    msg = {"vi": f"đã ghi {count} nhận xét vào {args.output}", "en": f"wrote {count} comments to {args.output}"}
    print(msg[lang], file=sys.stderr)
    return EXIT_OK


def cmd_serve(args) -> int:
    from .server.security import is_loopback, load_token

    token = load_token(args.token_file) if args.token_file else None
    if not is_loopback(args.host) and not token:
        raise UsageError(f"không mở máy chủ trên {args.host} khi không có token: thêm --token-file TỆP.",
                         f"refusing to listen on {args.host} without a token: add --token-file FILE.")
    if not 0 < args.port < 65536 or args.workers < 1 or args.max_upload_mb <= 0:
        raise UsageError("--port, --workers và --max-upload-mb phải là số dương hợp lệ.",
                         "--port, --workers and --max-upload-mb must be valid positive numbers.")
    try:
        import uvicorn

        from .server import Settings, create_app
    except ImportError as exc:
        raise UsageError(f"thiếu thư viện cho máy chủ ({exc.name}): pip install -e .",
                         f"the server's libraries are missing ({exc.name}): pip install -e .") from None
    settings = Settings(host=args.host, port=args.port, token=token, archive=args.archive,
                        max_upload_mb=args.max_upload_mb, workers=args.workers)
    app = create_app(settings)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"reportcheck: http://{shown}:{args.port}/ (Ctrl+C to stop)", file=sys.stderr)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                            server_header=False, proxy_headers=False)
    uvicorn.Server(config).run()
    return EXIT_OK


def cmd_rules(args) -> int:
    from .registry import all_rules

    lang = args.lang
    for r in all_rules():
        print(f"{r.code}  {r.name:<34} {r.severity:<8} {r.text('summary', lang)}")
    return EXIT_OK


def cmd_rule(args) -> int:
    from .registry import find_rule

    r = find_rule(args.code)
    lang = args.lang
    if r is None:
        raise UsageError(f"không có luật {args.code} (xem: reportcheck rules)", f"no rule {args.code} (see: reportcheck rules)")
    heads = {
        "vi": ("Kiểm tra gì", "Vì sao", "Căn cứ", "Ví dụ sai", "Ví dụ đúng", "Cách sửa", "Mức"),
        "en": ("What it checks", "Why", "Source", "Bad", "Good", "How to fix", "Severity"),
    }[lang]
    print(f"{r.code} {r.name} ({heads[6]}: {r.severity})\n")
    print(f"{heads[0]}: {r.text('summary', lang)}\n")
    print(f"{heads[1]}: {r.text('why', lang)}\n")
    print(f"{heads[2]}: {r.texts['source']}\n")
    print(f"{heads[3]}:\n  {r.text('bad', lang)}\n")
    print(f"{heads[4]}:\n  {r.text('good', lang)}\n")
    print(f"{heads[5]}: {r.text('fix', lang)}")
    return EXIT_OK


_RATING_SHORT = {"vi": {"excellent": "HTXSNV", "good": "HTTNV", "complete": "HTNV", "not_complete": "KHTNV"},
                 "en": {"excellent": "excellent", "good": "good", "complete": "complete", "not_complete": "not compl."}}


def _audit_table(rows: list[dict], lang: str) -> str:
    """The ranked table (worst first) shown in the terminal."""
    from .registry import label

    heads = {"vi": ("#", "Kết luận", "Lỗi", "C.báo", "Điểm", "Xếp loại", "Năm trước", "Trùng", "Họ và tên", "Tệp"),
             "en": ("#", "Verdict", "Err", "Warn", "Score", "Rating", "Last year", "Peers", "Member", "File")}[lang]
    lines = []
    for n, r in enumerate(rows, start=1):
        prior = r.get("prior_similarity")
        lines.append((str(n), label("verdict", r["verdict"], lang), str(r["errors"]), str(r["warnings"]),
                      "" if r.get("overall") is None else str(r["overall"]),
                      _RATING_SHORT[lang].get(r.get("party"), "—"),
                      "—" if prior is None else f"{100 * prior:.0f}%", str(r.get("peer_matches") or 0),
                      r.get("member") or "—", r["file"]))
    widths = [max(len(h), *(len(line[k]) for line in lines)) for k, h in enumerate(heads)]
    right = {0, 2, 3, 4, 6, 7}

    def fmt(cells) -> str:
        return "  ".join(c.rjust(w) if k in right else c.ljust(w) for k, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([fmt(heads)] + [fmt(line) for line in lines]) + "\n"


def _check_outputs(paths: list[str | None], force: bool) -> None:
    for path in paths:
        if path and Path(path).exists() and not force:
            raise UsageError(f"{path}: tệp đã tồn tại; dùng --force để ghi đè.", f"{path}: already exists; use --force to overwrite.")


def _write_table(writer, rows: list[dict], path: str) -> None:
    try:
        writer(rows, path)
    except OSError as exc:
        raise UsageError(f"{path}: không ghi được ({exc.strerror}).", f"{path}: cannot write ({exc.strerror}).") from None


def _note_not_recorded(audit, lang: str) -> None:
    if audit.not_recorded:
        n = len(audit.not_recorded)
        print({"vi": f"{n} bản không được lưu vào kho vì không rõ năm (dùng --year), ví dụ {audit.not_recorded[0]}",
               "en": f"{n} reports not kept in the archive: their year is unknown (use --year), e.g. {audit.not_recorded[0]}"}[lang],
              file=sys.stderr)


def _jobs(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise UsageError("--jobs phải từ 1 trở lên.", "--jobs must be at least 1.")
    return value


def cmd_audit(args) -> int:
    from collections import Counter

    from .audit import run_audit
    from .config import load_config
    from .rules.unit import GROUP_FIELDS

    _, cfg = load_config(args.config)
    lang = args.lang or cfg.get("lang", "vi")
    fail_on = args.fail_on or cfg.get("fail-on", "error")
    selection = _selection(args, cfg)
    group_by = _split(args.group_by) or []
    if not set(group_by) <= set(GROUP_FIELDS):
        raise UsageError(f"--group-by: chỉ dùng {', '.join(GROUP_FIELDS)}.", f"--group-by: use only {', '.join(GROUP_FIELDS)}.")
    _check_outputs([args.html, args.csv, args.xlsx], args.force)
    audit = run_audit(args.paths, archive=args.archive, year=args.year, prior_dir=args.prior_dir, peers=not args.no_peers,
                      reference=args.reference, jobs=_jobs(args.jobs), selection=selection, group_by=group_by)
    for exc in audit.errors:
        print(exc.line(lang), file=sys.stderr)
    _note_not_recorded(audit, lang)
    if not audit.rows:
        if audit.errors:
            return EXIT_BAD
        raise UsageError(f"không có bản kiểm điểm nào (.docx, .txt, .md) trong: {' '.join(args.paths)}",
                         f"no reports (.docx, .txt, .md) in: {' '.join(args.paths)}")
    sys.stdout.write(_audit_table(audit.rows, lang))
    if audit.unit_findings:
        print("\n" + ("Phát hiện cấp đơn vị:" if lang == "vi" else "Unit-level findings:"))
        for uf in audit.unit_findings:
            print(f"  {uf.code} {uf.rule}: {uf.message.get(lang)}")
            for f in uf.files:
                print(f"      {f}")
    verdicts = Counter(r["verdict"] for r in audit.rows)
    summary = {"vi": f"{len(audit.rows)} bản kiểm điểm: {verdicts['ok']} đạt, {verdicts['revise']} cần sửa, "
                     f"{verdicts['perfunctory']} hình thức; {len(audit.errors)} tệp không đọc được.",
               "en": f"{len(audit.rows)} reports: {verdicts['ok']} ok, {verdicts['revise']} to revise, "
                     f"{verdicts['perfunctory']} perfunctory; {len(audit.errors)} files could not be read."}
    print("\n" + summary[lang])
    if args.html:
        from .emit.html import render_audit

        write_output(args.html, render_audit(audit.results, audit.rows, lang, group_by=group_by),
                     args.force)  # results: read one by one
    if args.csv or args.xlsx:
        from .emit.tabular import write_csv, write_xlsx

        if args.csv:
            _write_table(write_csv, audit.rows, args.csv)
        if args.xlsx:
            _write_table(write_xlsx, audit.rows, args.xlsx)
    if audit.errors:
        return EXIT_BAD
    if fail_on == "never":
        return EXIT_OK
    counts = {"error": lambda r: r["errors"], "warning": lambda r: r["errors"] + r["warnings"],
              "info": lambda r: sum(r["findings"].values())}[fail_on]
    return EXIT_FINDINGS if any(counts(r) for r in audit.rows) else EXIT_OK


def cmd_archive(args) -> int:
    return {"add": _archive_add, "list": _archive_list, "show": _archive_show}[args.archive_command](args)


def _archive_add(args) -> int:
    from .audit import run_audit
    from .config import load_config
    from .registry import Selection

    _, cfg = load_config(args.config)
    lang = args.lang or cfg.get("lang", "vi")
    sel = _selection(args, cfg)
    # the unit-level rules judge a whole audit, not the keeping of last year's reports
    selection = Selection(sel.select, sel.ignore + ("RC5",))
    audit = run_audit(args.paths, archive=args.archive, year=args.year, unit=args.unit, peers=False,
                      jobs=_jobs(args.jobs), selection=selection, commit_every=None)
    for exc in audit.errors:
        print(exc.line(lang), file=sys.stderr)
    if not audit.rows:
        if audit.errors:
            return EXIT_BAD
        raise UsageError(f"không có bản kiểm điểm nào (.docx, .txt, .md) trong: {' '.join(args.paths)}",
                         f"no reports (.docx, .txt, .md) in: {' '.join(args.paths)}")
    msg = {"vi": f"đã lưu {len(audit.rows)} bản kiểm điểm năm {args.year} vào {args.archive}",
           "en": f"kept {len(audit.rows)} reports of {args.year} in {args.archive}"}
    print(msg[lang])
    return EXIT_BAD if audit.errors else EXIT_OK


def _archive_list(args) -> int:
    from .archive import Archive

    with Archive(args.archive, create=False) as arc:
        members = arc.members()
    if not members:
        print("Kho lưu trữ chưa có bản kiểm điểm nào." if args.lang == "vi" else "The archive holds no reports.")
        return EXIT_OK
    unit_word = {"vi": "bản", "en": "report(s)"}[args.lang]
    for m in members:
        key = f" ({m['member_key']})" if m["member_key"] else ""
        years = ", ".join(str(y) for y in sorted(m["years"]))
        print(f"{m['member'] or '—'}{key} · {m['unit'] or '—'} · {years} · {m['reports']} {unit_word}")
    return EXIT_OK


def _archive_show(args) -> int:
    from collections import Counter

    from .archive import Archive
    from .registry import label

    lang = args.lang
    with Archive(args.archive, create=False) as arc:
        reports = arc.history(args.member)
    if not reports:
        raise UsageError(f"{args.archive}: không có bản kiểm điểm nào của \"{args.member}\" (xem: reportcheck archive list).",
                         f"{args.archive}: no reports of \"{args.member}\" (see: reportcheck archive list).")
    print(f"{reports[-1].member or args.member} · {reports[-1].unit or '—'}")
    for r in reports:
        res = r.result or {}
        scores = res.get("scores") or {}
        findings = Counter(f["severity"] for f in res.get("findings") or ())
        parts = [str(r.year), r.file, f"{label('ui', 'form', lang)} {r.form}", label("kind", r.kind, lang),
                 f"{label('ui', 'rating', lang)}: {label('rating', r.party, lang) if r.party else '—'}"]
        if res:
            parts += [f"{label('ui', 'scores', lang)} {scores.get('overall', '—')}",
                      label("verdict", res.get("verdict", "ok"), lang),
                      f"{findings['error']} {label('severity', 'error', lang)}, {findings['warning']} {label('severity', 'warning', lang)}"]
        parts.append(f"sha256 {r.sha256[:12]}")
        print("  " + " · ".join(parts))
    return EXIT_OK

COMMANDS = {"annotate": cmd_annotate, "check": cmd_check, "rules": cmd_rules, "rule": cmd_rule, "train": cmd_train, "eval": cmd_eval,
            "serve": cmd_serve,
            "audit": cmd_audit, "archive": cmd_archive}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_BAD
    lang = getattr(args, "lang", None) or "vi"
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"reportcheck: {exc.line(lang)}", file=sys.stderr)
        return EXIT_BAD
    except ReportcheckError as exc:
        print(f"reportcheck: {exc.message(lang)}", file=sys.stderr)
        return EXIT_BAD
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 — never a traceback for the user
        if os.environ.get("REPORTCHECK_DEBUG"):
            raise
        print(f"reportcheck: internal error ({type(exc).__name__}: {exc}); set REPORTCHECK_DEBUG=1 for details",
              file=sys.stderr)
        return EXIT_BAD


if __name__ == "__main__":
    sys.exit(main())
