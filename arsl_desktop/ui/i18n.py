"""Every visible string of the window, in Arabic and English.

A plain table keyed by name: `tr("start")`. `set_language` switches the language at
run time (the window then re-applies its texts and the layout direction). Arabic is
written as ordinary Unicode; Qt shapes it. Counted phrases ("3 signs") come from
`PLURALS` through `tr_n`: Arabic has six plural forms (CLDR: zero, one, two, few 3-10,
many 11-99, other 100+, by n % 100), English two.
"""

from __future__ import annotations

LANGUAGES = ("ar", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"en": "ArSL Desktop — Arabic Sign Language", "ar": "ArSL Desktop — لغة الإشارة العربية"},
    # menus and actions
    "menu_file": {"en": "&File", "ar": "&ملف"},
    "menu_source": {"en": "&Source", "ar": "ال&مصدر"},
    "menu_view": {"en": "&View", "ar": "&عرض"},
    "menu_help": {"en": "&Help", "ar": "م&ساعدة"},
    "menu_language": {"en": "Language", "ar": "اللغة"},
    "open_video": {"en": "Open video…", "ar": "فتح فيديو…"},
    "choose_model": {"en": "Choose model…", "ar": "اختيار نموذج…"},
    "save_transcript": {"en": "Save transcript…", "ar": "حفظ النص…"},
    "quit": {"en": "Quit", "ar": "خروج"},
    "camera": {"en": "Camera", "ar": "الكاميرا"},
    "camera_n": {"en": "Camera {n}", "ar": "الكاميرا {n}"},
    "camera_named": {"en": "{name} ({n})", "ar": "{name} ({n})"},
    "video_entry": {"en": "Video: {name}", "ar": "فيديو: {name}"},
    "no_cameras": {"en": "No camera found", "ar": "لا توجد كاميرا"},
    "loop_video": {"en": "Loop video", "ar": "تكرار الفيديو"},
    "refresh_cameras": {"en": "Find cameras", "ar": "البحث عن الكاميرات"},
    "start": {"en": "Start", "ar": "تشغيل"},
    "pause": {"en": "Pause", "ar": "إيقاف مؤقت"},
    "stop": {"en": "Stop", "ar": "إيقاف"},
    "retry": {"en": "Retry", "ar": "إعادة المحاولة"},
    "threshold": {"en": "Confidence ≥ {p}%", "ar": "الثقة ≥ {p}٪"},
    "threshold_tip": {"en": "Signs below this confidence are shown as uncertain and not added to the transcript",
                      "ar": "الإشارات الأقل من هذه الثقة تظهر كغير مؤكدة ولا تضاف إلى النص"},
    "mirror": {"en": "Mirror view", "ar": "عرض معكوس"},
    "show_hands": {"en": "Hands", "ar": "اليدان"},
    "show_arms": {"en": "Arms", "ar": "الذراعان"},
    "show_face": {"en": "Face", "ar": "الوجه"},
    "overlays": {"en": "Overlays", "ar": "الرسوم فوق الصورة"},
    "speak": {"en": "Speak signs", "ar": "نطق الإشارات"},
    "speak_unavailable": {"en": "Speech is not available on this computer: {reason}",
                          "ar": "النطق غير متاح على هذا الحاسوب: {reason}"},
    "tts_no_module": {"en": "the Qt speech module cannot be loaded", "ar": "تعذّر تحميل وحدة النطق في Qt"},
    "tts_no_engine": {"en": "no text-to-speech engine is installed (e.g. speech-dispatcher with espeak-ng)",
                      "ar": "لا يوجد محرك لتحويل النص إلى كلام (مثل speech-dispatcher مع espeak-ng)"},
    "tts_failed": {"en": "the speech engine failed to start", "ar": "تعذّر تشغيل محرك النطق"},
    "signs_list": {"en": "Signs this model knows…", "ar": "الإشارات التي يعرفها النموذج…"},
    "shortcuts": {"en": "Keyboard shortcuts", "ar": "اختصارات لوحة المفاتيح"},
    # prediction panel
    "current_sign": {"en": "Current sign", "ar": "الإشارة الحالية"},
    "alternatives": {"en": "Alternatives", "ar": "بدائل"},
    "state_no_person": {"en": "No one in view", "ar": "لا أحد أمام الكاميرا"},
    "state_waiting": {"en": "Waiting for hands — raise your hands to sign", "ar": "بانتظار اليدين — ارفع يديك للإشارة"},
    "state_signing": {"en": "Signing…", "ar": "جارٍ التقاط الإشارة…"},
    "state_recognised": {"en": "Recognised", "ar": "تم التعرف"},
    "state_idle": {"en": "Not running", "ar": "متوقف"},
    "uncertain": {"en": "Uncertain ({p}%) — not added to the transcript",
                  "ar": "غير مؤكد ({p}٪) — لم يُضف إلى النص"},
    "no_hands_seen": {"en": "No hands were seen — not added", "ar": "لم تظهر اليدان — لم يُضف"},
    # transcript
    "transcript": {"en": "Transcript", "ar": "النص"},
    "transcript_empty": {"en": "Recognised signs appear here.", "ar": "تظهر الإشارات المتعرف عليها هنا."},
    "undo": {"en": "Undo last", "ar": "تراجع عن الأخيرة"},
    "clear": {"en": "Clear", "ar": "مسح"},
    "copy": {"en": "Copy", "ar": "نسخ"},
    "save": {"en": "Save…", "ar": "حفظ…"},
    "text_files": {"en": "Text files (*.txt)", "ar": "ملفات نصية (*.txt)"},
    "saved_to": {"en": "Transcript saved to {path}", "ar": "حُفظ النص في {path}"},
    "copied": {"en": "Transcript copied", "ar": "نُسخ النص"},
    "unsaved_title": {"en": "Unsaved transcript", "ar": "نص غير محفوظ"},
    "unsaved_text": {"en": "The transcript has signs that were not saved. Save them before quitting?",
                     "ar": "في النص إشارات لم تُحفظ. هل تريد حفظها قبل الخروج؟"},
    "discard": {"en": "Quit without saving", "ar": "خروج دون حفظ"},
    "cancel": {"en": "Cancel", "ar": "إلغاء"},
    "settings_problem": {"en": "Your settings will not be kept: {detail}",
                         "ar": "لن تُحفظ إعداداتك: {detail}"},
    "save_failed": {"en": "Could not save the transcript: {detail}. Choose another folder.",
                    "ar": "تعذّر حفظ النص: {detail}. اختر مجلداً آخر."},
    # status bar
    "source": {"en": "Source: {name}", "ar": "المصدر: {name}"},
    "no_source": {"en": "No source", "ar": "لا يوجد مصدر"},
    "model": {"en": "Model: {name} ({signs})", "ar": "النموذج: {name} ({signs})"},
    "no_model": {"en": "No model", "ar": "لا يوجد نموذج"},
    "fps": {"en": "{fps:.1f} fps", "ar": "{fps:.1f} إطار/ث"},
    "latency": {"en": "latency {ms:.0f} ms", "ar": "التأخير {ms:.0f} مللي ث"},
    "paused": {"en": "Paused — press Space to continue", "ar": "متوقف مؤقتاً — اضغط المسافة للمتابعة"},
    # messages in the video view
    "opening": {"en": "Opening {name}…", "ar": "جارٍ فتح {name}…"},
    "loading_tracker": {"en": "Starting the hand and body tracker…", "ar": "جارٍ تشغيل متتبع اليدين والجسم…"},
    "step_into_view": {"en": "Step into view of the camera so your upper body and hands are visible…",
                       "ar": "قف أمام الكاميرا بحيث يظهر أعلى جسمك ويداك…"},
    "video_ended": {"en": "The video has ended. Press Start to play it again or open another one.",
                    "ar": "انتهى الفيديو. اضغط تشغيل لإعادته أو افتح فيديو آخر."},
    "stopped": {"en": "Stopped. Press Start to continue, or pick a camera or video.",
                "ar": "متوقف. اضغط تشغيل للمتابعة، أو اختر كاميرا أو فيديو."},
    "err_camera_unavailable": {
        "en": "Camera {n} could not be opened. Check that it is connected and not used by another program, then press Retry — or pick another camera or open a video.",
        "ar": "تعذّر فتح الكاميرا {n}. تأكد من توصيلها وأنها غير مستخدمة من برنامج آخر ثم اضغط إعادة المحاولة، أو اختر كاميرا أخرى أو افتح فيديو."},
    "err_camera_lost": {
        "en": "The camera stopped sending pictures (unplugged?). Reconnect it and press Retry.",
        "ar": "توقفت الكاميرا عن إرسال الصور (هل فُصلت؟). أعد توصيلها واضغط إعادة المحاولة."},
    "err_source_unreadable": {
        "en": "This video cannot be read. Open another video file (MP4, AVI, MOV…) or use a camera.",
        "ar": "لا يمكن قراءة هذا الفيديو. افتح ملف فيديو آخر (MP4 أو AVI أو MOV…) أو استخدم الكاميرا."},
    "err_model_not_found": {
        "en": "No sign model was found. Choose a model file (.onnx) to start recognising.",
        "ar": "لم يُعثر على نموذج الإشارات. اختر ملف نموذج (‎.onnx) لبدء التعرف."},
    "err_model_incompatible": {
        "en": "This model cannot be used by this version of the app. Choose another model file (.onnx).",
        "ar": "لا يمكن استخدام هذا النموذج مع هذا الإصدار من التطبيق. اختر ملف نموذج آخر (‎.onnx)."},
    "err_tracker": {
        "en": "The hand and body tracker could not run. Press Retry; if it keeps failing, reinstall the app.",
        "ar": "تعذّر تشغيل متتبع اليدين والجسم. اضغط إعادة المحاولة، وإن تكرر الخطأ فأعد تثبيت التطبيق."},
    "model_not_loaded": {"en": "Model not loaded", "ar": "لم يُحمَّل النموذج"},
    "keeps_old_model": {"en": "The model in use stays loaded.", "ar": "يبقى النموذج الحالي قيد الاستخدام."},
    "details": {"en": "Details: {detail}", "ar": "التفاصيل: {detail}"},
    # dialogs
    "models_filter": {"en": "ONNX models (*.onnx)", "ar": "نماذج ONNX (*.onnx)"},
    "videos_filter": {"en": "Videos (*.mp4 *.avi *.mov *.mkv *.webm *.m4v *.mpg *.mpeg *.wmv)",
                      "ar": "ملفات الفيديو (*.mp4 *.avi *.mov *.mkv *.webm *.m4v *.mpg *.mpeg *.wmv)"},
    "signs_title": {"en": "Signs this model knows ({n})", "ar": "الإشارات التي يعرفها النموذج ({n})"},
    "search_signs": {"en": "Search in Arabic or English…", "ar": "ابحث بالعربية أو الإنجليزية…"},
    "col_id": {"en": "No.", "ar": "الرقم"},
    "col_ar": {"en": "Arabic", "ar": "العربية"},
    "col_en": {"en": "English", "ar": "الإنجليزية"},
    "col_category": {"en": "Category", "ar": "الفئة"},
    "shown_of": {"en": "{shown} of {signs}", "ar": "{shown} من {signs}"},
    "close": {"en": "Close", "ar": "إغلاق"},
    "action": {"en": "Action", "ar": "الإجراء"},
    "key": {"en": "Key", "ar": "المفتاح"},
}

# Counted phrases: {"en": {one, other}, "ar": {zero, one, two, few, many, other}}; `{n}` is the number.
PLURALS: dict[str, dict[str, dict[str, str]]] = {
    "signs": {
        "en": {"one": "{n} sign", "other": "{n} signs"},
        "ar": {"zero": "لا إشارات", "one": "إشارة واحدة", "two": "إشارتان", "few": "{n} إشارات",
               "many": "{n} إشارة", "other": "{n} إشارة"},
    },
}
PLURAL_FORMS = {"en": ("one", "other"), "ar": ("zero", "one", "two", "few", "many", "other")}

_language = "ar"


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown interface language {lang!r}; choose one of {LANGUAGES}")
    global _language
    _language = lang


def language() -> str:
    return _language


def tr(key: str, **values: object) -> str:
    """The string `key` in the current language, with `{placeholders}` filled in."""
    text = STRINGS[key][_language]
    return text.format(**values) if values else text


def plural_form(n: int, lang: str) -> str:
    """The CLDR plural category of the whole number `n` in `lang`."""
    n = abs(int(n))
    if lang == "ar":
        if n == 0:
            return "zero"
        if n == 1:
            return "one"
        if n == 2:
            return "two"
        if 3 <= n % 100 <= 10:
            return "few"
        if 11 <= n % 100 <= 99:
            return "many"
        return "other"
    return "one" if n == 1 else "other"


def tr_n(key: str, n: int) -> str:
    """The counted phrase `key` for `n` in the current language ("3 signs", "3 إشارات")."""
    return PLURALS[key][_language][plural_form(n, _language)].format(n=n)


def language_for_locale(name: str) -> str:
    """Interface language for a system locale name ("ar_SA", "ar-EG", "en_US", "C"): Arabic or English."""
    return "ar" if name.lower().replace("-", "_").split("_")[0] == "ar" else "en"


def system_language() -> str:
    """The language to start in before the user has chosen one: the system locale's."""
    from PySide6.QtCore import QLocale

    return language_for_locale(QLocale.system().name())


def isolate(text: str) -> str:
    """Wrap a file or model name so the bidi algorithm keeps it in its own direction inside
    a sentence of the other direction (otherwise `a_(b).mp4` shows as `mp4.(a_(b` in Arabic).
    Names without Arabic letters are isolated left-to-right (LRI): first-strong detection
    (FSI) fails on names made of digits and punctuation."""
    if any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in text):
        return f"\u2068{text}\u2069"  # FSI ... PDI
    return f"\u2066{text}\u200e\u2069"  # LRI ... LRM PDI (the LRM keeps a closing bracket at the end)
