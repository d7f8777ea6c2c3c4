"""Every sentence the tablet shows, in Vietnamese and English (the citizen's language switch)."""

# score labels per scale, best first in the UI; keys are scores (higher is better)
SCALE_LABELS = {
    3: {3: ("Rất hài lòng", "Very satisfied"), 2: ("Hài lòng", "Satisfied"),
        1: ("Không hài lòng", "Not satisfied")},
    4: {4: ("Rất hài lòng", "Very satisfied"), 3: ("Hài lòng", "Satisfied"),
        2: ("Chưa hài lòng", "Not quite satisfied"), 1: ("Không hài lòng", "Not satisfied")},
    5: {5: ("Rất hài lòng", "Very satisfied"), 4: ("Hài lòng", "Satisfied"),
        3: ("Bình thường", "Neutral"), 2: ("Chưa hài lòng", "Not quite satisfied"),
        1: ("Không hài lòng", "Not satisfied")},
}

DEFAULT_REASONS = {
    "thai_do": ("Thái độ chưa tốt", "Unfriendly attitude"),
    "cho_lau": ("Phải chờ lâu", "Long waiting time"),
    "huong_dan": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "giay_to_ngoai_quy_dinh": ("Yêu cầu giấy tờ ngoài quy định", "Asked for papers not required"),
}

TEXTS = {
    "invite": ("Mời Ông/Bà đánh giá mức độ hài lòng", "Please rate our service"),
    "invite_tap": ("Chạm vào đây để đánh giá", "Tap here to rate"),
    "counter": ("Quầy số {counter}", "Counter {counter}"),
    "no_officer_title": ("Quầy đang tạm nghỉ", "This counter is closed"),
    "question": ("Ông/Bà có hài lòng với việc phục vụ của cán bộ?",
                 "How satisfied are you with this officer's service?"),
    "reasons_title": ("Xin cho biết điều Ông/Bà chưa hài lòng", "Please tell us what went wrong"),
    "reasons_hint": ("Chọn một hoặc nhiều ý (không bắt buộc)", "Choose any that apply (optional)"),
    "comment_hint": ("Góp ý thêm (không bắt buộc)", "Other comments (optional)"),
    "phone_hint": ("Số điện thoại để chúng tôi liên hệ lại (không bắt buộc)",
                   "Phone number for a call-back (optional)"),
    "send": ("Gửi đánh giá", "Send"),
    "skip": ("Bỏ qua", "Skip"),
    "back": ("Quay lại", "Back"),
    "dossier_title": ("Quét mã vạch trên Giấy tiếp nhận hồ sơ", "Scan the barcode on your receipt"),
    "dossier_hint": ("Để gắn đánh giá với hồ sơ của Ông/Bà (không bắt buộc)",
                     "To link your rating to your dossier (optional)"),
    "dossier_linked": ("Hồ sơ: {code}", "Dossier: {code}"),
    "thanks": ("Cảm ơn Ông/Bà đã đánh giá!", "Thank you for your rating!"),
    "thanks_sub": ("Ý kiến của Ông/Bà đã được ghi nhận.", "Your opinion has been recorded."),
    "language": ("English", "Tiếng Việt"),
    "service_done": ("Đã phục vụ xong", "Service done"),
    # notices: why a tap did nothing
    "no_officer": ("Quầy chưa có cán bộ trực, xin vui lòng chờ", "No officer on duty yet, please wait"),
    "cooldown": ("Vui lòng chờ {seconds} giây trước lần đánh giá tiếp theo",
                 "Please wait {seconds} s before the next rating"),
    "wait_for_officer": ("Cán bộ sẽ mời Ông/Bà đánh giá khi phục vụ xong",
                         "The officer will invite you to rate when service is done"),
    "invalid_dossier": ("Mã hồ sơ không đúng, xin quét lại", "That is not a dossier code, please scan again"),
    "already_rated": ("Hồ sơ này đã được đánh giá", "This dossier has already been rated"),
    "invalid_phone": ("Số điện thoại chưa đúng (10 hoặc 11 chữ số, bắt đầu bằng 0)",
                      "Phone number not valid (10 or 11 digits starting with 0)"),
    "not_saved": ("Xin lỗi, máy chưa lưu được đánh giá. Xin vui lòng báo cán bộ.",
                  "Sorry, the rating could not be saved. Please tell the officer."),
    # officer and admin side
    "sign_in_title": ("Cán bộ đăng nhập quầy", "Officer sign-in"),
    "pick_officer": ("Chọn tên cán bộ", "Choose your name"),
    "enter_pin": ("Nhập mã PIN", "Enter PIN"),
    "wrong_pin": ("Mã PIN không đúng", "Wrong PIN"),
    "admin_title": ("Quản trị máy đánh giá", "Rating tablet administration"),
    "pending": ("Chờ gửi", "Pending"),
    "quarantined": ("Bị từ chối (cách ly)", "Quarantined"),
    "last_sync": ("Lần gửi gần nhất", "Last sync"),
    "last_error": ("Lỗi gần nhất", "Last error"),
    "device_id": ("Mã thiết bị", "Device id"),
    "officer_on_duty": ("Cán bộ trực", "Officer on duty"),
    "sync_now": ("Gửi ngay", "Sync now"),
    "retry_quarantined": ("Gửi lại lượt bị từ chối", "Retry refused items"),
    "change_officer": ("Đổi cán bộ", "Change officer"),
    "exit": ("Thoát ứng dụng", "Exit app"),
    "close": ("Đóng", "Close"),
    "never": ("chưa lần nào", "never"),
    "none": ("không có", "none"),
}


def text(key: str, lang: str = "vi", **fmt) -> str:
    vi, en = TEXTS[key]
    s = en if lang == "en" else vi
    return s.format(**fmt) if fmt else s


def score_label(scale: int, score: int, lang: str = "vi", labels: dict | None = None) -> str:
    vi, en = (labels or SCALE_LABELS[scale])[score]
    return en if lang == "en" else vi
