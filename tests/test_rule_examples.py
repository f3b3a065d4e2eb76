"""Per-rule examples: reports that must trigger a rule and reports that must not.

Each example in ``rule_examples/examples.toml`` starts from one of the clean base
reports in ``rule_examples/base/*.toml`` and edits it (see that file's header for
the fields). The edited report is written as a .txt file, read with the ordinary
reader and checked with the whole pipeline; the test then asserts that the named
rule fired (``expect = "fail"``) or did not fire (``expect = "pass"``). Only that
rule is asserted: an edit may well trigger other rules too.

An example carrying ``xfail = "reason"`` documents a case the rule gets wrong
today; it runs as a strict xfail, so it turns into an error once the rule is fixed
and the marker must then be removed.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from reportcheck.io import read_document
from reportcheck.pipeline import check_document
from reportcheck.registry import all_rules

HERE = Path(__file__).resolve().parent / "rule_examples"
BASE_DIR = HERE / "base"
EXAMPLES = HERE / "examples.toml"

EXAMPLE_KEYS = {"rule", "expect", "base", "note", "replace", "append", "drop", "heading", "head", "flatten", "xfail"}
MIN_PER_SIDE = 3


@lru_cache(maxsize=None)
def load_base(name: str) -> dict:
    return tomllib.loads((BASE_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def base_names() -> list[str]:
    return sorted(p.stem for p in BASE_DIR.glob("*.toml"))


def load_examples() -> list[dict]:
    return tomllib.loads(EXAMPLES.read_text(encoding="utf-8"))["example"]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def render(base: dict, example: dict | None = None) -> str:
    """The report text: head lines, then each part's heading line and body lines.

    Edits, applied per part id: ``drop`` removes the part (heading and body),
    ``heading`` retypes its heading ("" removes the heading line only),
    ``replace`` swaps its body, ``append`` adds lines after its body; ``head``
    replaces the letterhead/title lines; ``flatten`` writes every part without
    its heading line (a report typed as one run of paragraphs).
    """
    ex = example or {}
    ids = {p["id"] for p in base["part"]}
    for key in ("replace", "append", "heading"):
        unknown = set(ex.get(key, {})) - ids
        assert not unknown, f"{key}: unknown part ids {sorted(unknown)}"
    unknown = set(ex.get("drop", [])) - ids
    assert not unknown, f"drop: unknown part ids {sorted(unknown)}"

    out = _lines(ex.get("head", base["head"]))
    for part in base["part"]:
        pid = part["id"]
        if pid in ex.get("drop", []):
            continue
        heading = ex.get("heading", {}).get(pid, part["heading"])
        if heading.strip() and not ex.get("flatten", False):
            out.append(heading.strip())
        out += _lines(ex.get("replace", {}).get(pid, part["body"]))
        out += _lines(ex.get("append", {}).get(pid, ""))
    return "\n".join(out) + "\n"


def check_text(text: str, tmp_path: Path, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_document(read_document(path))


def _example_id(ex: dict, n: int) -> str:
    return f"{ex['rule']}-{ex['expect']}-{n}"


def _params() -> list:
    params, seen = [], Counter()
    for ex in load_examples():
        seen[(ex["rule"], ex["expect"])] += 1
        marks = [pytest.mark.xfail(strict=True, reason=ex["xfail"])] if "xfail" in ex else []
        params.append(pytest.param(ex, id=_example_id(ex, seen[(ex["rule"], ex["expect"])]), marks=marks))
    return params


# RC3xx rules compare a report with other reports (last year's, peers', published samples:
# ``ctx.extras``); one edited report cannot exercise them, so they need a harness of their own.
REUSE_PREFIX = "RC3"


def _document_rules() -> list:
    """Rules that judge one report on its own (scope "document", not the reuse family)."""
    return [r for r in all_rules() if r.scope == "document" and not r.code.startswith(REUSE_PREFIX)]


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", base_names())
def test_base_report_is_clean(name: str, tmp_path: Path) -> None:
    """Each base report alone is a clean reference: no rule fires on it."""
    result = check_text(render(load_base(name)), tmp_path, f"{name}.txt")
    assert [(f.rule, f.section, f.evidence) for f in result.findings] == []


def test_examples_are_well_formed() -> None:
    names = {r.name for r in _document_rules()}
    bases = set(base_names())
    for n, ex in enumerate(load_examples()):
        where = f"example #{n + 1} ({ex.get('rule')}, {ex.get('note', '')[:40]!r})"
        assert set(ex) <= EXAMPLE_KEYS, f"{where}: unknown keys {sorted(set(ex) - EXAMPLE_KEYS)}"
        assert ex["rule"] in names, f"{where}: unknown rule"
        assert ex["expect"] in ("fail", "pass"), f"{where}: expect must be fail or pass"
        assert ex["base"] in bases, f"{where}: unknown base"
        assert ex.get("note"), f"{where}: every example says what it shows"
        render(load_base(ex["base"]), ex)  # edits name existing parts


def test_every_rule_has_examples_both_ways() -> None:
    count = Counter((ex["rule"], ex["expect"]) for ex in load_examples())
    short = [
        (r.name, expect, count[(r.name, expect)])
        for r in _document_rules()
        for expect in ("fail", "pass")
        if count[(r.name, expect)] < MIN_PER_SIDE
    ]
    assert short == [], f"rules with fewer than {MIN_PER_SIDE} examples on a side: {short}"


def test_examples_differ() -> None:
    """No two examples of a rule make the same edit."""
    seen = {}
    for ex in load_examples():
        key = (ex["rule"], ex["base"], repr({k: ex.get(k) for k in sorted(EXAMPLE_KEYS - {"note", "xfail", "expect"})}))
        assert key not in seen, f"duplicate example for {ex['rule']}: {ex['note']!r} and {seen[key]!r}"
        seen[key] = ex["note"]


@pytest.mark.parametrize("example", _params())
def test_rule_example(example: dict, tmp_path: Path) -> None:
    text = render(load_base(example["base"]), example)
    result = check_text(text, tmp_path)
    fired = [f for f in result.findings if f.rule == example["rule"]]
    if example["expect"] == "fail":
        assert fired, (
            f"{example['rule']} did not fire: {example['note']}\n"
            f"other findings: {sorted({f.rule for f in result.findings})}"
        )
    else:
        assert not fired, (
            f"{example['rule']} fired but should not: {example['note']}\n"
            + "\n".join(f"  {f.message.vi} | {f.evidence}" for f in fired)
        )


@pytest.mark.parametrize("text,own", [
    ("Phần mềm thay đổi, tôi chưa được tập huấn.", False),
    ("Bản thân chưa được cử đi bồi dưỡng nghiệp vụ.", False),
    ("Tôi bị ốm phải nghỉ hai tuần.", False),
    ("Cơ quan chủ quản cấp kinh phí chậm.", False),
    ("Tôi chưa chủ động học phần mềm mới.", True),
    ("Bản thân chưa sắp xếp thời gian hợp lý.", True),
    ("Tôi phải kiêm nhiệm thêm 12 vận động viên vì Bộ môn thiếu huấn luyện viên.", False),
    ("Kế hoạch được Sở phê duyệt muộn nên tôi không thể nộp giáo án sớm hơn.", False),
    ("I was not trained on the new forms; the guidance reached the province late.", False),
    ("I had to cover the Head's work while she attended a course.", False),
    ("From April I had to cover the Head's work as well, on top of my own duties.", False),  # "my own" ≠ my fault
    ("The delay was my own carelessness: I signed the list without checking it.", True),
    # the subject of the sentence is someone else, across the commas, until the writer comes in again
    ("Người bệnh chủ yếu là người cao tuổi, người nhà đông, có tâm lý sốt ruột, đòi hỏi cao.", False),
    ("Phụ huynh bận làm nương, tôi chưa chủ động đến nhà vận động.", True),
    ("Người dân chưa hợp tác, bản thân còn ngại va chạm.", True),
    ("Sổ theo dõi tôi ghi tay, không lập bảng nhắc hạn trên máy tính.", True),
    ("I did not assign a second inspector to review the records.", True),
    ("I have not passed the chief-accountant exam I committed to.", True),  # present perfect, not passive
    ("I have not been given access to the new system.", False),
])
def test_own_cause_is_not_the_passive(text: str, own: bool) -> None:
    """What was not given to the writer ("chưa được tập huấn") or happened to them ("bị ốm") is not their fault."""
    from reportcheck.rules._facts import is_subjective

    assert is_subjective(text) is own


@pytest.mark.parametrize("text,cause", [
    ("Có 6 phiếu chăm sóc do tôi ghi thiếu diễn biến người bệnh.", False),  # "do tôi ghi": by me, not because
    ("Hồ sơ do bản thân phụ trách còn thiếu 2 biên bản.", False),
    ("Báo cáo chậm do tôi chưa sắp xếp thời gian.", True),
    ("Báo cáo chậm, do tôi ghi chép không kịp.", True),
    ("Sai sót là do tôi lập bảng vội.", True),
    # folded, "độ", "đó" and "vi" would read as the conjunctions "do" and "vì"
    ("Công dân phản ánh tôi giải thích không rõ ràng, thái độ chưa mềm mỏng.", False),
    ("Có 2 vụ vi phạm hành chính chưa xử lý xong.", False),
    ("Chậm 2 ngày. Do hướng dẫn mới ban hành giữa quý.", True),
    # the doing and the manner it fell short in: a cause; the file someone handled: an agent
    ("01 đơn khiếu nại đối với việc trả hồ sơ do tôi thẩm định; Giám đốc đã giải quyết.", False),
    ("Hồ sơ bị trả lại do tôi thẩm định chưa kỹ.", True),
    ("Sai sót do tôi kiểm tra còn sơ suất.", True),
    # the collective with a fault word gives a cause; the collective that made something is an agent
    ("Kiểm tra mới được 18/30 cơ sở do chi ủy chưa phân công rõ người phụ trách.", True),
    ("Kế hoạch do chi ủy xây dựng còn chung chung.", False),
    # "mình" is the writer right after "do" ("Biên bản do mình ghi"); folded it is also a syllable of other words
    ("Biên bản do mình ghi còn thiếu chữ ký 2 hộ.", False),
    ("Biên bản còn thiếu chữ ký, do mình ghi vội.", True),
])
def test_do_of_an_agent_is_not_a_cause(text: str, cause: bool) -> None:
    from reportcheck.rules._facts import is_cause

    assert is_cause(text) is cause


@pytest.mark.parametrize("text,explained", [
    ("Để 46 hộp thuốc hết hạn: tôi không sắp xếp kho theo nguyên tắc hết hạn trước xuất trước.", True),
    ("Việc phát quang hành lang tuyến còn chậm, gây 5 lần sự cố. Tôi còn ngại va chạm với các hộ trồng keo.", True),
    ("Còn chậm chi trả phụ cấp chống dịch, do hướng dẫn thanh toán thay đổi nhiều lần.", True),
    ("Có 3 khiếu nại về diện tích đo đạc phải đo lại. Do đơn vị tư vấn đo đạc sai sót.", True),
    ("Two fine decisions were annulled on appeal. Cause: I signed them without checking the evidence.", True),
    ("18% scored below 5 in the mock exam; the main cause is that I did not plan remedial sessions.", True),
    # a bare "do" right after the failing gives its cause; elsewhere it is as often "by"
    ("Tiến độ giao kế hoạch vốn cho 04 dự án còn chậm do hồ sơ chủ đầu tư chưa hoàn thiện và Vụ chưa đôn đốc sát.", True),
    ("Lớp bồi dưỡng do trường chính trị mở chỉ có 12 học viên đăng ký.", False),
    # southern "tui" is the writer; a remedy written in the same entry is no cause
    ("Tổ 3 còn 14 chị chưa cài VNeID. Cái này do tui cũng chưa rành điện thoại, hướng dẫn người ta không được.", True),
    ("Trong sinh hoạt chi bộ tui ít phát biểu, ngồi nghe là chính. Cách sửa: từ tháng 1/2026 mỗi kỳ tui chuẩn bị trước "
     "ít nhất 1 ý kiến.", False),
    # a second failing after ";" is not the first one's cause
    ("Cập nhật ổ dịch lên hệ thống còn chậm 2 đến 3 ngày; trong sinh hoạt chi bộ tôi ít phát biểu góp ý.", False),
    ("Chưa hoàn thành đề tài cơ sở đã đăng ký từ đầu năm.", False),
])
def test_a_limitation_that_gives_its_own_cause(text: str, explained: bool) -> None:
    """RC202 reads a cause written inside the limitation: after a colon, a marker, or a later own-failing sentence."""
    from reportcheck.rules.content import _explained

    assert _explained(text) is explained


@pytest.mark.parametrize("edits,verdict", [
    # section II with nothing to criticise marks a perfunctory review by itself (forms-and-rules.md §3)
    ({"replace": {"limitations": "Qua tự kiểm điểm, bản thân không có hạn chế, khuyết điểm gì đáng kể."}}, "perfunctory"),
    # one warning left (only objective causes, RC203), however high the score: something to fix first
    ({"replace": {"causes": "- Khối lượng công việc quyết toán cuối năm lớn, phòng thiếu 02 biên chế.\n"
                            "- Thông tư mới ban hành tháng 7, chưa có hướng dẫn của Sở."}}, "revise"),
    # the base report as it is, each limitation with its cause, remedy and deadline: nothing to revise
    ({}, "ok"),
])
def test_verdict(edits: dict, verdict: str, tmp_path: Path) -> None:
    result = check_text(render(load_base("member_vi"), edits), tmp_path)
    assert result.verdict == verdict, sorted(f.rule for f in result.findings)


@pytest.mark.parametrize("text,concrete", [
    ("Hoàn thiện hồ sơ 146 đối tượng bảo trợ xã hội, xong trước 30/9/2025.", True),
    # a stretch of the year that frames the work is no product and no date
    ("Trong 6 tháng đầu năm, bản thân đã tham mưu kịp thời, đầy đủ cho lãnh đạo phòng các nội dung về chính sách.", False),
    ("In the first half of the year I advised the head of unit promptly and fully on social policies.", False),
    # a crop season is no count of outputs
    ("Sản xuất lúa hai vụ được mùa, năng suất khá.", False),
    ("Xử lý hai vụ vi phạm hành lang an toàn lưới điện.", True),
])
def test_concrete_product(text: str, concrete: bool) -> None:
    """RC206 / RC402 "bằng sản phẩm cụ thể": a number, date or named output, not a period of the year."""
    from reportcheck.rules._facts import is_concrete

    assert is_concrete(text) is concrete


@pytest.mark.parametrize("text,mine", [
    ("Năm 2022 tôi bị kỷ luật khiển trách do chậm nộp hồ sơ.", True),
    ("Đảng ủy thi hành kỷ luật khiển trách đối với mình vì để mất sổ biên bản.", True),
    # folded, "minh" is a syllable of "thông minh", "chứng minh", and the name Minh: not the writer
    ("Để 01 chiến sĩ sử dụng điện thoại thông minh trái quy định, bị kỷ luật khiển trách.", False),
    ("Đồng chí Minh, tổ viên, bị kỷ luật khiển trách vì vắng sinh hoạt 3 kỳ.", False),
])
def test_a_measure_falls_on_the_writer(text: str, mine: bool) -> None:
    """RC402 asks on whom a disciplinary measure falls; the writer is named by the one list in cues.toml [writer]."""
    from types import SimpleNamespace

    from reportcheck.rules.balance import _falls_on_writer

    assert _falls_on_writer(SimpleNamespace(kind="member"), text) is mine  # (it reads only the report's kind)
