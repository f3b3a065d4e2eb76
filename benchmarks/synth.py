"""Synthetic Vietnamese-like self-criticism reports for benchmarks and evaluation.

Nothing here is a real report. Text is assembled from clause pools:

* **form wording** (headings of Mẫu 02A/02B, header lines, rating lines): the same in
  every report; :func:`form_text` returns it so the index can be told about it;
* **stock formulas** per section ("Luôn trung thành với chủ nghĩa Mác-Lênin, tư tưởng
  Hồ Chí Minh", "Tiếp tục học tập, nâng cao trình độ chuyên môn, nghiệp vụ"), drawn with
  a Zipf-like skew so a few are in most reports and many are rare;
* **personal sentences**: templates whose slots are filled from profession-specific
  pools (objects, activities, numbers, places, names, deadlines), so two independent
  reports by colleagues of the same profession read alike without sharing sentences.

Deterministic: every function takes a ``random.Random`` (or a seed) and uses nothing
else. All pool strings are passed through :func:`reportcheck.text.normalize.normalize`
once at import, so the generated text is already normalised.

Plants for the evaluation: :func:`edit_copy` (p% of sentences edited: word swaps,
numbers/years/names changed, clauses swapped, words inserted/dropped),
:func:`shuffle_copy` (sentence order shuffled within sections), :func:`graft_sections`
(copy some sections of one report into another), :func:`rewrite` (same member,
new personal text, same stock formulas).
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportcheck.text.normalize import normalize

Paragraph = tuple[int, str, "str | None"]


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    profession: str
    unit: str
    place: str
    leader: bool
    birth: str


@dataclass(frozen=True)
class Report:
    member: Member
    year: int
    # (text, section) per paragraph; body paragraphs are lists of sentences joined by " "
    paragraphs: tuple[tuple[str, str | None], ...]
    stock: tuple[str, ...] = ()  # stock sentences used (for rewrite)

    def as_paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple((i, t, s) for i, (t, s) in enumerate(self.paragraphs))

    @property
    def syllables(self) -> int:
        return sum(len(t.split()) for t, _ in self.paragraphs)


def _n(items):
    return tuple(normalize(x) for x in items)


# --------------------------------------------------------------------------- pools

FAMILY = _n(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
             "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Cao", "Lâm", "Tạ", "Kiều", "Lương"])
MIDDLE = _n(["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu", "Kim", "Hồng",
             "Anh", "Bảo", "Gia", "Mạnh", "Phương", "Thùy", "Trọng", "Công"])
GIVEN = _n(["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Lan", "Linh",
            "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang",
            "Tuấn", "Vân", "Yến", "Khoa", "Lộc", "Nhung", "Oanh", "Quyên", "Tùng", "Uyên", "Việt", "Đạt",
            "Giang", "Hiếu", "Huy", "Khánh", "Loan", "Minh", "Ngân", "Phát", "Quỳnh", "Sang", "Thư", "Vinh"])
PLACES = _n(["An Phú", "Bình Minh", "Tân Lập", "Hòa Bình", "Đông Hưng", "Quảng Xương", "Yên Thành",
             "Thạch Hà", "Long Điền", "Cẩm Lệ", "Phú Lộc", "Vĩnh Tường", "Nghĩa Đàn", "Tiên Du", "Kim Sơn",
             "Hải Hậu", "Thanh Ba", "Đức Phổ", "Mỹ Xuyên", "Châu Thành", "Tam Nông", "Lục Yên", "Bảo Lâm",
             "Krông Pắc", "Di Linh", "Tuy Phước", "Hương Sơn", "Gia Lộc", "Kiến Xương", "Thọ Xuân"])
RESOLUTIONS = _n(["Nghị quyết Trung ương 4 khóa XII", "Nghị quyết Đại hội XIII của Đảng", "Kết luận 21-KL/TW",
                  "Chỉ thị 05-CT/TW", "Nghị quyết Trung ương 8 khóa XIII", "Quy định 144-QĐ/TW",
                  "Quy định 37-QĐ/TW", "Nghị quyết Trung ương 6 khóa XIII", "Kết luận 01-KL/TW",
                  "Quy định 124-QĐ/TW", "Chỉ thị 35-CT/TW", "Nghị quyết 57-NQ/TW"])
GRADES = _n(["xuất sắc", "tốt", "khá"])

PROFESSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "teacher": {
        "job": _n(["giáo viên", "tổ trưởng chuyên môn", "giáo viên chủ nhiệm lớp {cls}", "phó hiệu trưởng",
                   "giáo viên bộ môn {subject}", "tổng phụ trách Đội"]),
        "unit": _n(["Trường Tiểu học {place}", "Trường THCS {place}", "Trường THPT {place}", "Trường Mầm non {place}",
                    "Trường Phổ thông dân tộc bán trú {place}", "Trường Tiểu học và THCS {place}"]),
        "ohead": _n(["chuyên đề", "tiết dạy minh họa", "sáng kiến", "bài giảng điện tử", "kế hoạch bài dạy",
                     "bộ đề kiểm tra", "hồ sơ", "buổi sinh hoạt", "phiếu học tập", "đồ dùng dạy học",
                     "tiết thao giảng", "câu lạc bộ", "sân chơi", "tài liệu ôn tập", "buổi ngoại khóa",
                     "kế hoạch phụ đạo", "buổi họp phụ huynh", "video bài giảng", "bản tin", "góc học tập"]),
        "omod": _n(["môn {subject} lớp {cls}", "về kỹ năng sống", "về an toàn giao thông", "theo định hướng STEM",
                    "khuyến đọc", "phòng chống đuối nước", "cho học sinh khuyết tật", "về giáo dục địa phương",
                    "ôn thi vào lớp 10", "chủ đề em yêu biển đảo", "về văn hóa ứng xử", "trải nghiệm sáng tạo",
                    "tiếng Anh giao tiếp", "về bảo vệ môi trường", "bồi dưỡng học sinh giỏi môn {subject}",
                    "cho khối {grade_no}", "theo chương trình mới"]),
        "domain": _n(["đổi mới phương pháp dạy học", "ứng dụng công nghệ thông tin trong giảng dạy",
                      "kiểm tra đánh giá theo năng lực", "giáo dục kỹ năng sống", "chương trình giáo dục phổ thông 2018",
                      "bồi dưỡng học sinh năng khiếu", "phụ đạo học sinh chưa hoàn thành", "chuyển đổi số trong nhà trường",
                      "công tác chủ nhiệm", "giáo dục đạo đức học sinh", "xây dựng thư viện thân thiện",
                      "phổ cập giáo dục", "công tác Đội và phong trào thiếu nhi", "kiểm định chất lượng giáo dục",
                      "dạy học tích hợp", "giáo dục hòa nhập", "xây dựng trường chuẩn quốc gia"]),
        "result": _n(["tỷ lệ học sinh hoàn thành chương trình lớp học đạt {pct}%",
                      "có {n} học sinh đạt giải trong kỳ thi cấp {level}", "lớp {cls} được công nhận tập thể lớp tiên tiến",
                      "sáng kiến được Hội đồng khoa học cấp {level} công nhận", "{n} tiết dạy được xếp loại {grade}",
                      "tỷ lệ chuyên cần của lớp đạt {pct}%", "không có học sinh bỏ học", "em {given} đạt giải {grade2} cấp {level}",
                      "điểm trung bình môn {subject} của lớp tăng {small} điểm so với đầu năm",
                      "{n} học sinh yếu đã vươn lên hoàn thành chương trình", "được phụ huynh ghi nhận, đánh giá cao"]),
        "person": _n(["học sinh", "phụ huynh", "đồng nghiệp trong tổ", "giáo viên mới", "tổ chuyên môn",
                      "Ban đại diện cha mẹ học sinh", "giáo viên tập sự", "học sinh lớp {cls}"]),
        "weak": _n(["việc đổi mới phương pháp dạy học", "việc ứng dụng phần mềm trong soạn giảng",
                    "công tác phối hợp với phụ huynh", "việc bồi dưỡng học sinh năng khiếu",
                    "việc đánh giá học sinh theo năng lực", "việc tự học ngoại ngữ", "việc quản lý hồ sơ chuyên môn",
                    "việc nghiên cứu khoa học sư phạm ứng dụng", "việc quản lý lớp trong giờ học",
                    "việc dạy học phân hóa theo đối tượng", "việc chấm, chữa bài cho học sinh", "việc tổ chức hoạt động trải nghiệm"]),
        "subject": _n(["Toán", "Tiếng Việt", "Ngữ văn", "Tiếng Anh", "Khoa học tự nhiên", "Lịch sử và Địa lý",
                       "Tin học", "Công nghệ", "Giáo dục công dân", "Âm nhạc", "Mỹ thuật", "Vật lý", "Hóa học", "Sinh học"]),
    },
    "health": {
        "job": _n(["bác sĩ", "điều dưỡng", "y sĩ", "dược sĩ", "trưởng trạm y tế", "hộ sinh", "kỹ thuật viên xét nghiệm"]),
        "unit": _n(["Trạm Y tế xã {place}", "Trung tâm Y tế huyện {place}", "Bệnh viện Đa khoa {place}",
                    "Phòng khám đa khoa khu vực {place}", "Khoa Nội, Bệnh viện {place}"]),
        "ohead": _n(["đợt tiêm chủng", "buổi khám sàng lọc", "hồ sơ sức khỏe", "chiến dịch truyền thông",
                     "lớp tập huấn", "ca trực", "quy trình kỹ thuật", "đợt kiểm tra", "buổi khám lưu động",
                     "báo cáo thống kê", "đợt cấp phát thuốc", "đợt giám sát", "buổi tư vấn", "phác đồ điều trị",
                     "sổ theo dõi", "buổi sinh hoạt chuyên môn", "đợt xét nghiệm"]),
        "omod": _n(["cho trẻ dưới 5 tuổi", "bệnh tăng huyết áp", "bệnh đái tháo đường", "sốt xuất huyết",
                    "cho phụ nữ mang thai", "an toàn thực phẩm", "cho người cao tuổi", "bệnh lao", "tay chân miệng",
                    "sức khỏe học đường", "dinh dưỡng trẻ em", "kiểm soát nhiễm khuẩn", "sức khỏe tâm thần",
                    "tại thôn {village}", "cho công nhân khu công nghiệp", "bệnh phổi tắc nghẽn mạn tính"]),
        "domain": _n(["phòng chống dịch bệnh", "chăm sóc sức khỏe ban đầu", "quản lý bệnh không lây nhiễm",
                      "tiêm chủng mở rộng", "an toàn vệ sinh thực phẩm", "dân số và phát triển",
                      "chăm sóc sức khỏe bà mẹ trẻ em", "khám chữa bệnh bảo hiểm y tế", "y tế học đường",
                      "chuyển đổi số ngành y tế", "kiểm soát nhiễm khuẩn", "cấp cứu ban đầu", "quản lý dược",
                      "phục hồi chức năng", "hồ sơ sức khỏe điện tử", "cải tiến chất lượng bệnh viện"]),
        "result": _n(["tỷ lệ trẻ được tiêm chủng đầy đủ đạt {pct}%", "khám và điều trị cho {n} lượt người bệnh",
                      "không để xảy ra sai sót chuyên môn", "quản lý {n} người bệnh tăng huyết áp tại cộng đồng",
                      "xã đạt bộ tiêu chí quốc gia về y tế", "tỷ lệ hài lòng của người bệnh đạt {pct}%",
                      "phát hiện sớm {n} ca bệnh truyền nhiễm", "được Sở Y tế tặng giấy khen",
                      "giảm {small} ngày điều trị trung bình", "{n} hồ sơ sức khỏe được cập nhật lên hệ thống",
                      "không có ca tử vong mẹ"]),
        "person": _n(["người bệnh", "người dân", "đồng nghiệp", "cộng tác viên dân số", "nhân viên y tế thôn bản",
                      "người nhà người bệnh", "sinh viên thực tập", "bà mẹ mang thai"]),
        "weak": _n(["việc cập nhật kiến thức chuyên môn mới", "công tác tư vấn cho người bệnh", "việc ghi chép hồ sơ bệnh án",
                    "công tác truyền thông giáo dục sức khỏe", "việc sử dụng phần mềm quản lý khám chữa bệnh",
                    "việc giám sát y tế thôn bản", "công tác quản lý thuốc", "việc thực hiện quy trình chống nhiễm khuẩn",
                    "thái độ giao tiếp với người bệnh", "việc báo cáo số liệu định kỳ", "việc theo dõi người bệnh sau ra viện"]),
        "subject": _n(["Nội khoa", "Nhi khoa", "Sản khoa", "Y học cổ truyền", "Dược", "Xét nghiệm"]),
    },
    "commune": {
        "job": _n(["công chức văn phòng - thống kê", "công chức tư pháp - hộ tịch", "công chức địa chính - xây dựng",
                   "phó chủ tịch UBND xã", "công chức văn hóa - xã hội", "chủ tịch Hội Nông dân xã",
                   "bí thư Đoàn xã", "chủ tịch Hội Liên hiệp phụ nữ xã", "công chức tài chính - kế toán"]),
        "unit": _n(["UBND xã {place}", "Đảng ủy xã {place}", "UBND thị trấn {place}", "Hội Nông dân xã {place}",
                    "Ủy ban Mặt trận Tổ quốc xã {place}", "UBND phường {place}"]),
        "ohead": _n(["hồ sơ", "văn bản", "cuộc họp", "thủ tục", "báo cáo", "kế hoạch", "buổi tiếp công dân",
                     "đơn thư", "hội nghị", "mô hình", "cuộc kiểm tra", "buổi đối thoại", "tờ trình", "đề án",
                     "hội thi", "cuộc vận động", "buổi tuyên truyền"]),
        "omod": _n(["hộ tịch", "đất đai", "chứng thực", "về xây dựng nông thôn mới", "về giảm nghèo bền vững",
                    "về trật tự xây dựng", "về hòa giải ở cơ sở", "ở thôn {village}", "về dồn điền đổi thửa",
                    "về chuyển đổi cơ cấu cây trồng", "về vệ sinh môi trường", "về cải cách hành chính",
                    "về người có công", "về bảo trợ xã hội", "dân vận khéo", "về phòng chống thiên tai"]),
        "domain": _n(["cải cách hành chính", "xây dựng nông thôn mới", "chuyển đổi số cấp xã", "giải quyết đơn thư",
                      "quản lý trật tự xây dựng", "an sinh xã hội", "dân vận chính quyền", "phổ biến giáo dục pháp luật",
                      "quản lý đất đai", "phát triển kinh tế hộ", "thực hiện dân chủ ở cơ sở", "giảm nghèo bền vững",
                      "phòng chống thiên tai", "hòa giải ở cơ sở", "công tác thống kê", "xây dựng đời sống văn hóa"]),
        "result": _n(["giải quyết đúng hạn {pct}% hồ sơ thủ tục hành chính", "tiếp nhận và xử lý {n} hồ sơ",
                      "không có hồ sơ trễ hạn", "xã đạt chuẩn nông thôn mới nâng cao", "{n} hộ thoát nghèo",
                      "tỷ lệ hồ sơ nộp trực tuyến đạt {pct}%", "giải quyết dứt điểm {n} vụ việc tồn đọng",
                      "được UBND huyện tặng giấy khen", "hòa giải thành {n} vụ việc", "vận động hiến {n} mét vuông đất làm đường",
                      "thôn {village} đạt chuẩn khu dân cư kiểu mẫu"]),
        "person": _n(["người dân", "cán bộ thôn", "đồng nghiệp", "tổ chức, cá nhân", "hộ nghèo", "trưởng thôn {village}",
                      "các đoàn thể", "hộ gia đình chính sách"]),
        "weak": _n(["việc tham mưu văn bản", "công tác nắm bắt dư luận", "việc cập nhật văn bản pháp luật mới",
                    "việc giải quyết hồ sơ trực tuyến", "công tác kiểm tra sau cấp phép", "việc lưu trữ hồ sơ",
                    "công tác phối hợp với các thôn", "việc đôn đốc thực hiện kết luận", "việc tổng hợp số liệu",
                    "công tác tiếp công dân", "việc hướng dẫn người dân làm thủ tục"]),
        "subject": _n(["hộ tịch", "đất đai", "xây dựng", "văn hóa", "thống kê", "tài chính"]),
    },
    "finance": {
        "job": _n(["kế toán", "chuyên viên tài chính", "thủ quỹ", "kiểm soát viên", "trưởng phòng kế hoạch - tài chính",
                   "chuyên viên thuế", "kế toán trưởng"]),
        "unit": _n(["Phòng Tài chính - Kế hoạch huyện {place}", "Kho bạc Nhà nước {place}", "Chi cục Thuế {place}",
                    "Ban Quản lý dự án huyện {place}", "Trung tâm Phát triển quỹ đất {place}"]),
        "ohead": _n(["báo cáo", "hồ sơ", "dự toán", "chứng từ", "kế hoạch", "biên bản", "bảng tổng hợp", "tờ trình",
                     "phương án", "sổ sách", "quyết định", "công văn", "bộ hồ sơ", "văn bản hướng dẫn"]),
        "omod": _n(["quyết toán năm", "thanh toán vốn đầu tư", "ngân sách xã", "kiểm soát chi", "đối chiếu công nợ",
                    "phân bổ kinh phí", "thu tiền sử dụng đất", "mua sắm tài sản công", "quyết toán dự án hoàn thành",
                    "thuế giá trị gia tăng", "hoàn thuế", "bồi thường giải phóng mặt bằng", "dự án đường liên xã",
                    "chi thường xuyên", "kinh phí sự nghiệp giáo dục", "nợ đọng thuế"]),
        "domain": _n(["quản lý ngân sách", "kiểm soát chi thường xuyên", "giải ngân vốn đầu tư công",
                      "thực hành tiết kiệm, chống lãng phí", "quản lý tài sản công", "thu ngân sách nhà nước",
                      "công khai tài chính", "chuyển đổi số trong kế toán", "quyết toán dự án hoàn thành",
                      "quản lý nợ thuế", "hóa đơn điện tử", "đấu giá quyền sử dụng đất", "kế toán hành chính sự nghiệp"]),
        "result": _n(["giải ngân đạt {pct}% kế hoạch vốn", "thẩm định {n} hồ sơ quyết toán", "không để xảy ra sai sót",
                      "tiết kiệm {n} triệu đồng chi thường xuyên", "thu ngân sách vượt {pct}% dự toán",
                      "xử lý {n} bộ hồ sơ đúng thời hạn", "được Sở Tài chính tặng giấy khen",
                      "thu hồi {n} triệu đồng nợ đọng", "phát hiện và từ chối thanh toán {n} khoản chi sai chế độ",
                      "số liệu khớp đúng với Kho bạc"]),
        "person": _n(["đơn vị sử dụng ngân sách", "chủ đầu tư", "đồng nghiệp", "người nộp thuế", "doanh nghiệp",
                      "các xã, thị trấn", "kế toán trường học"]),
        "weak": _n(["việc thẩm định hồ sơ", "việc nghiên cứu chế độ tài chính mới", "công tác đối chiếu số liệu",
                    "việc hướng dẫn đơn vị lập dự toán", "việc sử dụng phần mềm kế toán", "công tác lưu trữ chứng từ",
                    "việc theo dõi công nợ", "việc đôn đốc giải ngân", "việc tổng hợp báo cáo", "việc kiểm tra hóa đơn"]),
        "subject": _n(["ngân sách", "thuế", "kế toán", "đầu tư", "tài sản công"]),
    },
    "police": {
        "job": _n(["cán bộ công an xã", "trinh sát viên", "cảnh sát khu vực", "phó trưởng công an xã",
                   "cán bộ quản lý hành chính", "cán bộ cảnh sát giao thông"]),
        "unit": _n(["Công an xã {place}", "Công an huyện {place}", "Đội Cảnh sát giao thông {place}",
                    "Công an thị trấn {place}"]),
        "ohead": _n(["buổi tuần tra", "vụ việc", "hồ sơ", "đợt tuyên truyền", "chuyên án", "buổi tập huấn",
                     "đợt cao điểm", "mô hình", "buổi làm việc", "kế hoạch", "cuộc kiểm tra", "phương án", "biên bản"]),
        "omod": _n(["cư trú", "định danh điện tử", "về an toàn giao thông", "về phòng chống ma túy",
                    "về phòng cháy chữa cháy", "tại thôn {village}", "trấn áp tội phạm", "tự quản về an ninh trật tự",
                    "về lừa đảo qua mạng", "thu hồi vũ khí", "về tín dụng đen", "về đuối nước trẻ em",
                    "vi phạm nồng độ cồn", "an ninh nông thôn"]),
        "domain": _n(["bảo đảm an ninh trật tự", "phòng chống tội phạm", "quản lý cư trú", "an toàn giao thông",
                      "phòng cháy chữa cháy", "phong trào toàn dân bảo vệ an ninh Tổ quốc", "triển khai Đề án 06",
                      "phòng chống ma túy", "quản lý vũ khí, vật liệu nổ", "phòng chống lừa đảo trên không gian mạng"]),
        "result": _n(["giải quyết {n} vụ việc", "thu hồi {n} vũ khí thô sơ", "kích hoạt {n} tài khoản định danh điện tử",
                      "kéo giảm {pct}% số vụ phạm pháp hình sự", "không để xảy ra điểm nóng",
                      "được Giám đốc Công an tỉnh tặng giấy khen", "lập biên bản {n} trường hợp vi phạm",
                      "bắt giữ {n} đối tượng"]),
        "person": _n(["người dân", "đồng đội", "lực lượng bảo vệ dân phố", "các thôn", "trưởng thôn {village}",
                      "nhà trường", "chủ cơ sở kinh doanh"]),
        "weak": _n(["công tác nắm tình hình địa bàn", "việc lập hồ sơ vụ việc", "việc cập nhật dữ liệu dân cư",
                    "công tác tuyên truyền pháp luật", "việc kiểm tra cư trú", "việc phối hợp với các ban ngành",
                    "việc quản lý đối tượng", "việc viết báo cáo"]),
        "subject": _n(["cư trú", "giao thông", "hình sự", "ma túy", "phòng cháy"]),
    },
}

VERBS = _n(["chủ trì", "tham mưu", "thực hiện", "tổ chức", "phối hợp triển khai", "hoàn thành", "xây dựng",
            "rà soát", "hướng dẫn", "theo dõi", "kiểm tra", "cập nhật", "biên soạn", "trực tiếp thực hiện",
            "đề xuất", "triển khai", "bổ sung", "hoàn thiện", "tiếp nhận", "giải quyết", "thẩm định", "lập"])
MANNER = _n(["đúng tiến độ", "kịp thời", "bảo đảm chất lượng", "đúng quy định", "có hiệu quả", "theo đúng kế hoạch",
             "trước thời hạn", "đầy đủ, chính xác", "chặt chẽ", "khoa học", "đúng quy trình", "công khai, minh bạch"])
TIMES = _n(["trong năm", "trong 6 tháng đầu năm", "trong quý {q}", "từ tháng {m} đến tháng {m2}",
            "trong đợt cao điểm", "ngay từ đầu năm", "trong tháng {m}", "từ đầu năm {year}", "trong dịp Tết",
            "trong mùa mưa bão", "cuối năm {year}"])
DEADLINES = _n(["trong quý {q} năm {y1}", "trước ngày {day}/{m}/{y1}", "trong 6 tháng đầu năm {y1}",
                "hoàn thành trước tháng {m} năm {y1}", "trong năm {y1}", "chậm nhất đến hết quý {q} năm {y1}",
                "từ tháng {m} năm {y1}", "định kỳ hằng tháng", "trước kỳ sơ kết 6 tháng năm {y1}",
                "trước ngày {day} tháng {m} năm {y1}"])
OPENERS = _n(["Trong năm {year}", "Từ tháng {m} đến tháng {m2}", "Thực hiện sự phân công của {boss}",
              "Theo kế hoạch của {unit}", "Ngay từ đầu năm", "Với vai trò là {job}", "Bám sát chỉ đạo của cấp ủy",
              "Qua {n} tháng triển khai", "Trong quý {q}", "Được sự quan tâm của {boss}", "Bên cạnh đó",
              "Ngoài nhiệm vụ chuyên môn", "Đặc biệt", "Mặc dù khối lượng công việc lớn"])
BOSS = _n(["chi ủy", "lãnh đạo đơn vị", "đồng chí {fullname}", "thủ trưởng cơ quan", "Ban Thường vụ",
           "cấp ủy", "tập thể lãnh đạo"])
GOALS = _n(["nâng cao chất lượng {domain}", "rút ngắn thời gian xử lý {object}", "tạo chuyển biến trong {domain}",
            "đáp ứng yêu cầu của {person}", "góp phần hoàn thành chỉ tiêu của {unit}", "phục vụ tốt hơn cho {person}",
            "hạn chế sai sót trong {object}", "giảm áp lực cho {person}"])
PLACE2 = _n(["tại thôn {village}", "ở khu phố {n}", "tại {unit}", "ở điểm {village}", "trên địa bàn xã {place2}"])
SMALL = _n(["0,5", "1,2", "0,8", "1,5", "2"])
LEVEL = _n(["huyện", "tỉnh", "trường", "cơ sở", "thành phố", "quốc gia"])

STOCK: dict[str, tuple[str, ...]] = {
    "ideology": _n([
        "Luôn trung thành với chủ nghĩa Mác-Lênin, tư tưởng Hồ Chí Minh.",
        "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước.",
        "Có lập trường, quan điểm, bản lĩnh chính trị vững vàng, không dao động trước những khó khăn, thách thức.",
        "Tuyệt đối trung thành với lợi ích của Đảng, của quốc gia, dân tộc và nhân dân.",
        "Không có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hóa\".",
        "Kiên định mục tiêu độc lập dân tộc gắn liền với chủ nghĩa xã hội.",
        "Thường xuyên học tập, nghiên cứu, quán triệt các nghị quyết, chỉ thị của Đảng.",
        "Tích cực đấu tranh phản bác các quan điểm sai trái, thù địch trên không gian mạng.",
        "Đặt lợi ích của tập thể lên trên lợi ích cá nhân.",
        "Có ý thức bảo vệ nền tảng tư tưởng của Đảng.",
        "Luôn giữ vững niềm tin vào sự lãnh đạo của Đảng và công cuộc đổi mới đất nước.",
        "Tham gia đầy đủ các buổi học tập, quán triệt nghị quyết do cấp ủy tổ chức.",
        "Không nghe, không đọc, không tán phát các thông tin, tài liệu có nội dung xấu, độc.",
        "Nhận thức đúng đắn về âm mưu \"diễn biến hòa bình\" của các thế lực thù địch.",
        "Luôn thực hiện tốt nguyên tắc tập trung dân chủ, tự phê bình và phê bình.",
        "Gương mẫu chấp hành và vận động gia đình chấp hành tốt chủ trương của Đảng, pháp luật của Nhà nước.",
        "Có tinh thần yêu nước, tự hào dân tộc, tin tưởng vào con đường đi lên chủ nghĩa xã hội.",
        "Chủ động nắm bắt tình hình tư tưởng trong cơ quan và báo cáo kịp thời với chi bộ.",
        "Luôn nêu cao tinh thần cảnh giác cách mạng.",
        "Tích cực học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
        "Quán triệt và thực hiện nghiêm các quy định về những điều đảng viên không được làm.",
        "Luôn tin tưởng tuyệt đối vào sự lãnh đạo của Đảng.",
    ]),
    "ethics": _n([
        "Có phẩm chất đạo đức trong sáng, lối sống giản dị, lành mạnh.",
        "Thực hành cần, kiệm, liêm, chính, chí công vô tư.",
        "Không tham ô, tham nhũng, lãng phí, không vụ lợi.",
        "Trung thực, thẳng thắn, khiêm tốn, có tinh thần cầu thị.",
        "Không có biểu hiện cá nhân chủ nghĩa, cơ hội, thực dụng.",
        "Luôn giữ gìn phẩm chất đạo đức của người đảng viên.",
        "Có ý thức đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí.",
        "Không lợi dụng chức vụ, quyền hạn để mưu lợi cá nhân.",
        "Luôn đoàn kết, thương yêu, giúp đỡ đồng chí, đồng nghiệp.",
        "Có trách nhiệm với công việc, với gia đình và xã hội.",
        "Thực hiện nghiêm túc Quy định về trách nhiệm nêu gương của cán bộ, đảng viên.",
        "Không vi phạm những điều đảng viên không được làm.",
    ]),
    "lifestyle": _n([
        "Có lối sống giản dị, lành mạnh, gần gũi với quần chúng nhân dân.",
        "Gia đình hòa thuận, hạnh phúc, được công nhận gia đình văn hóa.",
        "Giữ mối quan hệ tốt với nhân dân nơi cư trú.",
        "Chấp hành tốt quy định về việc đảng viên giữ mối liên hệ với chi ủy, đảng ủy nơi cư trú.",
        "Không tham gia các tệ nạn xã hội, không mê tín dị đoan.",
        "Tích cực tham gia các hoạt động từ thiện, nhân đạo tại địa phương.",
        "Thực hiện nếp sống văn minh trong việc cưới, việc tang và lễ hội.",
        "Quan hệ với đồng chí, đồng nghiệp chân thành, cởi mở.",
        "Luôn khiêm tốn, học hỏi, lắng nghe ý kiến góp ý của đồng nghiệp.",
        "Giáo dục con cái chăm ngoan, học tập tốt.",
    ]),
    "discipline": _n([
        "Chấp hành nghiêm sự phân công của tổ chức.",
        "Thực hiện đúng nguyên tắc tập trung dân chủ, tự phê bình và phê bình.",
        "Chấp hành nghiêm quy chế làm việc, nội quy, quy định của cơ quan.",
        "Sinh hoạt đảng đầy đủ, đóng đảng phí đúng quy định.",
        "Giữ gìn sự đoàn kết thống nhất trong nội bộ.",
        "Thực hiện nghiêm chế độ báo cáo, thỉnh thị theo quy định.",
        "Không vi phạm kỷ luật đảng và pháp luật của Nhà nước.",
        "Có ý thức tổ chức kỷ luật cao, chấp hành tốt quy chế dân chủ ở cơ sở.",
        "Kê khai tài sản, thu nhập trung thực, đúng thời hạn.",
        "Giữ gìn bí mật của Đảng, bí mật nhà nước.",
        "Thực hiện nghiêm giờ giấc làm việc theo quy định.",
        "Tự giác nhận và hoàn thành nhiệm vụ được giao.",
    ]),
    "working_style": _n([
        "Có tác phong làm việc khoa học, dân chủ, sâu sát.",
        "Luôn tôn trọng tập thể, lắng nghe ý kiến của đồng nghiệp.",
        "Phong cách làm việc khoa học, có trách nhiệm, đúng giờ.",
        "Có tinh thần phối hợp tốt với đồng nghiệp trong công việc.",
        "Gần gũi, hòa nhã với đồng nghiệp và nhân dân.",
        "Tác phong làm việc nghiêm túc, cẩn thận, đúng quy trình.",
        "Xây dựng kế hoạch công tác cụ thể theo tuần, tháng.",
        "Làm việc có kế hoạch, có kiểm tra, đôn đốc.",
    ]),
    "commitment": _n([
        "Thực hiện tốt bản cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm.",
        "Đã thực hiện đầy đủ các nội dung đã đăng ký trong bản cam kết.",
        "Hoàn thành các chỉ tiêu đã đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
        "Thực hiện nghiêm túc cam kết rèn luyện đạo đức, lối sống.",
    ]),
    "task_results": _n([
        "Hoàn thành tốt các nhiệm vụ được giao.",
        "Luôn chủ động, tích cực trong thực hiện nhiệm vụ được giao.",
        "Phối hợp tốt với các bộ phận liên quan trong thực hiện nhiệm vụ.",
        "Thực hiện đúng chức trách, nhiệm vụ được giao.",
    ]),
    "limitations": _n([
        "Đôi khi còn nóng nảy trong giải quyết công việc.",
        "Chưa mạnh dạn trong tự phê bình và phê bình.",
        "Việc nghiên cứu, học tập các văn bản mới có lúc chưa kịp thời.",
        "Có lúc còn nể nang, ngại va chạm.",
        "Tinh thần tự học, tự bồi dưỡng chưa thường xuyên.",
        "Khả năng ứng dụng công nghệ thông tin còn hạn chế.",
        "Việc sắp xếp thời gian giữa công tác chuyên môn và công tác đoàn thể chưa hợp lý.",
        "Đôi lúc chưa chủ động trong công việc.",
    ]),
    "causes": _n([
        "Nguyên nhân chủ quan là do bản thân chưa dành nhiều thời gian cho việc tự học, tự nghiên cứu.",
        "Nguyên nhân khách quan là do khối lượng công việc nhiều.",
        "Do bản thân chưa thực sự quyết liệt.",
        "Nguyên nhân khách quan là do văn bản hướng dẫn thay đổi nhiều.",
        "Do tính chất công việc phải kiêm nhiệm nhiều nhiệm vụ.",
        "Bản thân còn chủ quan, chưa thường xuyên tự kiểm tra.",
    ]),
    "prior_remediation": _n([
        "Những hạn chế được chỉ ra ở kỳ kiểm điểm trước đã được khắc phục cơ bản.",
        "Bản thân đã nghiêm túc xây dựng kế hoạch khắc phục những hạn chế đã được chỉ ra.",
        "Các hạn chế, khuyết điểm năm trước đã được khắc phục.",
    ]),
    "remedies": _n([
        "Tiếp tục học tập, nâng cao trình độ chuyên môn, nghiệp vụ.",
        "Mạnh dạn hơn nữa trong tự phê bình và phê bình.",
        "Thường xuyên tu dưỡng, rèn luyện phẩm chất đạo đức, lối sống.",
        "Sắp xếp thời gian hợp lý để hoàn thành tốt nhiệm vụ được giao.",
        "Tiếp tục học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
        "Chấp hành nghiêm sự phân công của tổ chức.",
        "Phát huy những ưu điểm đã đạt được, khắc phục những hạn chế, khuyết điểm.",
        "Tăng cường ứng dụng công nghệ thông tin trong công việc.",
    ]),
}

LEADER_STOCK = {
    "leadership": _n(["Luôn giữ gìn đoàn kết nội bộ, phát huy sức mạnh tập thể.",
                      "Thực hiện tốt nguyên tắc tập thể lãnh đạo, cá nhân phụ trách.",
                      "Lãnh đạo đơn vị hoàn thành tốt các chỉ tiêu được giao."]),
    "innovation": _n(["Dám nghĩ, dám làm, dám chịu trách nhiệm.",
                      "Chủ động đề xuất giải pháp tháo gỡ khó khăn, vướng mắc."]),
    "exemplary": _n(["Thực hiện tốt trách nhiệm nêu gương của bản thân và gia đình.",
                     "Kiên quyết đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí.",
                     "Được cán bộ, đảng viên tín nhiệm."]),
}

HEADINGS = {
    "I": "I. Ưu điểm, kết quả đạt được",
    "I.1": "1. Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
    "ideology": "a) Về tư tưởng chính trị",
    "ethics": "b) Về phẩm chất đạo đức",
    "lifestyle": "c) Về lối sống",
    "discipline": "d) Về ý thức tổ chức kỷ luật",
    "working_style": "đ) Về tác phong, lề lối làm việc",
    "task_results": "2. Về thực hiện chức trách, nhiệm vụ được giao",
    "leadership": "3. Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; khả năng quy tụ, xây dựng đoàn kết nội bộ",
    "innovation": "4. Trách nhiệm trong công việc; tinh thần năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm",
    "exemplary": "5. Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí",
    "commitment": "{n}. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
    "II": "II. Hạn chế, khuyết điểm và nguyên nhân",
    "limitations": "1. Hạn chế, khuyết điểm",
    "causes": "2. Nguyên nhân của hạn chế, khuyết điểm",
    "prior_remediation": "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở các kỳ kiểm điểm trước",
    "suggested_issues": "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "collective_responsibility": "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
    "remedies": "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "self_rating": "VII. Tự nhận mức xếp loại chất lượng",
}
HEADINGS = {k: normalize(v) for k, v in HEADINGS.items()}
RATINGS = _n(["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"])
LEVELS = _n(["Xuất sắc", "Tốt", "Trung bình"])


def form_text() -> list[str]:
    """The wording every report shares because the form prescribes it (boilerplate for ``fit``)."""
    out = [
        "ĐẢNG CỘNG SẢN VIỆT NAM", "BẢN KIỂM ĐIỂM CÁ NHÂN", "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)",
        "(Cá nhân giữ chức vụ lãnh đạo, quản lý)", "Chức vụ Đảng: Đảng viên", "NGƯỜI TỰ KIỂM ĐIỂM",
        "(Ký, ghi rõ họ tên)", "Không có.",
    ]
    for k, h in HEADINGS.items():
        if k == "commitment":
            out += [h.format(n=3), h.format(n=6)]
        else:
            out.append(h)
    out += [f"Tự đánh giá về cấp độ thực hiện: {lv}." for lv in LEVELS]
    out += [f"1. Xếp loại cán bộ, công chức, viên chức: {r}." for r in RATINGS]
    out += [f"2. Xếp loại đảng viên: {r}." for r in RATINGS]
    return [normalize(x) for x in out]


# --------------------------------------------------------------------------- personal sentence templates

T = {
    "ideology": _n([
        "Tham gia đầy đủ {n} buổi học tập, quán triệt {res}[, viết bài thu hoạch đạt loại {grade}|, liên hệ với {domain}|]",
        "Chủ động tìm hiểu {res} để vận dụng vào {domain}[?, nhất là {weakl}]",
        "[{opener}, b|B]ản thân đã đăng ký và hoàn thành {n} nội dung học tập {res}",
        "Tích cực chia sẻ [các bài viết|tin bài|thông tin chính thống] về {domain} trên [trang thông tin của {unit}|nhóm Zalo của chi bộ|trang cá nhân]",
        "Thường xuyên trao đổi với {person} về {domain}[, kịp thời định hướng khi có thông tin trái chiều|, giải thích để {person} hiểu đúng chủ trương]",
        "Tham gia cuộc thi tìm hiểu về {res} do {unit} phát động[, đạt giải {grade2}|]",
        "Trong sinh hoạt chi bộ tháng {m}, đã phát biểu [ý kiến|tham luận] về việc vận dụng {res} vào {domain}",
        "Viết {n} bài [đấu tranh phản bác quan điểm sai trái|tuyên truyền] đăng trên [trang thông tin của huyện|bản tin {unit}]",
    ]),
    "ethics": _n([
        "Luôn giúp đỡ {person} trong {domain}[, nhất là những lúc khó khăn|, nhất là {nameref}|]",
        "Không nhận quà biếu của {person} [dưới bất kỳ hình thức nào|khi giải quyết {object}]",
        "[{opener}, đ|Đ]ã vận động {person} ủng hộ {n} triệu đồng cho [quỹ vì người nghèo|đồng bào bị lũ lụt|học sinh có hoàn cảnh khó khăn]",
        "Công khai, minh bạch trong {domain}, không để {person} phải [chờ đợi|đi lại nhiều lần]",
        "Thẳng thắn góp ý với {person} về những thiếu sót trong {object}",
        "Tham gia [thăm hỏi|hỗ trợ] gia đình {nameref} [khi gặp hoạn nạn|lúc ốm đau] [tại thôn {village}|]",
        "Từ chối [phong bì|quà] của {person} khi [thực hiện|giải quyết] {object} và báo cáo với {boss}",
    ]),
    "lifestyle": _n([
        "Tại khu dân cư thôn {village}, bản thân tham gia đầy đủ các buổi sinh hoạt và vận động bà con {civic}",
        "Gia đình {n} năm liền được công nhận gia đình văn hóa [tại thôn {village}|ở tổ dân phố {n}]",
        "Tham gia [hiến {n} ngày công|đóng góp {n} triệu đồng] làm đường giao thông [ở thôn {village}|nông thôn]",
        "Tích cực vận động người thân {civic}[, nhất là {nameref}|]",
        "Nhận đỡ đầu {n} học sinh có hoàn cảnh khó khăn ở thôn {village}",
        "Là [tổ trưởng tổ tự quản|thành viên ban công tác mặt trận] ở thôn {village}, bản thân đã vận động {n} hộ {civic}",
    ]),
    "discipline": _n([
        "Tham gia {n}/{n12} buổi sinh hoạt chi bộ[, vắng {small2} buổi có lý do|, không vắng mặt không có lý do]",
        "Thực hiện đúng quy định về {domain}, không để xảy ra [sai sót|vi phạm]",
        "Chấp hành nghiêm sự phân công tham gia {object} của {unit}",
        "Hoàn thành việc kê khai tài sản, thu nhập năm {year} trước ngày {day}/{m}",
        "[Chấp hành|Thực hiện] nghiêm quy định [giờ giấc|về văn hóa công sở] của {unit}[, không [đi muộn|về sớm] buổi nào|]",
        "Báo cáo trung thực với {boss} về [tiến độ|kết quả] {object}",
    ]),
    "working_style": _n([
        "Xây dựng lịch công tác hằng tuần để theo dõi {object}, báo cáo kịp thời với {boss}",
        "Khi giải quyết {object}, luôn lắng nghe ý kiến của {person}",
        "Chủ động phối hợp với {person} trong {domain}[, {goal}|]",
        "Sử dụng thành thạo phần mềm [quản lý|theo dõi] {domain}, giảm thời gian xử lý {object}",
        "Lập sổ theo dõi {object} [theo tháng|theo tuần], không để tồn đọng",
        "Thường xuyên [xuống cơ sở|đến thôn {village}|gặp gỡ {person}] để nắm tình hình {domain}",
    ]),
    "task_results": _n([
        "[{opener}, |]{verb} {n} {object}[ {place}|] về {domain}, {result}",
        "{time}, {verb} {object} về {domain} {manner}[, {goal}|]",
        "Được phân công phụ trách {domain}, bản thân đã {verb} {n} {object}, {result}",
        "Phối hợp với {person} {verb} {n} {object}[ {place}|], {result}",
        "{time}, trực tiếp {verb} {object} phục vụ {domain}, {result}",
        "Kết quả {domain} năm {year}: {result}[, {result}|]",
        "Tham gia {n} [đợt|buổi] {object} do {unit} tổ chức, {result}",
        "Hoàn thành {pct}% khối lượng {object} được giao về {domain} {manner}",
        "Đề xuất [sáng kiến|giải pháp] về {domain}[ trong {object}|], được {unit} áp dụng từ tháng {m}/{year}",
        "{verb} {object} cho {n} {person}[ {place}|], {manner}",
        "[{opener}, |]{nameref} và bản thân [cùng|đã] {verb} {object}, {result}",
        "Riêng [mảng|lĩnh vực] {domain}, [đã|bản thân đã] {verb} {n} {object}[, trong đó có {n} {object}|][, {goal}|]",
        "Trực tiếp hướng dẫn {nameref} {verb} {object}[ {place}|], {manner}",
        "Tham gia [đoàn|tổ] công tác [của {unit}|liên ngành] {verb} {n} {object} {place}",
    ]),
    "commitment": _n([
        "Đã hoàn thành {n}/{n2} nội dung đăng ký trong bản cam kết năm {year}, trong đó có {object}",
        "Thực hiện việc làm theo gương Bác bằng [việc|sản phẩm] cụ thể là {object} về {domain}",
        "Nội dung cam kết về {domain} đã hoàn thành trong tháng {m}/{year}[, {result}|]",
        "Nội dung cam kết [tự học|rèn luyện] về {weakl} [mới hoàn thành một phần|đã hoàn thành]",
    ]),
    "leadership": _n([
        "Lãnh đạo {unit} hoàn thành {n}/{n2} chỉ tiêu năm {year}, {result}",
        "Chỉ đạo rà soát {n} {object}, kịp thời tháo gỡ vướng mắc về {domain}",
        "Tổ chức {n} cuộc họp giao ban để đánh giá tiến độ {domain}[, {goal}|]",
        "Phân công {nameref} phụ trách {domain}, theo dõi [hằng tuần|hằng tháng] kết quả {object}",
    ]),
    "innovation": _n([
        "Mạnh dạn đề xuất đổi mới quy trình {domain}, rút ngắn thời gian xử lý {object} còn {n} ngày",
        "Trực tiếp xử lý {n} vụ việc phức tạp về {domain}[ {place}|]",
        "Đề xuất [thí điểm|áp dụng] {object} về {domain}, {result}",
    ]),
    "exemplary": _n([
        "Vợ (chồng), con chấp hành tốt pháp luật, không lợi dụng vị trí công tác của bản thân trong {domain}",
        "Kê khai tài sản trung thực, công khai tại {unit} năm {year}",
        "Gương mẫu [đi đầu|tiên phong] trong {domain}, {result}",
    ]),
    "limitations": _n([
        "{weak} có lúc còn chậm, chưa đáp ứng yêu cầu của {domain}[, nhất là {object}|]",
        "[{opener}, |]{weakl} chưa được thực hiện thường xuyên, còn {n} {object} hoàn thành chậm so với kế hoạch",
        "Việc phối hợp với {person} trong {domain} [đôi lúc|có thời điểm] chưa chặt chẽ[, dẫn đến {object} phải làm lại|]",
        "{weak} còn hạn chế, chất lượng {object} chưa cao",
        "Chưa dành nhiều thời gian nghiên cứu {res}, nên việc vận dụng vào {domain} chưa sâu",
        "Còn {n} {object} phải chỉnh sửa, bổ sung do chưa kiểm tra kỹ trước khi trình",
        "Tiến độ {object} về {domain} trong quý {q} còn chậm so với yêu cầu [của {boss}|]",
        "[Trong tháng {m}, đ|Đ]ể xảy ra {small2} [sai sót|trường hợp chậm trễ] trong {object}[, bị {boss} nhắc nhở|]",
        "Kỹ năng [sử dụng phần mềm|trình bày văn bản|giao tiếp với {person}] còn hạn chế[, ảnh hưởng đến {domain}|]",
        "Chưa [mạnh dạn|kiên quyết] [góp ý|đề xuất] với {boss} về những bất cập trong {domain}",
    ]),
    "causes": _n([
        "Nguyên nhân chủ quan: bản thân chưa chủ động sắp xếp thời gian cho {weak2}[, còn ỷ lại vào {person}|]",
        "Nguyên nhân khách quan: {domain} là lĩnh vực [mới|phức tạp], văn bản hướng dẫn ban hành chậm",
        "Do bản thân còn ngại khó trong {weak2}, chưa mạnh dạn đề xuất với {boss}",
        "Khối lượng {object} tăng {pct}% so với năm {year0} trong khi [biên chế|nhân lực] không tăng",
        "Bản thân chưa thật sự quyết liệt trong {weak2}, còn trông chờ vào {person}",
        "Một phần do [sức khỏe không tốt|hoàn cảnh gia đình khó khăn|phải kiêm nhiệm {domain}] trong [quý {q}|{n} tháng]",
        "Do chưa [nắm chắc|cập nhật kịp] quy định mới về {domain}[, nhất là {object}|]",
    ]),
    "prior_remediation": _n([
        "Hạn chế về {weak2} được chỉ ra tại kỳ kiểm điểm năm {year0} đã được khắc phục {level2}",
        "Đối với hạn chế trong {domain}, bản thân đã tham gia {n} lớp bồi dưỡng và {verb} {object}",
        "Việc {weak2} đã có chuyển biến, số {object} [trễ hạn|phải làm lại] giảm còn {n}",
        "[Theo kết luận của {boss}|Theo góp ý của chi bộ] năm {year0}, bản thân đã [khắc phục|sửa chữa] {weakl}[, {result}|]",
    ]),
    "suggested_issues": _n(["Không có vấn đề được gợi ý kiểm điểm.", "Không có."]),
    "collective_responsibility": _n([
        "Là thành viên của {unit}, bản thân chịu trách nhiệm một phần đối với hạn chế trong {domain}",
        "Không có.",
    ]),
    "remedies": _n([
        "{deadline}, hoàn thành {n} {object} về {domain}",
        "Đăng ký tham gia lớp bồi dưỡng về {domain} {deadline}[, {goal}|]",
        "Chủ động phối hợp với {person} để khắc phục hạn chế trong {weak2}, hoàn thành {deadline}",
        "Xây dựng kế hoạch tự học về {domain}, mỗi tháng ít nhất {n} buổi, bắt đầu {deadline}",
        "Rà soát toàn bộ {object} còn tồn đọng, xử lý dứt điểm {deadline}",
        "Kiểm tra kỹ {object} trước khi trình, phấn đấu không có [hồ sơ|văn bản] phải chỉnh sửa {deadline}",
        "Đề nghị {boss} tạo điều kiện để bản thân học tập về {domain} {deadline}",
        "Lập sổ theo dõi {object}[ {place}|], báo cáo {boss} {deadline}",
        "Nhờ {nameref} hướng dẫn thêm về {weak2}[, {goal}|], phấn đấu {deadline} thành thạo",
        "Dành [{n} buổi mỗi tuần|thời gian buổi tối] để nghiên cứu {res}, viết thu hoạch {deadline}",
    ]),
}

VILLAGES = _n(["Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Phú Lợi", "An Hòa", "Tân Thành", "Vĩnh Hưng",
               "Hòa Lạc", "Phước Lộc", "Bình An", "Thanh Xuân", "Mỹ Hòa", "Đồng Tâm", "Lạc Thiện", "Khánh Vân",
               "Hưng Long", "Cổ Loa", "Tiên Lữ", "Nà Hang", "Bản Phố", "Kinh Nam", "Xuân Dương", "Đá Bạc", "Gò Sỏi"])
CIVIC = _n(["thực hiện nếp sống văn minh", "giữ gìn vệ sinh môi trường", "tham gia bảo hiểm y tế",
            "chấp hành luật giao thông", "phân loại rác tại nguồn", "đóng góp xây dựng nhà văn hóa",
            "không đốt rơm rạ", "tham gia phong trào an ninh trật tự", "cho con đi học đúng độ tuổi",
            "tiêm chủng đầy đủ cho trẻ", "không thả rông gia súc", "lắp camera an ninh", "trồng cây xanh ven đường"])
LEVEL2 = _n(["cơ bản", "một phần", "dứt điểm", "tương đối tốt", "nhưng chưa triệt để"])
GRADE2 = _n(["nhất", "nhì", "ba", "khuyến khích"])


def _fill(rng: random.Random, tpl: str, prof: dict, member: Member, year: int, *, top: bool = True) -> str:
    def val(name: str) -> str:
        if name == "n":
            return str(rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 18, 20, 24, 25, 30, 35, 40, 45, 50,
                                   60, 75, 80, 120, 150, 200, 320]))
        if name in ("n2", "n12"):
            return str(rng.choice([10, 12, 15, 20]))
        if name == "small2":
            return rng.choice(["1", "2", "3"])
        if name == "small":
            return rng.choice(SMALL)
        if name == "pct":
            return str(rng.choice([75, 80, 85, 88, 90, 92, 94, 95, 96, 97, 98, 99, 100]))
        if name == "year":
            return str(year)
        if name == "year0":
            return str(year - 1)
        if name == "y1":
            return str(year + 1)
        if name in ("m", "m2"):
            return str(rng.randint(1, 12))
        if name == "day":
            return str(rng.randint(1, 28))
        if name == "q":
            return rng.choice(["I", "II", "III", "IV"])
        if name == "res":
            return rng.choice(RESOLUTIONS)
        if name == "grade":
            return rng.choice(GRADES)
        if name == "grade2":
            return rng.choice(GRADE2)
        if name == "level":
            return rng.choice(LEVEL)
        if name == "unit":
            return member.unit
        if name == "job":
            return rng.choice(prof["job"])
        if name == "village":
            return rng.choice(VILLAGES)
        if name == "place2":
            return rng.choice(PLACES)
        if name == "civic":
            return rng.choice(CIVIC)
        if name == "level2":
            return rng.choice(LEVEL2)
        if name == "verb":
            return rng.choice(VERBS)
        if name == "manner":
            return rng.choice(MANNER)
        if name == "time":
            return rng.choice(TIMES)
        if name == "opener":
            return rng.choice(OPENERS)
        if name == "boss":
            return rng.choice(BOSS)
        if name == "goal":
            return rng.choice(GOALS)
        if name == "place":
            return rng.choice(PLACE2)
        if name == "deadline":
            return rng.choice(DEADLINES)
        if name == "weak":
            return rng.choice(prof["weak"])
        if name == "weakl":
            return rng.choice(prof["weak"])
        if name == "weak2":
            w = rng.choice(prof["weak"])
            return w[5:] if w.startswith("việc ") else w
        if name == "result":
            return rng.choice(prof["result"])
        if name == "object":
            return f"{rng.choice(prof['ohead'])} {rng.choice(prof['omod'])}"
        if name in ("domain", "person", "subject"):
            return rng.choice(prof[name])
        if name == "cls":
            return f"{rng.randint(1, 12)}{rng.choice('ABCDE')}"
        if name == "grade_no":
            return str(rng.randint(1, 12))
        if name == "given":
            return rng.choice(GIVEN)
        if name == "fullname":
            return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name == "nameref":
            return rng.choice(["đồng chí", "anh", "chị", "đồng nghiệp"]) + f" {rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        raise KeyError(name)

    out = tpl
    for _ in range(6):  # resolve [a|b], [?x] and {slot} until nothing is left (slots may hold more)
        prev = out
        while True:
            m = _ALT_RE.search(out)
            if not m:
                break
            body = m.group(1)
            if body.startswith("?"):
                rep = body[1:] if rng.random() < 0.5 else ""
            else:
                rep = rng.choice(body.split("|"))
            out = out[:m.start()] + rep + out[m.end():]
        out = re.sub(r"\{(\w+)\}", lambda m: val(m.group(1)), out)
        if out == prev:
            break
    out = re.sub(r"\s+", " ", out).strip()
    if not top:
        return out
    out = out[0].upper() + out[1:]
    if not out.endswith("."):
        out += "."
    return out


_ALT_RE = re.compile(r"\[([^\[\]]*)\]")


def _zipf_pick(rng: random.Random, pool: tuple[str, ...], k: int, skew: float = 1.0) -> list[str]:
    weights = [1.0 / (i + 1) ** skew for i in range(len(pool))]
    chosen: list[str] = []
    idx = list(range(len(pool)))
    k = min(k, len(pool))
    while len(chosen) < k:
        i = rng.choices(idx, weights=weights)[0]
        if pool[i] not in chosen:
            chosen.append(pool[i])
    return chosen


# sentences per section (personal, stock) for a member report
PLAN = {
    "ideology": ((2, 3), (3, 5)),
    "ethics": ((1, 2), (2, 4)),
    "lifestyle": ((1, 2), (2, 3)),
    "discipline": ((1, 2), (2, 4)),
    "working_style": ((1, 2), (1, 3)),
    "task_results": ((12, 16), (0, 1)),
    "leadership": ((3, 5), (1, 2)),
    "innovation": ((2, 3), (1, 1)),
    "exemplary": ((2, 3), (1, 2)),
    "commitment": ((1, 2), (1, 2)),
    "limitations": ((4, 6), (1, 2)),
    "causes": ((3, 4), (1, 2)),
    "prior_remediation": ((2, 3), (0, 1)),
    "remedies": ((5, 7), (1, 3)),
}


def make_member(rng: random.Random, idx: int, *, profession: str | None = None, leader_rate: float = 0.2) -> Member:
    prof_name = profession or rng.choice(sorted(PROFESSIONS))
    prof = PROFESSIONS[prof_name]
    place = rng.choice(PLACES)
    unit = rng.choice(prof["unit"]).format(place=place)
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    birth = f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1965, 1998)}"
    return Member(id=f"m{idx:06d}", name=name, profession=prof_name, unit=unit, place=place,
                  leader=rng.random() < leader_rate, birth=birth)


def _section_sentences(rng, sec, prof, member, year, stock_choice):
    (plo, phi), _ = PLAN[sec]
    k = rng.randint(plo, phi)
    tpls: list[str] = []
    while len(tpls) < k:  # templates without replacement, cycling through the pool
        pool = list(T[sec])
        rng.shuffle(pool)
        tpls += pool
    personal = [_fill(rng, t, prof, member, year) for t in tpls[:k]]
    sents = list(stock_choice.get(sec, [])) + personal
    if sec in ("task_results", "limitations", "causes", "remedies", "prior_remediation", "leadership"):
        rng.shuffle(sents)
    return sents


def _group(rng: random.Random, sents: list[str]) -> list[str]:
    """Join sentences into paragraphs of 1-4 sentences."""
    out, i = [], 0
    while i < len(sents):
        k = rng.randint(1, 4)
        out.append(" ".join(sents[i:i + k]))
        i += k
    return out


def _stock_choice(rng: random.Random, member: Member) -> dict[str, list[str]]:
    ch = {}
    for sec, (_, (slo, shi)) in PLAN.items():
        pool = STOCK.get(sec) or LEADER_STOCK.get(sec)
        if not pool:
            continue
        ch[sec] = _zipf_pick(rng, pool, rng.randint(slo, shi))
    return ch


def make_report(rng: random.Random, member: Member, year: int,
                stock_choice: dict[str, list[str]] | None = None) -> Report:
    """One report of ``member`` for ``year`` (~1,400-1,700 syllables)."""
    prof = PROFESSIONS[member.profession]
    stock_choice = stock_choice if stock_choice is not None else _stock_choice(rng, member)
    P: list[tuple[str, str | None]] = []
    add = P.append
    cb = f"CHI BỘ {member.unit.upper()}"
    add((normalize(f"ĐẢNG BỘ {member.place.upper()}"), "header"))
    add((normalize(cb), "header"))
    add(("ĐẢNG CỘNG SẢN VIỆT NAM", "header"))
    add((normalize(f"{member.place}, ngày {rng.randint(1, 28)} tháng 12 năm {year}"), "header"))
    add(("BẢN KIỂM ĐIỂM CÁ NHÂN", "header"))
    add((f"Năm {year}", "header"))
    add((normalize("(Cá nhân giữ chức vụ lãnh đạo, quản lý)" if member.leader
                   else "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)"), "header"))
    add((normalize(f"Họ và tên: {member.name}. Ngày sinh: {member.birth}."), "header"))
    add((normalize("Chức vụ Đảng: Đảng viên"), "header"))
    add((normalize(f"Chức vụ chính quyền: {rng.choice(prof['job'])}."), "header"))
    add((normalize(f"Đơn vị công tác: {member.unit}."), "header"))
    add((HEADINGS["I"], "ideology"))
    add((HEADINGS["I.1"], "ideology"))
    for sec in ("ideology", "ethics", "lifestyle", "discipline", "working_style"):
        add((HEADINGS[sec], sec))
        for p in _group(rng, _section_sentences(rng, sec, prof, member, year, stock_choice)):
            add((p, sec))
    add((normalize(f"Tự đánh giá về cấp độ thực hiện: {rng.choice(LEVELS[:2])}."), "working_style"))
    order = ["task_results"] + (["leadership", "innovation", "exemplary"] if member.leader else []) + ["commitment"]
    for sec in order:
        h = HEADINGS[sec].format(n=6 if member.leader else 3) if sec == "commitment" else HEADINGS[sec]
        add((h, sec))
        for p in _group(rng, _section_sentences(rng, sec, prof, member, year, stock_choice)):
            add((p, sec))
        if sec != "commitment":
            add((normalize(f"Tự đánh giá về cấp độ thực hiện: {rng.choice(LEVELS[:2])}."), sec))
    add((HEADINGS["II"], "limitations"))
    for sec in ("limitations", "causes"):
        add((HEADINGS[sec], sec))
        for p in _group(rng, _section_sentences(rng, sec, prof, member, year, stock_choice)):
            add((p, sec))
    add((HEADINGS["prior_remediation"], "prior_remediation"))
    for p in _group(rng, _section_sentences(rng, "prior_remediation", prof, member, year, stock_choice)):
        add((p, "prior_remediation"))
    add((normalize(f"Tự đánh giá về cấp độ thực hiện: {rng.choice(LEVELS)}."), "prior_remediation"))
    for sec in ("suggested_issues", "collective_responsibility"):
        add((HEADINGS[sec], sec))
        add((_fill(rng, rng.choice(T[sec]), prof, member, year), sec))
    add((HEADINGS["remedies"], "remedies"))
    for p in _group(rng, _section_sentences(rng, "remedies", prof, member, year, stock_choice)):
        add((p, "remedies"))
    add((HEADINGS["self_rating"], "self_rating"))
    r = rng.choice(RATINGS[:2])
    add((normalize(f"1. Xếp loại cán bộ, công chức, viên chức: {r}."), "self_rating"))
    add((normalize(f"2. Xếp loại đảng viên: {r}."), "self_rating"))
    add(("NGƯỜI TỰ KIỂM ĐIỂM", None))
    add((member.name, None))
    stock = tuple(s for v in stock_choice.values() for s in v)
    return Report(member=member, year=year, paragraphs=tuple(P), stock=stock)


def stock_choice_of(report: Report) -> dict[str, list[str]]:
    """The stock sentences of ``report`` per section (for :func:`rewrite`)."""
    out: dict[str, list[str]] = {}
    stock = set(report.stock)
    for text, sec in report.paragraphs:
        for s in split_sentences(text):
            if s in stock and sec:
                out.setdefault(sec, []).append(s)
    return out


def rewrite(rng: random.Random, report: Report, year: int | None = None, *, same_member: bool = True,
            member: Member | None = None) -> Report:
    """A new report sharing only the stock formulas (and form wording) with ``report``."""
    m = report.member if same_member else (member or report.member)
    return make_report(rng, m, year if year is not None else report.year, stock_choice=stock_choice_of(report))


# --------------------------------------------------------------------------- edits

_SENT_RE = re.compile(r"(?<=[.!?;])\s+")
SYNONYMS = {k: v for k, v in (
    ("thực hiện", "triển khai"), ("kịp thời", "nhanh chóng"), ("hoàn thành", "thực hiện xong"),
    ("chưa", "không"), ("còn", "vẫn còn"), ("tham gia", "dự"), ("bản thân", "tôi"), ("tốt", "hiệu quả"),
    ("chủ động", "tích cực"), ("đúng quy định", "theo quy định"), ("có lúc", "đôi khi"), ("nhiều", "khá nhiều"),
    ("xây dựng", "lập"), ("phối hợp", "kết hợp"), ("kiểm tra", "rà soát lại"), ("trong năm", "năm qua"))}


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENT_RE.split(text) if s]


def _edit_sentence(rng: random.Random, s: str, year: int | None) -> str:
    ops = ["swap", "number", "synonym", "clauses", "insert", "drop", "name"]
    for _ in range(rng.choice([1, 1, 2])):
        op = rng.choice(ops)
        words = s.split()
        if op == "swap" and len(words) > 4:
            i = rng.randrange(1, len(words) - 2)
            words[i], words[i + 1] = words[i + 1], words[i]
            s = " ".join(words)
        elif op == "number" and re.search(r"\d", s):
            nums = list(re.finditer(r"\d+", s))
            m = rng.choice(nums)
            v = int(m.group(0))
            nv = v + 1 if 1990 < v < 2100 else max(1, v + rng.choice([-3, -2, -1, 1, 2, 5]))
            s = s[:m.start()] + str(nv) + s[m.end():]
        elif op == "synonym":
            keys = [k for k in SYNONYMS if k in s]
            if keys:
                k = rng.choice(keys)
                s = s.replace(k, SYNONYMS[k], 1)
        elif op == "clauses" and ", " in s:
            body = s.rstrip(".")
            parts = body.split(", ")
            i = rng.randrange(len(parts) - 1)
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
            body = ", ".join(parts)
            s = body[0].upper() + body[1:] + "."
        elif op == "insert" and len(words) > 3:
            i = rng.randrange(1, len(words))
            words.insert(i, rng.choice(["cơ bản", "thường xuyên", "luôn", "đã", "cũng", "tương đối"]))
            s = " ".join(words)
        elif op == "drop" and len(words) > 6:
            del words[rng.randrange(1, len(words) - 1)]
            s = " ".join(words)
        elif op == "name":
            s = s.rstrip(".") + rng.choice([", theo phân công của đồng chí ", ", cùng đồng chí "]) + \
                f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}."
    return s


def _change_year(text: str, delta: int) -> str:
    return re.sub(r"\b(20[0-4]\d)\b", lambda m: str(int(m.group(1)) + delta), text)


def edit_copy(rng: random.Random, report: Report, frac: float, *, year_delta: int = 1,
              member: Member | None = None, sections: set[str] | None = None) -> Report:
    """A copy of ``report`` (years shifted by ``year_delta``) with ``frac`` of its body sentences edited.

    ``member`` re-labels the copy (a colleague's copy: header name changed).
    ``sections`` limits edits to those sections (default: all body sections).
    """
    m = member or report.member
    out = []
    for text, sec in report.paragraphs:
        text = _change_year(text, year_delta)
        if sec in (None, "header", "self_rating") or (sections is not None and sec not in sections):
            if sec == "header" and member is not None:
                text = text.replace(report.member.name, member.name)
            out.append((text, sec))
            continue
        sents = split_sentences(text)
        sents = [_edit_sentence(rng, s, report.year) if rng.random() < frac else s for s in sents]
        out.append((" ".join(sents), sec))
    if member is not None:
        out = [(t.replace(report.member.name, member.name), s) for t, s in out]
    return replace(report, member=m, year=report.year + year_delta, paragraphs=tuple(out))


def shuffle_copy(rng: random.Random, report: Report, *, year_delta: int = 1) -> Report:
    """A copy whose sentences are shuffled within each section (paragraph breaks redrawn)."""
    secs: dict[str | None, list[int]] = {}
    for i, (_, sec) in enumerate(report.paragraphs):
        secs.setdefault(sec, []).append(i)
    new = list(report.paragraphs)
    for sec, idx in secs.items():
        if sec in (None, "header", "self_rating"):
            continue
        body = [i for i in idx if report.paragraphs[i][0] not in _FORM_SET]
        sents = [s for i in body for s in split_sentences(report.paragraphs[i][0])]
        if len(sents) < 2:
            continue
        rng.shuffle(sents)
        # redistribute over the same paragraphs, keeping paragraph count
        k = len(body)
        chunks = [sents[j * len(sents) // k:(j + 1) * len(sents) // k] for j in range(k)]
        for i, ch in zip(body, chunks):
            new[i] = (" ".join(ch) if ch else sents[0], sec)
    new = [(_change_year(t, year_delta), s) for t, s in new]
    return replace(report, year=report.year + year_delta, paragraphs=tuple(new))


_FORM_SET = set(form_text())


def graft_sections(target: Report, source: Report, sections: set[str], *, rng: random.Random | None = None,
                   frac: float = 0.0) -> Report:
    """``target`` with the body of ``sections`` replaced by ``source``'s (optionally edited by ``frac``)."""
    src = source
    if rng is not None and frac > 0:
        src = edit_copy(rng, source, frac, year_delta=0)
    out: list[tuple[str, str | None]] = []
    done: set[str] = set()
    for text, sec in target.paragraphs:
        if sec in sections and text not in _FORM_SET and not text.startswith("Tự đánh giá"):
            if sec not in done:
                done.add(sec)
                for t2, s2 in src.paragraphs:
                    if s2 == sec and t2 not in _FORM_SET and not t2.startswith("Tự đánh giá"):
                        out.append((_change_year(t2, target.year - source.year), sec))
            continue
        out.append((text, sec))
    return replace(target, paragraphs=tuple(out))


if __name__ == "__main__":  # pragma: no cover - a quick look
    rng = random.Random(1)
    m = make_member(rng, 1)
    r = make_report(rng, m, 2024)
    for t, s in r.paragraphs:
        print(f"[{s}] {t}")
    print("syllables:", r.syllables)
    sizes = [make_report(rng, make_member(rng, i), 2024).syllables for i in range(200)]
    print("mean syllables:", sum(sizes) / len(sizes), min(sizes), max(sizes))
