"""Copy detection (reportcheck.reuse): candidates, alignment, boilerplate, scores."""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import synth  # noqa: E402

from reportcheck.reuse import CorpusIndex, IndexDoc, Match, load_config  # noqa: E402

FORM = synth.form_text()
COPY_SECTIONS = {"limitations", "causes", "remedies"}


def _doc(rep: synth.Report, id_: str, role: str = "peer", member: str | None = None) -> IndexDoc:
    return IndexDoc(id_, rep.as_paragraphs(), member=member or rep.member.id, year=rep.year, role=role)


@pytest.fixture(scope="module")
def world():
    """300 prior-year reports + this year's reports, with planted copies, fitted once."""
    rng = random.Random(2024)
    members = [synth.make_member(rng, i) for i in range(300)]
    prior = {m.id: synth.make_report(rng, m, 2023) for m in members}
    docs = [_doc(prior[m.id], f"2023/{m.id}", role="prior") for m in members]
    cur: dict[str, IndexDoc] = {}
    m = members
    cur["verbatim"] = _doc(synth.edit_copy(rng, prior[m[0].id], 0.0), "2024/verbatim")
    cur["edited"] = _doc(_hand_edited(prior[m[1].id]), "2024/edited")
    cur["shuffled"] = _doc(synth.shuffle_copy(rng, prior[m[2].id]), "2024/shuffled")
    fresh = synth.rewrite(rng, prior[m[3].id], 2024)
    cur["II/VI"] = _doc(synth.graft_sections(fresh, prior[m[3].id], COPY_SECTIONS), "2024/ii-vi")
    cur["rewritten"] = _doc(synth.rewrite(rng, prior[m[4].id], 2024), "2024/rewritten")
    cur["independent"] = _doc(synth.make_report(rng, m[5], 2024), "2024/independent")
    for k in range(6, 150):  # half of the others write a fresh report
        cur[f"fresh{k}"] = _doc(synth.make_report(rng, m[k], 2024), f"2024/fresh/{m[k].id}")
    index = CorpusIndex().fit(docs + list(cur.values()), boilerplate=FORM)
    return index, members, docs, cur


def _hand_edited(rep: synth.Report) -> synth.Report:
    """Years and numbers changed everywhere, a name added, clauses swapped in several sentences."""
    out = []
    for k, (text, sec) in enumerate(rep.paragraphs):
        text = re.sub(r"\b(20[0-4]\d)\b", lambda mm: str(int(mm.group(1)) + 1), text)
        if sec not in (None, "header", "self_rating"):
            text = re.sub(r"\b(\d{1,3})\b", lambda mm: str(int(mm.group(1)) + 3), text)
            if k % 3 == 0 and ", " in text:
                first, _, rest = text.partition(". ")
                body = first.rstrip(".")
                parts = body.split(", ")
                if len(parts) >= 2:
                    parts[0], parts[1] = parts[1], parts[0]
                    body = ", ".join(parts)
                    first = body[0].upper() + body[1:] + "."
                text = first + (". " + rest if rest else "")
            if k % 5 == 0:
                text = text.rstrip(".") + ", cùng đồng chí Trần Văn Bảy."
        out.append((text, sec))
    return replace(rep, year=rep.year + 1, paragraphs=tuple(out))


def _match(matches: list[Match], other_id: str) -> Match | None:
    return next((m for m in matches if m.other_id == other_id), None)


# ----------------------------------------------------------------------------- detection

def test_verbatim_copy_found_with_passages(world):
    index, members, _, cur = world
    ms = index.query(cur["verbatim"], roles=("prior",))
    assert ms and ms[0].other_id == f"2023/{members[0].id}"
    m = ms[0]
    assert m.flagged and m.similarity >= 0.95 and m.role == "prior"
    assert m.passages and {p.kind for p in m.passages} == {"verbatim"}
    p = m.passages[0]
    assert p.this_text == p.other_text and p.score == 1.0
    assert isinstance(p.this_paragraph, int) and isinstance(p.other_paragraph, int)
    assert 0.0 < m.boilerplate_share < 1.0


def test_edited_copy_found(world):
    """Years, numbers and names changed, clauses swapped: still found and flagged."""
    index, members, _, cur = world
    m = _match(index.query(cur["edited"], roles=("prior",)), f"2023/{members[1].id}")
    assert m is not None and m.flagged and m.similarity >= 0.7
    kinds = {p.kind for p in m.passages}
    assert "verbatim" in kinds and kinds & {"near-verbatim", "reordered"}


def test_reordered_copy_found_as_reordered(world):
    index, members, _, cur = world
    m = _match(index.query(cur["shuffled"], roles=("prior",)), f"2023/{members[2].id}")
    assert m is not None and m.flagged and m.similarity >= 0.95
    assert any(p.kind == "reordered" for p in m.passages)


def test_clause_swap_is_reordered(world):
    index, _, _, _ = world
    a = "Chủ trì rà soát 12 hồ sơ đất đai ở thôn Gò Sỏi, phối hợp với trưởng thôn lập biên bản hiện trạng, báo cáo Đảng ủy trước ngày 15/3."
    b = "Phối hợp với trưởng thôn lập biên bản hiện trạng, chủ trì rà soát 12 hồ sơ đất đai ở thôn Gò Sỏi, báo cáo Đảng ủy trước ngày 15/3."
    da = IndexDoc("a", ((0, a, "remedies"),))
    db = IndexDoc("b", ((0, b, "remedies"),))
    m = index.compare(da, db)
    assert m is not None and m.passages
    assert m.passages[0].kind == "reordered" and m.similarity >= 0.9


def test_ii_vi_only_copy_flagged_with_section_scores(world):
    index, members, _, cur = world
    m = _match(index.query(cur["II/VI"], roles=("prior",)), f"2023/{members[3].id}")
    assert m is not None and m.flagged
    assert m.sections["limitations"] >= 0.9 and m.sections["remedies"] >= 0.9 and m.sections["causes"] >= 0.9
    assert m.sections.get("task_results", 0.0) < 0.4 and m.sections.get("ideology", 0.0) < 0.4
    by_section = {}
    for p in m.passages:
        by_section[p.section] = by_section.get(p.section, 0) + 1
    assert sum(by_section.get(s, 0) for s in COPY_SECTIONS) >= 0.8 * sum(by_section.values())


def test_stock_phrase_only_rewritten_pair_not_flagged(world):
    """Same member, same stock ideology formulas and form wording, own text rewritten."""
    index, members, docs, cur = world
    src = docs[4]
    sents = lambda d: {s for _, t, _ in d.paragraphs for s in synth.split_sentences(t)}  # noqa: E731
    shared = sents(src) & sents(cur["rewritten"])
    assert shared & set(synth.STOCK["ideology"])  # the pair does share the stock formulas
    m = index.compare(cur["rewritten"], src)
    assert m is None or (not m.flagged and m.similarity < 0.3)
    assert _match([x for x in index.query(cur["rewritten"], roles=("prior",)) if x.flagged], src.id) is None


def test_stock_formulas_alone_do_not_count(world):
    index, _, _, _ = world
    stock = ("Luôn trung thành với chủ nghĩa Mác-Lênin, tư tưởng Hồ Chí Minh. Chấp hành nghiêm chủ trương, "
             "đường lối của Đảng, chính sách, pháp luật của Nhà nước.")
    a = IndexDoc("a", ((0, stock, "ideology"), (1, "Năm nay tôi phụ trách thư viện trường và tổ chức hội sách mùa hè.",
                                                  "task_results")))
    b = IndexDoc("b", ((0, stock, "ideology"), (1, "Tôi làm kế toán, quyết toán đúng hạn các khoản chi của xã.",
                                                  "task_results")))
    assert index.is_boilerplate(stock)
    m = index.compare(a, b)
    assert m is None or (m.similarity < 0.1 and not m.flagged)


def test_independent_pair_not_flagged(world):
    index, _, docs, cur = world
    m = index.compare(cur["independent"], docs[100])
    assert m is None or (not m.flagged and m.similarity < 0.3)
    assert not [x for x in index.query(cur["independent"]) if x.flagged]


# ----------------------------------------------------------------------------- boilerplate

def test_form_boilerplate_is_discounted(world):
    index, _, _, cur = world
    assert index.is_boilerplate(synth.HEADINGS["prior_remediation"])
    assert index.is_boilerplate("II. Hạn chế, khuyết điểm và nguyên nhân")
    assert not index.is_boilerplate("Tôi đã hướng dẫn em Lò Văn Páo ở bản Nà Hang ôn thi học sinh giỏi môn Toán.")
    assert index.boilerplate_.n_form_shingles > 0 and index.boilerplate_.n_learned_shingles > 0
    m = index.query(cur["verbatim"], roles=("prior",))[0]
    assert 0.1 < m.boilerplate_share < 0.9


def test_boilerplate_given_to_fit_changes_the_score():
    """Two reports sharing only the form's headings: similar without the form, not with it."""
    heads = [synth.HEADINGS[k] for k in ("I", "task_results", "limitations", "causes", "remedies")]
    own_a = ["Tổ chức 3 buổi ngoại khóa về an toàn giao thông cho khối 5 ở điểm trường Gò Sỏi.",
             "Việc chấm bài còn chậm, có tuần trả bài sau 10 ngày.", "Do tôi nhận thêm lớp ghép.",
             "Từ tháng 2 trả bài trong 5 ngày, nhờ tổ trưởng kiểm tra hằng tuần."]
    own_b = ["Khám sàng lọc tăng huyết áp cho 420 người cao tuổi ở xã Đá Bạc.",
             "Ghi hồ sơ bệnh án còn thiếu chữ ký người bệnh.", "Do trạm thiếu một điều dưỡng.",
             "Quý I tập huấn lại quy trình ghi hồ sơ cho cả trạm."]
    secs = ["ideology", "task_results", "limitations", "causes", "remedies"]

    def mk(id_, own):
        paras = []
        for k, (h, s) in enumerate(zip(heads, secs)):
            paras.append((2 * k, h, s))
            if k:
                paras.append((2 * k + 1, own[k - 1], s))
        return IndexDoc(id_, tuple(paras))

    a, b = mk("a", own_a), mk("b", own_b)
    without = CorpusIndex(use_formulas=False).fit([a, b])
    with_form = CorpusIndex().fit([a, b], boilerplate=FORM)
    m0, m1 = without.compare(a, b), with_form.compare(a, b)
    assert m0 is not None and m0.similarity > 0.2 and m0.boilerplate_share == 0.0
    assert m1 is None or m1.similarity < 0.05
    # a "boilerplate" role document works like the boilerplate argument
    form_doc = IndexDoc("form", tuple((i, t, None) for i, t in enumerate(FORM)), role="boilerplate")
    via_role = CorpusIndex().fit([a, b, form_doc])
    m2 = via_role.compare(a, b)
    assert m2 is None or m2.similarity < 0.05
    assert "form" not in via_role.id_to_idx_


def test_group_copy_in_small_corpus_is_not_learned_as_boilerplate():
    """Ten of thirty colleagues paste the same remedies: still copying, not boilerplate."""
    rng = random.Random(7)
    members = [synth.make_member(rng, i, profession="teacher") for i in range(30)]
    reps = [synth.make_report(rng, m, 2024) for m in members]
    src = reps[0]
    reps = [synth.graft_sections(r, src, {"remedies"}) if 0 < i <= 10 else r for i, r in enumerate(reps)]
    docs = [_doc(r, f"d{i}") for i, r in enumerate(reps)]
    index = CorpusIndex().fit(docs, boilerplate=FORM)
    assert index.boilerplate_.n_learned_shingles == 0  # corpus too small to learn frequency boilerplate
    m = _match(index.query(docs[5], top=20), "d0")
    assert m is not None and m.flagged and m.sections["remedies"] >= 0.9
    assert any(r == "section:remedies" for r in m.reasons)


# ----------------------------------------------------------------------------- engineering

def test_query_does_not_compare_every_pair(world):
    index, _, _, cur = world
    assert len(index.docs_) == 450
    for key in ("verbatim", "rewritten", "independent", "fresh50"):
        index.query(cur[key])
        assert index.last_query_.verified <= 10  # far below the 450 fitted reports


def test_deterministic(world):
    index, _, docs, cur = world
    all_docs = docs + list(cur.values())
    again = CorpusIndex().fit(list(reversed(all_docs)), boilerplate=FORM)
    for key in ("verbatim", "edited", "II/VI", "rewritten"):
        assert index.query(cur[key]) == again.query(cur[key])
        assert index.query(cur[key]) == index.query(cur[key])


def test_parallel_fit_equals_serial(world):
    index, _, docs, cur = world
    par = CorpusIndex(n_jobs=2).fit(docs + list(cur.values()), boilerplate=FORM)
    assert np.array_equal(par.signatures_, index.signatures_)
    assert np.array_equal(par.unit_keys_, index.unit_keys_)
    assert par.query(cur["edited"]) == index.query(cur["edited"])
    batch = [cur[k] for k in ("verbatim", "edited", "shuffled", "II/VI", "rewritten", "fresh20", "fresh21", "fresh22")]
    assert index.query_many(batch, n_jobs=2) == [index.query(d) for d in batch]


def test_nfd_and_tone_placement_do_not_matter(world):
    index, members, _, cur = world
    d = cur["verbatim"]
    nfd = IndexDoc("nfd", tuple((i, unicodedata.normalize("NFD", t), s) for i, t, s in d.paragraphs))
    tones = IndexDoc("tones", tuple((i, t.replace("hòa", "hoà").replace("khỏe", "khoẻ"), s) for i, t, s in d.paragraphs))
    src = index.docs_[index.id_to_idx_[f"2023/{members[0].id}"]]
    assert index.compare(nfd, src).similarity == index.compare(d, src).similarity
    assert index.compare(tones, src).similarity == index.compare(d, src).similarity


def test_header_and_self_rating_weigh_nothing(world):
    index, _, _, _ = world
    head = ((0, "Họ và tên: Nguyễn Văn An. Ngày sinh: 1/2/1980.", "header"),
            (1, "1. Xếp loại cán bộ, công chức, viên chức: Hoàn thành tốt nhiệm vụ.", "self_rating"))
    a = IndexDoc("a", head + ((2, "Tôi phụ trách thư viện và tổ chức hội sách mùa hè cho 300 học sinh.", "task_results"),))
    b = IndexDoc("b", head + ((2, "Quyết toán đúng hạn 14 khoản chi thường xuyên của xã trong quý IV.", "task_results"),))
    m = index.compare(a, b)
    assert m is None or m.similarity == 0.0


def test_compare_and_api_contract(world):
    index, _, docs, _ = world
    with pytest.raises(ValueError):
        IndexDoc("x", (), role="teacher")
    with pytest.raises(RuntimeError):
        CorpusIndex().query(docs[0])
    with pytest.raises(ValueError):
        CorpusIndex().fit([docs[0], docs[0]])
    empty = IndexDoc("e", ((0, "Không có.", "suggested_issues"),))
    assert index.compare(empty, docs[0]) is None
    assert index.query(docs[0], exclude_ids=[d.id for d in docs]) == [] or all(
        m.role != "prior" for m in index.query(docs[0], exclude_ids=[d.id for d in docs]))
    assert all(m.other_id != docs[0].id for m in index.query(docs[0]))


def test_config_is_data():
    cfg = load_config()
    assert cfg.weight("header") == 0.0 and cfg.weight("self_rating") == 0.0
    assert cfg.weight("limitations") > cfg.weight("task_results") > cfg.weight("ideology") > 0
    assert cfg.weight(None) == cfg.default_weight
    assert 0 < cfg.threshold < 1
    assert CorpusIndex(threshold=0.9).fit([IndexDoc("a", ((0, "Một câu.", None),))]).config_.threshold == 0.9


def test_empty_and_degenerate_inputs():
    index = CorpusIndex().fit([])
    doc = IndexDoc("x", ((0, "Tôi phụ trách thư viện và tổ chức hội sách mùa hè cho 300 học sinh.", "task_results"),))
    assert index.query(doc) == [] and index.last_query_.verified == 0
    blank = IndexDoc("blank", ((0, "", None), (1, "   ", "remedies")))
    index = CorpusIndex().fit([doc, blank])
    assert index.query(blank) == []
    assert index.compare(blank, doc) is None
    assert index.query_many([doc, blank], n_jobs=2) == [index.query(doc), index.query(blank)]
