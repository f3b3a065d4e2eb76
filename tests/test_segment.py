"""Section detection on layouts the corpus does not cover: typed, bold, numbered by Word, English."""
import pytest

from reportcheck.pipeline import analyse

from helpers import doc_from_lines

BASE = [
    "ĐẢNG BỘ PHƯỜNG 3", "CHI BỘ KHU PHỐ 2", "BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2024",
    "Họ và tên: Trần Văn Bình", "Chức vụ Đảng: đảng viên",
    "I- NHỮNG ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC",
    "1/ Về tư tưởng chính trị, phẩm chất đạo đức, lối sống, ý thức tổ chức kỷ luật, tác phong lề lối làm việc:",
    "Luôn chấp hành nghiêm đường lối của Đảng, sống giản dị, gần gũi nhân dân.",
    "2/ Việc thực hiện chức trách, nhiệm vụ được giao: giải quyết 214 hồ sơ, đúng hạn 98%.",
    "3/ Thực hiện cam kết tu dưỡng, rèn luyện: đã hoàn thành các nội dung cam kết.",
    "II- HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN",
    "1. Tác phong làm việc đôi khi còn chậm, có 5 hồ sơ trễ hạn.",
    "2. Nguyên nhân khuyết điểm do bản thân chưa sắp xếp công việc khoa học.",
    "III- Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra ở các kỳ kiểm điểm trước: năm trước chậm nộp báo cáo, năm nay đã khắc phục.",
    "IV- Giải trình những vấn đề được gợi ý kiểm điểm: không có.",
    "V- Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể: không có.",
    "VI- Phương hướng, biện pháp khắc phục: lập sổ theo dõi hồ sơ từ tháng 1/2025.",
    "VII- Tự nhận mức xếp loại chất lượng: Hoàn thành tốt nhiệm vụ.",
]


def test_typed_labels_with_dashes_and_slashes():
    a = analyse(doc_from_lines(BASE))
    present = {s for s, sec in a.sections.items() if sec.present}
    assert {"header", "ideology", "task_results", "commitment", "limitations", "causes", "prior_remediation",
            "suggested_issues", "collective_responsibility", "remedies", "self_rating"} <= present
    # a numbered limitation must not become a heading of another part
    assert a.sections["working_style"].first == 7
    assert a.sections["limitations"].first == 11
    assert a.rating.party == "good"


def test_heading_and_text_in_one_paragraph_counts_the_text():
    a = analyse(doc_from_lines(BASE))
    assert a.sections["remedies"].words >= 5
    assert a.sections["task_results"].words >= 8


def test_auto_numbered_headings_without_typed_labels():
    lines, flags = [], {}
    for i, line in enumerate(BASE):
        label, sep, rest = line.partition("- ")
        if sep and label in ("I", "II", "III", "IV", "V", "VI", "VII"):
            lines.append(rest)
            flags[i] = {"label": label + "."}
        else:
            lines.append(line)
    a = analyse(doc_from_lines(lines, flags=flags))
    assert a.sections["limitations"].present
    assert a.sections["remedies"].present
    assert a.headings  # found without typed labels


def test_missing_parts_are_absent():
    lines = [l for l in BASE if not l.startswith(("VI-", "III-"))]
    a = analyse(doc_from_lines(lines))
    assert "remedies" not in a.sections
    assert "prior_remediation" not in a.sections


def test_bold_unnumbered_headings():
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Họ và tên: Lê Thị Hoa", "Chi bộ Trạm y tế",
             "Ưu điểm, kết quả đạt được", "Khám cho 3.200 lượt bệnh nhân.",
             "Hạn chế, khuyết điểm", "Còn chậm cập nhật phần mềm.",
             "Nguyên nhân", "Bản thân chưa chủ động học.",
             "Phương hướng, biện pháp khắc phục", "Học xong phần mềm trước 31/3/2025."]
    flags = {i: {"bold": True} for i in (3, 5, 7, 9)}
    a = analyse(doc_from_lines(lines, flags=flags))
    assert a.sections["limitations"].first == 5
    assert a.sections["causes"].first == 7
    assert a.sections["remedies"].first == 9


def test_plain_unnumbered_headings_typed_as_lines_of_their_own():
    """Headings typed as plain lines (no number, no bold, no Word style) — a .txt pasted from an email, or a
    Word file in Normal style — are found when the line is close to the form's wording; a short body line
    is not taken for one, nor is a table's header cell."""
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Họ và tên: Lê Thị Hoa", "Chi bộ Trạm y tế",
             "Ưu điểm, kết quả đạt được", "Khám cho 3.200 lượt bệnh nhân.",
             "Hạn chế, khuyết điểm", "Còn chậm cập nhật phần mềm",
             "Nguyên nhân", "Bản thân chưa chủ động học.",
             "Phương hướng, biện pháp khắc phục", "Học xong phần mềm trước 31/3/2025."]
    a = analyse(doc_from_lines(lines))
    assert a.sections["limitations"].first == 5
    assert a.sections["causes"].first == 7
    assert a.sections["remedies"].first == 9
    assert 6 not in a.headings
    # the same words as a table's header row are column names, not the report's parts
    cells = {i: {"in_table": True, "table_cell": (0, 0, i - 5)} for i in (5, 6, 7)}
    table = lines[:5] + ["Hạn chế, khuyết điểm", "Nguyên nhân", "Biện pháp"] + lines[8:]
    a = analyse(doc_from_lines(table, flags=cells))
    assert not {5, 6, 7} & set(a.headings)


def test_a_cause_cell_opening_with_a_lead_is_no_heading():
    """A limitations table whose cause column reads "Khách quan: …. Chủ quan: …": the lead is the row's
    cause, not the report's part "Nguyên nhân khách quan" — the table stays in part II."""
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Họ và tên: Y Bhim Niê", "Chi bộ Đội sản xuất số 3",
             "I. Ưu điểm, kết quả đạt được", "Hướng dẫn 142 hộ nhận khoán bón phân theo quy trình.",
             "II. Hạn chế, khuyết điểm và nguyên nhân",
             "TT", "Hạn chế, khuyết điểm", "Nguyên nhân",
             "1", "Có 17 hộ bón phân không đúng lượng khuyến cáo, 11 ha vườn cây vàng lá.",
             "Khách quan: giá phân tăng. Chủ quan: tôi ít xuống vườn kiểm tra từng hộ.",
             "2", "Trả lời kiến nghị của hộ nhận khoán còn chậm, 4 trường hợp quá 1 tuần.",
             "Chủ quan: sắp xếp công việc chưa khoa học.",
             "III. Phương hướng, biện pháp khắc phục", "Kiểm tra từng vườn của 17 hộ trước 31/12/2025."]
    cells = {i: {"in_table": True, "table_cell": (0, (i - 6) // 3, (i - 6) % 3)} for i in range(6, 15)}
    a = analyse(doc_from_lines(lines, flags=cells))
    assert not set(range(6, 15)) & set(a.headings)
    assert a.sections["limitations"].first == 5 and a.sections["limitations"].last >= 14


def test_a_bold_lead_written_in_every_entry_is_no_heading():
    """"Hạn chế 1: …" / "Nguyên nhân: …" / "Biện pháp: …" with each lead in bold, entry after entry: the leads
    label the entries, so the first "Biện pháp:" does not open part VI and swallow the later limitations."""
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Họ và tên: Rơ Châm H'Lan", "Chi bộ Trạm Y tế xã",
             "I. Ưu điểm, kết quả đạt được", "Khám cho 3.200 lượt bệnh nhân; tiêm chủng đầy đủ đạt 96%.",
             "II. Hạn chế, khuyết điểm và nguyên nhân",
             "Hạn chế 1: hồ sơ sức khỏe điện tử chỉ cập nhật được 58%, chỉ tiêu là 70%.",
             "Nguyên nhân: tôi chỉ đạo chưa quyết liệt, không kiểm tra tiến độ hằng tháng.",
             "Biện pháp: chia chỉ tiêu cho từng viên chức theo thôn, kiểm tra tại giao ban hằng tuần.",
             "Hạn chế 2: quyết toán bảo hiểm y tế quý III nộp chậm 15 ngày.",
             "Nguyên nhân: bản thân không theo dõi hạn nộp, trông chờ vào kế toán.",
             "Biện pháp: lập lịch các mốc quyết toán, ngày 20 tháng cuối quý tự kiểm tra hồ sơ.",
             "III. Phương hướng, biện pháp khắc phục", "Hoàn thành cập nhật hồ sơ sức khỏe điện tử trước 30/6/2025."]
    leads = {6: "Hạn chế 1:", 7: "Nguyên nhân:", 8: "Biện pháp:", 9: "Hạn chế 2:", 10: "Nguyên nhân:", 11: "Biện pháp:"}
    a = analyse(doc_from_lines(lines, flags={i: {"lead_bold": lead} for i, lead in leads.items()}))
    assert not {7, 8, 10, 11} & set(a.headings)  # ("Hạn chế 1:" may open part II.1: its number differs each time)
    assert a.sections["limitations"].last >= 11
    assert a.sections["remedies"].first == 12


def test_english_report():
    lines = ["PERSONAL SELF-REVIEW REPORT", "Year 2024", "Full name: Nguyen Van An", "Party cell: Department of Finance",
             "I. Strengths and achievements", "1. Political qualities; ethics and lifestyle; sense of organisation and discipline; working style and manner",
             "I always follow the Party's line and the State's laws and keep a simple lifestyle.",
             "2. Performance of assigned duties and tasks", "I reviewed 120 budget files, all on time.",
             "II. Limitations, shortcomings and causes", "1. Limitations and shortcomings", "I was slow to learn the new software.",
             "2. Causes", "I did not set aside time to practise.",
             "VI. Directions and measures to remedy the limitations and shortcomings", "I will finish the software course by March 2025.",
             "VII. Self-assessed quality rating", "Party member rating: [x] Completed tasks well"]
    a = analyse(doc_from_lines(lines))
    assert a.language == "en"
    assert a.year == 2024
    assert {"limitations", "causes", "remedies", "task_results"} <= set(a.sections)
    assert a.rating.party == "good"


def test_collective_recognised_from_title():
    lines = ["BÁO CÁO KIỂM ĐIỂM TẬP THỂ CHI ỦY", "Năm 2024", "I. Ưu điểm, kết quả đạt được",
             "1. Việc chấp hành nguyên tắc tập trung dân chủ, quy chế làm việc", "Chi ủy họp đủ 12 kỳ.",
             "II. Hạn chế, khuyết điểm và nguyên nhân", "Sinh hoạt chuyên đề chưa đều."]
    a = analyse(doc_from_lines(lines))
    assert a.kind == "collective"
    assert a.sections["principles"].present


@pytest.mark.parametrize("lines,leader", [
    (["Chức vụ chính quyền: Phó Giám đốc Bệnh viện, phụ trách chuyên môn"], True),
    (["Chức vụ chính quyền: Chính trị viên Hải đội Biên phòng 2"], True),
    (["Chức vụ chính quyền: Giáo viên, dạy lớp ghép tại điểm trường bản Nhú Ma"], False),  # trường bản ≠ trưởng ban
    (["Chức vụ chính quyền: Giám đốc Hợp tác xã Nông nghiệp Mỹ Xương"], False),  # outside the political system
    (["Chức vụ Đảng: Bí thư Chi bộ", "Chức vụ chính quyền: Không",
      "Chức vụ đoàn thể: Phó Chủ tịch Thường trực Liên đoàn Lao động huyện Châu Thành"], True),
    (["Chức vụ đoàn thể: Tổ trưởng tổ Công đoàn"], False),
    (["Position: Deputy Director of the Provincial Centre"], True),
    # the post after another field on the same line; a commander's post
    (["Cấp bậc: Thiếu tá. Chức vụ: Tiểu đoàn trưởng Tiểu đoàn 2, Trung đoàn 234"], True),
    (["Cấp bậc: Thượng úy. Chức vụ: Trợ lý tác chiến"], False),
    # the post line named for the state apparatus, in English and in Vietnamese; a university's dean
    (["Party position: Member of the Party Cell Committee",
      "Government position: Associate Professor, Vice Dean of the College of Aquaculture"], True),
    (["Government position: Lecturer, Department of Fisheries Management"], False),
    # a qualifier in brackets between the name of the line and its colon (h69)
    (["Party position: Secretary of the Party cell",
      "Government (professional) position: Head of Corporate Customer Department No. 2"], True),
    (["Chức vụ (chính quyền): Trưởng phòng Kế hoạch - Tài chính"], True),
    # "Principal officer" is the civil-service grade chuyên viên chính, not a school's principal (h74)
    (["Government position: Principal officer, Division of Multilateral Cooperation"], False),
    (["Government position: Principal, Nguyen Du Lower Secondary School"], True),
    (["Party position: Secretary of the Party Cell", "Government position: none"], False),
    (["Chức vụ chuyên môn: Phó Trưởng phòng Tổ chức - Hành chính"], True),
])
def test_leader_post_in_the_header(lines, leader):
    """Before 2023 one form serves everyone: a leadership post in the header tells a leader (HD 21)."""
    from reportcheck.detect import detect_leader_post

    assert detect_leader_post(doc_from_lines(["BẢN KIỂM ĐIỂM CÁ NHÂN", "Họ và tên: Trần Văn B", *lines])) is leader


LEADER_2025 = [
    "ĐẢNG BỘ XÃ ĐẠI ĐỒNG", "CHI BỘ CƠ QUAN ỦY BAN NHÂN DÂN XÃ", "ĐẢNG CỘNG SẢN VIỆT NAM",
    "BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2025", "(Cá nhân giữ chức vụ lãnh đạo, quản lý)",
    "Họ và tên: Trần Văn Lâm", "Chức vụ chính quyền: Chủ tịch Ủy ban nhân dân xã",
    "I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC",
    "1. Nhóm tiêu chí chung: chính trị tư tưởng; đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
    "Chấp hành nghiêm chủ trương sắp xếp tổ chức bộ máy, không so bì vị trí công tác sau hợp nhất xã.",
    "{exemplary}",
    "2. Kết quả thực hiện chức trách, nhiệm vụ được giao{leadership_head}",
    "Ổn định 4 phòng chuyên môn trong 10 ngày; giải quyết đúng hạn 97,6% trong 5.812 hồ sơ hành chính.",
    "{innovation}",
    "II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN",
    "Giải ngân vốn đầu tư công đến 30/11/2025 mới đạt 71% kế hoạch, do tôi chưa đôn đốc sát các chủ đầu tư.",
    "III. KẾT QUẢ KHẮC PHỤC NHỮNG HẠN CHẾ, KHUYẾT ĐIỂM ĐÃ ĐƯỢC CHỈ RA Ở CÁC KỲ KIỂM ĐIỂM TRƯỚC",
    "Năm 2024 không có hạn chế được chỉ ra.",
    "IV. GIẢI TRÌNH NHỮNG VẤN ĐỀ ĐƯỢC GỢI Ý KIỂM ĐIỂM", "Không có.",
    "V. LÀM RÕ TRÁCH NHIỆM CỦA CÁ NHÂN ĐỐI VỚI NHỮNG HẠN CHẾ, KHUYẾT ĐIỂM CỦA TẬP THỂ", "Tôi chịu trách nhiệm về giải ngân chậm.",
    "VI. PHƯƠNG HƯỚNG, BIỆN PHÁP KHẮC PHỤC", "Giải ngân đủ 100% vốn trước 31/01/2026.",
    "VII. TỰ NHẬN MỨC XẾP LOẠI CHẤT LƯỢNG", "Tổng điểm tự chấm: 87/100 điểm.", "☒ Hoàn thành tốt nhiệm vụ",
]


def _leader_2025(**parts) -> list[str]:
    fill = {"exemplary": "", "leadership_head": "", "innovation": ""} | parts
    return [line.format(**fill) for line in LEADER_2025 if line.format(**fill)]


def test_2025_leader_items_written_inside_the_two_groups():
    """HD 43 Mẫu 2B groups the criteria in two; a leader's leadership, daring and exemplary responsibility
    written inside them are found there, not reported missing."""
    a = analyse(doc_from_lines(_leader_2025(
        exemplary="Về nêu gương: em gái tôi thuộc diện dôi dư sau sắp xếp, tôi vận động em nghỉ theo chế độ.",
        leadership_head=", kết quả lãnh đạo, điều hành",
        innovation="Việc khó, nhạy cảm: tôi ký kết luận hai vụ khiếu nại đất đai kéo dài từ năm 2018.")))
    assert a.form == "2025" and a.kind == "leader"
    assert {"leadership", "innovation", "exemplary"} <= set(a.sections)


def test_2025_leader_items_not_written_anywhere_are_missing():
    a = analyse(doc_from_lines(_leader_2025()))
    assert a.kind == "leader"
    assert not {"leadership", "innovation", "exemplary"} & set(a.sections)


def test_a_plain_lead_written_after_every_entry_is_no_heading():
    """'Nguyên nhân: …' after each numbered limitation labels entries; it is not part II.2 (which would take
    the limitations that follow it as causes)."""
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2024", "Họ và tên: Lê Văn D",
             "I. Ưu điểm, kết quả đạt được", "Hoàn thành 12 hồ sơ thẩm định đúng hạn.",
             "II. Hạn chế, khuyết điểm và nguyên nhân",
             "1. Báo cáo quý III nộp chậm 5 ngày.",
             "Nguyên nhân: tôi chưa lập lịch làm việc cho tuần cao điểm.",
             "2. Hai hồ sơ phải trả lại vì thiếu biên bản.",
             "Nguyên nhân: tôi chưa kiểm tra kỹ danh mục giấy tờ trước khi nhận.",
             "VI. Phương hướng, biện pháp khắc phục", "Lập lịch làm việc từ tháng 1/2025."]
    a = analyse(doc_from_lines(lines))
    lim = a.sections["limitations"]
    assert lim.first <= 6 and lim.last >= 9
    assert a.headings.get(7) is None and a.headings.get(9) is None


def test_hd21_collective_items_in_their_own_order():
    """HD 21's collective form (2019): the political tasks first, then democratic centralism, Party building,
    personnel work — every required part found, the last item read as Party building."""
    lines = ["ĐẢNG BỘ PHƯỜNG TÂN PHONG", "CHI BỘ TRẠM Y TẾ PHƯỜNG", "BÁO CÁO KIỂM ĐIỂM TẬP THỂ CHI BỘ", "Năm 2021",
             "I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC",
             "1. Việc quán triệt, cụ thể hóa và lãnh đạo thực hiện nhiệm vụ chính trị được giao",
             "Chi bộ lãnh đạo Trạm tiêm 14.200 mũi vắc-xin Covid-19, đạt 100% kế hoạch; quản lý 1.300 hộ nghèo.",
             "2. Việc thực hiện nguyên tắc tập trung dân chủ, quy chế làm việc; giữ gìn đoàn kết nội bộ",
             "Chi bộ sinh hoạt đủ 12/12 kỳ; các việc lớn đều đưa ra chi bộ bàn bạc, biểu quyết.",
             "3. Công tác xây dựng Đảng; phòng, chống tham nhũng, lãng phí",
             "Kết nạp 1 đảng viên; kiểm tra 2 đảng viên, không phát hiện vi phạm.",
             "4. Công tác cán bộ, quản lý đảng viên",
             "Giới thiệu 1 đồng chí đi học trung cấp lý luận chính trị; 9/9 đảng viên được phân công nhiệm vụ.",
             "II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN", "1. Hạn chế, khuyết điểm",
             "Có 3 kỳ sinh hoạt chủ yếu thông báo công việc, ít thảo luận.", "2. Nguyên nhân",
             "Chi ủy chuẩn bị nội dung sinh hoạt chưa kỹ.",
             "III. KẾT QUẢ KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM ĐÃ ĐƯỢC CHỈ RA Ở KỲ KIỂM ĐIỂM TRƯỚC",
             "Năm 2020 được chỉ ra chậm nộp báo cáo; năm 2021 đã nộp đúng hạn 12/12 kỳ.",
             "IV. TRÁCH NHIỆM CỦA TẬP THỂ VÀ CÁ NHÂN", "Đồng chí Bí thư chịu trách nhiệm về chất lượng sinh hoạt.",
             "V. PHƯƠNG HƯỚNG, BIỆN PHÁP KHẮC PHỤC", "Từ tháng 1/2022 chi ủy gửi trước nội dung sinh hoạt 3 ngày.",
             "VI. ĐỀ NGHỊ XẾP LOẠI", "Hoàn thành tốt nhiệm vụ"]
    a = analyse(doc_from_lines(lines))
    assert a.kind == "collective"
    required = a.rubric.required
    assert [sid for sid in required if sid not in a.sections] == []
    assert a.sections["party_building"].last >= 12  # "4. Công tác cán bộ …" is Party building's
    assert a.sections["principles"].first == 7


def test_items_numbered_within_lettered_parts():
    """'Part A.' / 'A1.' 'A2.' 'A3.': an item numbered inside its part; the one whose wording matches nothing
    ('A2. Teaching, research …') is the form's item at its number, between two recognised by their words."""
    lines = ["PERSONAL SELF-REVIEW", "Year 2023 (party member without a leadership or management post)",
             "Full name: Tran Quoc Viet",
             "Part A. What I did well this year",
             "A1. Political conviction, ethics, lifestyle, discipline and working manner",
             "I keep a firm political stance and attended all 12 cell meetings of the year.",
             "A2. Teaching, research and other assigned duties",
             "I taught 312 hours in four courses and published 2 papers in national journals.",
             "A3. My yearly commitment",
             "I met both commitments I registered in January 2023.",
             "Part B. Where I fell short, and why", "B1. Shortcomings",
             "Two of my course outlines were submitted three weeks late.", "B2. Causes",
             "I put off revising the outlines until the deadline.",
             "Part C. Follow-up on shortcomings pointed out last year",
             "Last year's late grading was fixed: all grades were entered on time in 2023.",
             "Part D. Issues raised for my review", "None.",
             "Part E. My share in the collective's shortcomings", "None.",
             "Part F. What I will do, and by when", "Submit every course outline by 15 August 2024.",
             "Part G. Self-rating", "☐ Excellent completion ☒ Good completion ☐ Completion ☐ Non-completion of duties"]
    a = analyse(doc_from_lines(lines))
    assert a.sections["task_results"].first == 6
    assert a.sections["commitment"].first == 8
    assert a.rating.party == "good"


def test_parts_named_in_the_writers_own_words():
    """'Những mặt còn yếu và nguyên nhân', 'Mặt còn yếu', 'Những gì đã sửa được từ kỳ kiểm điểm trước',
    'Hướng sửa và thời gian', 'Xây dựng chi bộ, kiểm tra giám sát …': each is the form's part by its heading."""
    from test_rule_examples import load_base, render

    example = {"heading": {"shortcomings": "II. Những mặt còn yếu và nguyên nhân", "limitations": "1. Mặt còn yếu",
                           "prior_remediation": "III. Những gì đã sửa được từ kỳ kiểm điểm trước",
                           "remedies": "VI. Hướng sửa và thời gian",
                           "party_building": "3. Xây dựng chi bộ, kiểm tra giám sát, phòng chống tham nhũng",
                           "self_rating": "VII. Chi bộ tự đánh giá"}}
    a = analyse(doc_from_lines(render(load_base("collective_vi"), example).splitlines()))
    for sid in ("limitations", "prior_remediation", "remedies", "party_building", "self_rating"):
        assert a.sections[sid].matched_by in ("heading", "combined"), sid
    example = {"heading": {"ideology": "1. Phẩm chất chính trị, đạo đức, lối sống, ý thức kỷ luật và cách làm việc"}}
    a = analyse(doc_from_lines(render(load_base("member_vi"), example).splitlines()))
    assert a.sections["working_style"].matched_by == "combined"  # "cách làm việc" names working style


@pytest.mark.parametrize("subtitle,year", [("Năm 2025 - Cán bộ giữ chức vụ lãnh đạo, quản lý", 2025), ("Năm 2024", 2024),
                                           ("Năm 2023 (Cá nhân giữ chức vụ lãnh đạo, quản lý)", 2023)])
def test_year_from_the_subtitle(subtitle, year):
    from reportcheck.detect import detect_year

    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", subtitle, "Họ và tên: Bùi Quang Trung",
             "Năm 2024 chi bộ góp ý tôi còn chậm báo cáo."]
    assert detect_year(doc_from_lines(lines)) == year


@pytest.mark.parametrize("subtitle", ["(Party member not working in the political system)", "(Party member)"])
def test_a_members_two_groups_numbered_where_02b_has_leader_items(subtitle):
    """Mẫu 2C's subtitle in English marks a member; without it, "1. General criteria", "2. Results of
    performing assigned work" before "3. Fulfilment of the annual commitment" are a member's two groups
    (HD 43), though 02B numbers its leader items there: a leader's items count only when named in words."""
    lines = ["PERSONAL SELF-REVIEW REPORT", "Year 2025", subtitle,
             "Full name: Vo Thanh Tam", "Position at work: Senior Software Engineer",
             "I. Strengths and results achieved", "1. General criteria (maximum 30 points)",
             "a) Political ideology", "I attended all study sessions of the Party Committee in 2025.",
             "b) Ethics and lifestyle", "I live simply and keep good relations with my neighbours.",
             "c) Sense of discipline", "I attended 11 of the 12 monthly cell meetings.",
             "d) Working style", "I respond quickly to production incidents.",
             "2. Results of performing assigned work (maximum 70 points)",
             "Led the migration of the payments gateway to 9 microservices, live on 14 June 2025.",
             "3. Fulfilment of the annual commitment", "I fulfilled my 2025 commitment to study the resolutions.",
             "II. Limitations, shortcomings and causes", "I missed the July cell meeting because of a release.",
             "III. Remediation of limitations pointed out in previous reviews", "I now speak at most meetings.",
             "VI. Directions and measures to overcome limitations", "Inform the cell two days ahead from January 2026.",
             "VII. Self-assessed quality rating", "[x] Completed tasks well"]
    a = analyse(doc_from_lines(lines))
    assert a.kind == "member"


def test_an_item_named_like_a_later_part_does_not_take_it():
    """"4. Tự chấm điểm" inside part I (QĐ 366 self-scored points) reads like part VII; the heading that carries
    VII's own number comes later and is part VII, with the boxes under it."""
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2025", "Họ và tên: Bùi Đức Thắng",
             "I. Ưu điểm, kết quả đạt được", "1. Nhóm tiêu chí chung", "Chấp hành nghiêm kỷ luật, điều lệnh.",
             "2. Kết quả thực hiện chức trách, nhiệm vụ được giao", "Hoàn thành 100% chỉ tiêu định danh điện tử.",
             "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu", "Đã thực hiện cam kết đầu năm.",
             "4. Tự chấm điểm", "Nhóm tiêu chí chung: 26/30 điểm. Tổng: 78/100 điểm.",
             "II. Hạn chế, khuyết điểm và nguyên nhân", "Cập nhật dữ liệu còn chậm, do tôi chưa sắp xếp thời gian.",
             "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm", "Nhập liệu trong ngày, từ tháng 12/2025.",
             "VII. Tự nhận mức xếp loại chất lượng", "1. Xếp loại cán bộ:", "☒ Hoàn thành tốt nhiệm vụ",
             "2. Xếp loại đảng viên:", "☒ Hoàn thành tốt nhiệm vụ"]
    a = analyse(doc_from_lines(lines))
    assert a.sections["self_rating"].heading == "Tự nhận mức xếp loại chất lượng"
    assert (a.rating.party, a.rating.civil_servant) == ("good", "good")


def test_a_regulation_cited_in_a_sentence_names_no_form():
    """QĐ 132-QĐ/TW of 2023 (power control in judicial work) shares its number with the 2018 regulation of the
    2019 forms: cited in a sentence of the body, it does not make a 2024 report a 2019 one."""
    from reportcheck.detect import detect_markers

    lines = ["BÁO CÁO KIỂM ĐIỂM TẬP THỂ LÃNH ĐẠO TÒA ÁN NHÂN DÂN HUYỆN VỤ BẢN", "Năm 2024",
             "I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC",
             "Tập thể lãnh đạo phối hợp chi ủy tổ chức cho 100% công chức học tập Quy định số 144-QĐ/TW về chuẩn mực đạo "
             "đức cách mạng và các quy định về kiểm soát quyền lực trong hoạt động tư pháp; ghi chép, báo cáo đầy đủ 2 "
             "trường hợp người ngoài cơ quan tác động vào việc giải quyết án theo Quy định số 132-QĐ/TW của Bộ Chính trị."]
    assert detect_markers(doc_from_lines(lines))[0] is None
    assert detect_markers(doc_from_lines(["BẢN KIỂM ĐIỂM CÁ NHÂN", "(Theo Quy định số 132-QĐ/TW và Hướng dẫn 21)"]))[0] == "2019"


def test_one_heading_listing_the_leader_topics_marks_a_leader():
    """Before 2023 one form served everyone; a heading that lists the leader's own topics ("Về lãnh đạo, quản lý,
    đoàn kết nội bộ; tinh thần đổi mới, dám nghĩ, dám làm; trách nhiệm nêu gương") names each of them, so the
    report is a leader's even when the header's post (a cooperative's director) does not say so."""
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2021", "Họ và tên: Phạm Văn Hùng",
             "Chức vụ Đảng: Bí thư Chi bộ HTX Dịch vụ nông nghiệp Tây Giang",
             "Chức vụ chính quyền: Giám đốc HTX Dịch vụ nông nghiệp Tây Giang",
             "ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC",
             "Về tư tưởng chính trị, đạo đức lối sống, ý thức tổ chức kỷ luật, tác phong làm việc",
             "Luôn chấp hành nghiêm chủ trương của Đảng.",
             "Về thực hiện nhiệm vụ được giao", "Doanh thu dịch vụ đạt 4,2 tỷ đồng, vượt 8% kế hoạch.",
             "Về lãnh đạo, quản lý, đoàn kết nội bộ; tinh thần đổi mới, dám nghĩ, dám làm, dám chịu trách nhiệm; "
             "trách nhiệm nêu gương",
             "Giữ đoàn kết trong Hội đồng quản trị; mạnh dạn đưa máy cấy vào 120 ha.",
             "HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN", "Thu hồi công nợ chậm, do tôi chưa đôn đốc sát.",
             "PHƯƠNG HƯỚNG, BIỆN PHÁP KHẮC PHỤC", "Thu hồi xong công nợ trước 31/3/2022."]
    flags = {i: {"bold": True} for i, line in enumerate(lines) if line.isupper() or line.startswith("Về ")}
    a = analyse(doc_from_lines(lines, flags=flags))
    assert a.kind == "leader"


@pytest.mark.parametrize("label", ["3, 4, 5.", "3-5.", "3 - 5)"])
def test_items_numbered_together_in_one_typed_label(label):
    """A 02B writer who takes the leader items 3 to 5 together under one typed number ("3, 4, 5. Về công tác lãnh
    đạo, quy tụ đoàn kết; đổi mới, sáng tạo; trách nhiệm nêu gương", plain text, h71): the three items are there
    (thin, perhaps, which is another rule's business), not missing."""
    lines = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "(Dùng cho cá nhân giữ chức vụ lãnh đạo, quản lý)", "Năm 2024",
             "Họ và tên: Vũ Văn Hiệp", "Chức vụ Đảng: Bí thư chi bộ thôn", "Chức vụ chính quyền: Trưởng thôn",
             "I. Ưu điểm, kết quả đạt được",
             "1. Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
             "Chấp hành nghiêm chủ trương của Đảng.",
             "2. Về thực hiện chức trách, nhiệm vụ được giao", "Gieo cấy 126 ha lúa, năng suất 67,5 tạ/ha.",
             f"{label} Về công tác lãnh đạo, quy tụ đoàn kết; đổi mới, sáng tạo; trách nhiệm nêu gương",
             "Giữ vững đoàn kết trong chi bộ và trong thôn.",
             "6. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm", "Hoàn thành 4/4 nội dung đăng ký.",
             "II. Hạn chế, khuyết điểm và nguyên nhân", "Chưa kết nạp được đảng viên mới, do tôi chưa tạo nguồn.",
             "VI. Phương hướng, biện pháp khắc phục", "Bồi dưỡng 2 quần chúng ưu tú trước 30/6/2025."]
    a = analyse(doc_from_lines(lines))
    assert a.kind == "leader"
    assert all(a.sections[sid].present for sid in ("leadership", "innovation", "exemplary"))
    from reportcheck.segment import _split_label
    assert _split_label("2, 3 triệu đồng mỗi tháng") == (None, "2, 3 triệu đồng mỗi tháng")


def test_a_collectives_heading_merging_its_organisation_items():
    """A cell secretary who writes the form's I.1 (principles) and I.3 (Party building) under one heading ("1. Chấp
    hành nguyên tắc tổ chức, sinh hoạt đảng và công tác xây dựng Đảng", h71) has written both, not left them out."""
    lines = ["ĐẢNG BỘ BỆNH VIỆN ĐA KHOA TỈNH", "CHI BỘ KHOA HỒI SỨC TÍCH CỰC", "BÁO CÁO KIỂM ĐIỂM TẬP THỂ CHI BỘ",
             "Năm 2021", "I/ Ưu điểm, kết quả đạt được",
             "1. Chấp hành nguyên tắc tổ chức, sinh hoạt đảng và công tác xây dựng Đảng",
             "Chi bộ duy trì sinh hoạt đủ 12 kỳ; 17/17 đảng viên học tập nghị quyết.",
             "2. Kết quả lãnh đạo thực hiện nhiệm vụ chuyên môn và nhiệm vụ chính trị của khoa",
             "Khoa điều trị 1.247 lượt bệnh nhân, tăng 9% so với năm 2020.",
             "II/ Hạn chế, khuyết điểm và nguyên nhân", "Có 9 bệnh án bị trả lại do ghi chép thiếu, vì chi ủy chưa kiểm tra.",
             "V/ Phương hướng, biện pháp khắc phục", "Từ tháng 01/2022 điều dưỡng trưởng kiểm tra bệnh án hằng tuần.",
             "VI/ Tự nhận mức xếp loại", "Chi bộ đề nghị xếp loại: Hoàn thành tốt nhiệm vụ."]
    a = analyse(doc_from_lines(lines))
    assert a.kind == "collective"
    assert a.sections["principles"].present and a.sections["party_building"].present


def test_a_heading_in_the_writers_own_words_for_two_parts():
    """"3. Khuyết điểm của tui và cách sửa": whose ("của tui") names no part; the two halves are II and VI."""
    lines = ["BẢN KIỂM ĐIỂM ĐẢNG VIÊN", "Năm 2025", "Tên tui là: Lê Thị Hoa",
             "1. Về tư tưởng, đạo đức, lối sống, chấp hành kỷ luật", "Tui luôn chấp hành chủ trương của Đảng.",
             "2. Làm nhiệm vụ đảng viên và công việc được chi bộ giao ở ấp", "Vận động 46 hộ cài VNeID.",
             "3. Khuyết điểm của tui và cách sửa", "- Sinh hoạt chi bộ vắng 2 buổi vì trùng ngày đi lấy hàng. "
             "Cách sửa: từ tháng 1/2026 không vắng nữa.",
             "4. Tự chấm điểm, tự xếp loại", "Tổng: 80 điểm. Tui tự xếp loại hoàn thành tốt nhiệm vụ."]
    a = analyse(doc_from_lines(lines, flags={3: {"bold": True}, 5: {"bold": True}, 7: {"bold": True}, 9: {"bold": True}}))
    assert a.sections["limitations"].matched_by == "heading" and a.sections["remedies"].matched_by == "heading"


def test_english_parts_numbered_without_a_stop_and_a_leaders_results_under_leadership():
    """"1.2 Results of leadership, …" (a multi-level number with no stop after it is a label); the 2025 leader's
    leadership item that names the unit's completion of tasks holds the leader's task results too."""
    lines = ["PERSONAL SELF-REVIEW REPORT", "Year 2025", "(Individual holding a leadership or management position)",
             "Full name: Le Minh Duc", "Position: Branch Director",
             "Section 1. Strengths and results",
             "1.1 Political ideology, ethics, lifestyle, discipline, working style (general criteria)",
             "I follow the Party's line and the bank's rules; no violation in 2025.",
             "1.2 Results of leadership, direction and management; completion of tasks by the unit; ability to unite "
             "the collective", "The branch reached 104% of its credit target and opened 2,300 new accounts in 2025.",
             "1.3 Responsibility, dynamism, innovation, daring to think, act and take responsibility",
             "I moved loan approval to a digital workflow in May 2025.",
             "1.4 Exemplary responsibility of myself and my family; fighting corruption, negativity and waste",
             "My wife does not work with any client of the branch.",
             "Section 2. Limitations, shortcomings and causes", "Bad debt rose to 1.9% because I approved two loans "
             "without a site visit.",
             "Section 6. Direction and measures to remedy the shortcomings", "Recover both loans by 31 March 2026.",
             "Section 7. Self-assessed rating", "[x] Completed tasks well"]
    a = analyse(doc_from_lines(lines))
    assert a.kind == "leader"
    assert {"leadership", "task_results", "innovation", "exemplary"} <= set(a.sections)
