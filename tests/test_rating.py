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
