import unicodedata

import pytest

from reportcheck.text.normalize import count_words, fold, normalize


@pytest.mark.parametrize("old,new", [
    ("hoà", "hòa"), ("thuý", "thúy"), ("khoẻ", "khỏe"), ("Uỷ ban", "Ủy ban"), ("hoá", "hóa"), ("tuỳ", "tùy"),
    ("loè", "lòe"), ("Hoà Bình", "Hòa Bình"),
])
def test_old_and_new_tone_placement_compare_equal(old, new):
    assert normalize(old) == normalize(new)


@pytest.mark.parametrize("word", ["người", "giữa", "quá", "thuyền", "khuyết", "nguyễn", "của", "mười", "quý", "gì", "hoàn", "tuổi"])
def test_tone_placement_keeps_correct_words(word):
    assert normalize(word) == word


def test_nfd_input_becomes_nfc():
    text = "Tư tưởng chính trị"
    assert normalize(unicodedata.normalize("NFD", text)) == text


def test_quotes_dashes_spaces_invisible():
    assert normalize("“Hạn chế” – khuyết\u00a0điểm\u200b …") == '"Hạn chế" - khuyết điểm ...'


def test_fold_removes_diacritics_and_case():
    assert fold("ĐẢNG VIÊN Hoà") == "dang vien hoa"
    assert fold("Hạn chế") == fold("Han che")


def test_count_words_ignores_placeholders():
    assert count_words("……………… ...") == 0
    assert count_words("Năm 2024 tôi hoàn thành 100% kế hoạch") == 8


def test_sentences_do_not_end_at_a_name_initial():
    from reportcheck.annotate import split_sentences

    def pieces(t):
        return [t[a:b] for a, b in split_sentences(t)]

    text = "Điều dưỡng Nguyễn Thị H. ghi khống phiếu (đồng chí H. đã bị khiển trách). Tôi nhận trách nhiệm."
    assert pieces(text) == ["Điều dưỡng Nguyễn Thị H. ghi khống phiếu (đồng chí H. đã bị khiển trách).",
                            "Tôi nhận trách nhiệm."]
    assert pieces("Hồ sơ xếp loại A. Tôi nộp đúng hạn.") == ["Hồ sơ xếp loại A.", "Tôi nộp đúng hạn."]


def test_printed_instructions_in_brackets_but_not_the_writers_notes():
    from reportcheck.segment import is_form_line

    assert is_form_line("(Nêu rõ kết quả khắc phục đối với từng hạn chế, khuyết điểm; tự đánh giá cấp độ thực hiện)")
    assert is_form_line("(Nếu có)")
    assert not is_form_line("(Ghi chú: trong năm tôi nghỉ ốm 4 tháng để phẫu thuật)")
    assert not is_form_line("(State-funded project, 2023–2024)")
