"""The balance of achievements and shortcomings (RC401's measure)."""

from reportcheck.pipeline import analyse
from reportcheck.rules.balance import balance

from helpers import doc_from_lines

REPORT = ["BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2021", "Họ và tên: Lê Văn D",
          "I. Ưu điểm, kết quả đạt được",
          "Chỉ đạo nhà trường đạt 98% học sinh lên lớp, 12 học sinh giỏi cấp huyện, xây xong 4 phòng học bộ môn.",
          "II. Hạn chế, khuyết điểm và nguyên nhân",
          "1. Hạn chế, khuyết điểm",
          "- Trong đợt dạy trực tuyến tháng 5/2021, 37 học sinh không có thiết bị học tập; đến tháng 10/2021 nhà trường "
          "mới vận động được 30 máy tính bảng tặng các em.",
          "2. Nguyên nhân",
          "Tôi chưa dự báo sớm tình huống học trực tuyến kéo dài, chưa chỉ đạo rà soát thiết bị của học sinh.",
          "III. Phương hướng, biện pháp khắc phục",
          "Rà soát thiết bị học tập của học sinh trước tháng 8/2022."]


def test_part_ii_sentences_count_as_shortcomings_whatever_their_wording():
    """A limitation that ends on what was done about it reads like a result; in part II it is a shortcoming."""
    a = analyse(doc_from_lines(REPORT))
    part_ii = [s for s in a.sentences if s.section in ("limitations", "causes")]
    assert any(s.role == "achievement" for s in part_ii)  # the wording the role model reads as a result
    b = balance(a)
    # every word of part II is on the shortcomings side
    short_words = sum(len(s.text.split()) for s in part_ii)
    ach_words = sum(len(s.text.split()) for s in a.sentences if s.role == "achievement" and s not in part_ii)
    assert abs(b["shortcomings"] - short_words / (short_words + ach_words)) < 0.02
