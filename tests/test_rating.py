import pytest

from reportcheck.pipeline import analyse

from helpers import doc_from_lines

HEAD = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2024", "Họ và tên: Phạm Văn C", "I. Ưu điểm, kết quả đạt được", "Làm việc tốt.",
        "II. Hạn chế, khuyết điểm và nguyên nhân", "Còn chậm.", "VII. Tự nhận mức xếp loại chất lượng"]


def rating(lines, flags=None):
    shifted = {len(HEAD) + k: v for k, v in (flags or {}).items()}
    return analyse(doc_from_lines(HEAD + lines, flags=shifted)).rating


@pytest.mark.parametrize("lines,party,civil", [
    (["1. Xếp loại cán bộ, công chức, viên chức: ☐ Hoàn thành xuất sắc nhiệm vụ ☒ Hoàn thành tốt nhiệm vụ ☐ Hoàn thành nhiệm vụ ☐ Không hoàn thành nhiệm vụ",
      "2. Xếp loại đảng viên: ☐ Hoàn thành xuất sắc nhiệm vụ ☐ Hoàn thành tốt nhiệm vụ ☒ Hoàn thành nhiệm vụ ☐ Không hoàn thành nhiệm vụ"], "complete", "good"),
    (["Xếp loại đảng viên:", "[ ] Hoàn thành xuất sắc nhiệm vụ", "[x] Hoàn thành tốt nhiệm vụ", "[ ] Hoàn thành nhiệm vụ", "[ ] Không hoàn thành nhiệm vụ"], "good", None),
    (["Đảng viên: (x) Hoàn thành xuất sắc nhiệm vụ"], "excellent", None),
    (["Tự xếp loại: Hoàn thành tốt nhiệm vụ."], "good", None),
    (["Xếp loại đảng viên: Không hoàn thành nhiệm vụ"], "not_complete", None),
    (["☐ Hoàn thành xuất sắc nhiệm vụ", "☐ Hoàn thành tốt nhiệm vụ", "☐ Hoàn thành nhiệm vụ", "☐ Không hoàn thành nhiệm vụ"], None, None),
    (["Hoàn thành xuất sắc nhiệm vụ; Hoàn thành tốt nhiệm vụ; Hoàn thành nhiệm vụ; Không hoàn thành nhiệm vụ"], None, None),
    (["✓ Hoàn thành tốt nhiệm vụ"], "good", None),
    # one written level for both ratings named before it
    (["Xếp loại viên chức quản lý và xếp loại đảng viên cùng mức: Hoàn thành tốt nhiệm vụ."], "good", "good"),
    (["Xếp loại đảng viên: Hoàn thành nhiệm vụ; xếp loại công chức: Hoàn thành tốt nhiệm vụ."], "complete", "good"),
    (["I rate myself as \"Completed duties well\", both as a public employee and as a Party member."], "good", "good"),
    (["Xếp loại lao động: Hoàn thành tốt nhiệm vụ", "Xếp loại đảng viên: Hoàn thành nhiệm vụ"], "complete", "good"),
    # a professional soldier's work rating, abbreviated
    (["Tôi tự nhận mức xếp loại quân nhân chuyên nghiệp: HTTNV; xếp loại đảng viên: HTNV."], "complete", "good"),
    # a ward's part-time official: the work-side rating of "người hoạt động không chuyên trách"
    (["1. Xếp loại người hoạt động không chuyên trách ở khu phố: Hoàn thành tốt nhiệm vụ.",
      "2. Xếp loại đảng viên: Hoàn thành nhiệm vụ."], "complete", "good"),
    # a rating the writer says is not given ("không xếp loại cán bộ, công chức") labels nothing after it
    (["Xếp loại đảng viên: tôi tự nhận mức Hoàn thành tốt nhiệm vụ.",
      "(Đảng viên hưu trí, không xếp loại cán bộ, công chức, viên chức.)", "Tự xếp loại: HTTNV"], "good", None),
    # … or says it is not within its scope, with the party rating in the next sentence (h54)
    (["Tôi là người quản lý HTX, không thuộc diện đánh giá, xếp loại cán bộ, công chức, viên chức. Về xếp loại đảng viên,"
      " căn cứ kết quả trên, tôi tự nhận mức Hoàn thành tốt nhiệm vụ."], "good", None),
])
def test_rating_marks(lines, party, civil):
    r = rating(lines)
    assert (r.party, r.civil_servant) == (party, civil)


def test_bold_level_among_four_printed():
    lines = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"]
    assert rating(lines, {1: {"bold": True}}).party == "good"


def test_underlined_level_inline():
    lines = ["Xếp loại đảng viên: Hoàn thành xuất sắc nhiệm vụ / Hoàn thành tốt nhiệm vụ / Hoàn thành nhiệm vụ / Không hoàn thành nhiệm vụ"]
    assert rating(lines, {0: {"emphasized": ("Hoàn thành tốt nhiệm vụ",)}}).party == "good"


def test_points_out_of_100():
    r = rating(["Tự chấm điểm: 86/100 điểm", "Tự xếp loại: Hoàn thành tốt nhiệm vụ"])
    assert r.points == 86 and r.party == "good"


def test_points_total_not_an_items_share():
    """'(tự chấm 22/30 điểm)' is one item's score; the total is the '/100' figure, with or without 'điểm'."""
    head = HEAD[:4] + ["1. Về chính trị tư tưởng (tự chấm 22/30 điểm)", "Làm việc tốt."] + HEAD[5:]
    r = analyse(doc_from_lines(head + ["Tổng điểm tự chấm: 74/100.", "Xếp loại đảng viên: Hoàn thành tốt nhiệm vụ."])).rating
    assert r.points == 74
    r = analyse(doc_from_lines(head + ["Xếp loại đảng viên: Hoàn thành tốt nhiệm vụ."])).rating
    assert r.points is None


def test_english_performance_wording():
    r = rating(["1. Rating as a civil servant: Good performance of tasks.",
                "2. Rating as a Party member: Excellent performance of tasks."])
    assert (r.party, r.civil_servant) == ("excellent", "good")


def test_english_headed_ratings_without_an_article():
    """"Rating as employee" (a state enterprise's worker, h66) is the work-side rating as "as an employee" is."""
    r = rating(["1. Rating as employee", "[ ] Excellent completion of tasks", "[x] Good completion of tasks",
                "[ ] Completion of tasks", "[ ] Non-completion of tasks", "2. Rating as Party member",
                "[x] Excellent completion of tasks", "[ ] Good completion of tasks", "[ ] Completion of tasks",
                "[ ] Non-completion of tasks"])
    assert (r.party, r.civil_servant) == ("excellent", "good")


@pytest.mark.parametrize("lines", [
    # hyphenated English names of the two ratings (h71)
    ["1. Public-employee rating: Good completion of tasks.", "2. Party-member rating: Excellent completion of tasks."],
    # a state company's manager rated under the company's own rules, beside the party rating (h71)
    ["1. Rating as a staff member (employee of a state-owned bank): Completed tasks well.",
     "2. Rating as a Party member: Completed tasks excellently."],
    ["1. Xếp loại người quản lý (theo quy chế đánh giá của Công ty): Hoàn thành tốt nhiệm vụ.",
     "2. Xếp loại đảng viên: Hoàn thành xuất sắc nhiệm vụ."],
])
def test_the_work_side_rating_named_in_other_words(lines):
    r = rating(lines)
    assert (r.party, r.civil_servant) == ("excellent", "good")


@pytest.mark.parametrize("points,level,fires", [(74, "excellent", True), (92, "excellent", False),
                                                (65, "good", True), (70, "good", False), (49, "complete", True)])
def test_points_band_of_the_2025_scale(points, level, fires):
    """QĐ 366: excellent from 90 points, good from 70, completed from 50 (RC402, case points_band)."""
    from reportcheck.pipeline import check_analysis
    words = {"excellent": "Hoàn thành xuất sắc nhiệm vụ", "good": "Hoàn thành tốt nhiệm vụ", "complete": "Hoàn thành nhiệm vụ"}
    head = [line.replace("Năm 2024", "Năm 2025") for line in HEAD]
    a = analyse(doc_from_lines(head + [f"Tổng điểm tự chấm: {points}/100 điểm.", f"Xếp loại đảng viên: {words[level]}."]))
    assert a.form == "2025" and a.rating.points == points
    cases = [dict(f.extra).get("case") for f in check_analysis(a).findings if f.rule == "rating-inconsistent"]
    assert ("points_band" in cases) is fires


def test_short_english_names_beside_a_long_one_in_an_empty_box():
    r = rating(["1. As a public employee: ☐ Excellent completion ☒ Good completion ☐ Completion ☐ Non-completion of duties",
                "2. As a Party member: ☐ Excellent completion ☐ Good completion ☒ Completion ☐ Non-completion of duties"])
    assert (r.party, r.civil_servant) == ("complete", "good")


def test_short_english_names_only_next_to_boxes():
    r = rating(["Civil-servant / employee classification: [ ] Excellent [x] Good [ ] Completed [ ] Not completed",
                "Party member classification: [x] Excellent [ ] Good [ ] Completed [ ] Not completed"])
    assert (r.party, r.civil_servant) == ("excellent", "good")
    assert rating(["My work this year was good and my colleagues completed theirs."]).party is None


def test_points_alone_rate_by_the_2025_bands():
    """QĐ 366 rates by points: a 2025 report giving only '79/100' has rated itself 'good'; not before 2025."""
    head = [line.replace("Năm 2024", "Năm 2025") for line in HEAD]
    r = analyse(doc_from_lines(head + ["Tổng điểm tự chấm: 79/100 điểm."])).rating
    assert (r.points, r.party) == (79, "good")
    assert rating(["Tổng điểm tự chấm: 79/100 điểm."]).party is None  # 2024: the 2023 form has no points


def test_points_items_scale_and_total_in_a_table():
    """A self-scoring table: '(tối đa 30 điểm) | 26 điểm' rows are the scale and items; the total row is the score."""
    head = [line.replace("Năm 2024", "Năm 2025") for line in HEAD]
    rows = ["Nhóm tiêu chí chung (tối đa 30 điểm) | 26 điểm",
            "Nhóm tiêu chí kết quả thực hiện nhiệm vụ (tối đa 70 điểm) | 58 điểm",
            "Tổng điểm tự chấm | 84/100 điểm", "Xếp loại đảng viên: Hoàn thành tốt nhiệm vụ."]
    r = analyse(doc_from_lines(head + rows)).rating
    assert (r.points, r.party) == (84, "good")
    r = analyse(doc_from_lines(head + rows[:2] + rows[3:])).rating
    assert r.points == 26  # no total written: the first score given, never the scale


def test_points_table_cells_read_by_row():
    """Each cell its own paragraph: '(30 điểm)' beside a group is its scale; the row 'Tổng điểm tự chấm | 82 điểm' the total."""
    head = [line.replace("Năm 2024", "Năm 2025") for line in HEAD]
    cells = ["Nhóm tiêu chí chung (30 điểm)", "25 điểm", "Nhóm tiêu chí kết quả thực hiện nhiệm vụ (70 điểm)", "57 điểm",
             "Tổng điểm tự chấm", "82 điểm"]
    flags = {len(head) + k: {"in_table": True, "table_cell": (0, k // 2, k % 2)} for k in range(len(cells))}
    doc = doc_from_lines(head + cells + ["Đề nghị xếp loại: Hoàn thành tốt nhiệm vụ"], flags=flags)
    r = analyse(doc).rating
    assert (r.points, r.party) == (82, "good")


def test_points_total_line_with_its_breakdown():
    """'Tổng điểm tự chấm: 84/100 điểm (nhóm tiêu chí chung 26 điểm; … 58 điểm)': the total, not the last group."""
    head = [line.replace("Năm 2024", "Năm 2025") for line in HEAD]
    line = "Tổng điểm tự chấm: 84/100 điểm (nhóm tiêu chí chung 26 điểm; nhóm tiêu chí kết quả thực hiện nhiệm vụ 58 điểm)."
    r = analyse(doc_from_lines(head + [line, "Xếp loại đảng viên: Hoàn thành tốt nhiệm vụ."])).rating
    assert r.points == 84
    line = "Tổng điểm tự chấm: 80 điểm (mục 1: 9 điểm; mục 2: 56 điểm; mục 3: 8 điểm; mục 4: 7 điểm)."
    assert analyse(doc_from_lines(head + [line])).rating.points == 80


def _grid(rows):
    """Lines and table flags for a grid typed as a Word table, one cell a paragraph."""
    lines, flags = [], {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            flags[len(lines)] = {"in_table": True, "table_cell": (0, r, c)}
            lines.append(cell or "…")
    return lines, flags


@pytest.mark.parametrize("rows", [
    # the levels across the top, the two ratings down the side (h73)
    [["Nội dung", "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
      "Không hoàn thành nhiệm vụ"],
     ["1. Xếp loại cán bộ, công chức, viên chức", "", "✓", "", ""],
     ["2. Xếp loại đảng viên", "X", "", "", ""]],
    # the other way round
    [["Mức xếp loại", "Cán bộ, công chức, viên chức", "Đảng viên"],
     ["Hoàn thành xuất sắc nhiệm vụ", "", "☒"],
     ["Hoàn thành tốt nhiệm vụ", "☒", ""],
     ["Hoàn thành nhiệm vụ", "", ""],
     ["Không hoàn thành nhiệm vụ", "", ""]],
])
def test_a_tick_in_a_grid_of_levels_and_ratings(rows):
    lines, flags = _grid(rows)
    r = rating(lines, flags)
    assert (r.party, r.civil_servant) == ("excellent", "good")


def test_a_grid_without_a_tick_is_no_rating():
    lines, flags = _grid([["Nội dung", "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                           "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"],
                          ["1. Xếp loại cán bộ, công chức, viên chức", "", "", "", ""],
                          ["2. Xếp loại đảng viên", "", "", "", ""]])
    r = rating(lines, flags)
    assert (r.party, r.civil_servant) == (None, None)


def test_a_scoring_tables_total_row_and_a_deduction_note():
    """"Tổng | 100 | 86" in the table's own-score column is the total, though no "điểm" follows the figure; the
    note "Trừ 3 điểm: …" beside an item is points taken off, not a score (h74)."""
    lines, flags = _grid([["Tiêu chí", "Điểm tối đa", "Tự chấm", "Ghi chú"],
                          ["Nhóm tiêu chí chung", "30", "27", "Trừ 3 điểm: chưa thực hiện đầy đủ cam kết"],
                          ["Nhóm tiêu chí kết quả thực hiện nhiệm vụ", "70", "59", "02 hồ sơ quá hạn"],
                          ["Tổng", "100", "86", ""]])
    r = rating(["1. Tự chấm điểm", *lines, "2. Xếp loại đảng viên: Hoàn thành tốt nhiệm vụ."],
               {k + 1: v for k, v in flags.items()})
    assert r.points == 86
    assert rating(["Tổng điểm tự chấm: 82 điểm (trừ 3 điểm do chậm nộp báo cáo)."]).points == 82
