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
    "cameras_from_qt": {"en": "Camera names from Qt's multimedia module", "ar": "أسماء الكاميرات من وحدة الوسائط المتعددة في Qt"},
    "cameras_from_os": {"en": "Camera names from the operating system", "ar": "أسماء الكاميرات من نظام التشغيل"},
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
    "preparing_signs": {"en": "Preparing the signs you taught for this model (once after a model change)…",
                        "ar": "جارٍ تجهيز الإشارات التي علّمتها لهذا النموذج (مرة واحدة بعد تغيير النموذج)…"},
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
    # personal signs: menu, panel, notices
    "menu_signs": {"en": "S&igns", "ar": "الإ&شارات"},
    "teach_sign": {"en": "Teach a sign…", "ar": "تعليم إشارة…"},
    "my_signs": {"en": "My signs…", "ar": "إشاراتي…"},
    "personal_tag": {"en": "★ Personal sign", "ar": "★ إشارة شخصية"},
    "personal_tip": {"en": "Recognised from your own recordings (My signs)",
                     "ar": "تم التعرف عليها من تسجيلاتك الخاصة (إشاراتي)"},
    "personal_problems": {"en": "Some personal signs could not be read and are not used (nothing was deleted):",
                          "ar": "تعذّرت قراءة بعض الإشارات الشخصية فلن تُستخدم (لم يُحذف شيء):"},
    "dismiss": {"en": "Dismiss", "ar": "إخفاء"},
    "record_yourself": {"en": "Record yourself…", "ar": "سجّل نفسك…"},
    "record_yourself_title": {"en": "Record yourself: {name}", "ar": "سجّل نفسك: {name}"},
    "recorder_unknown": {"en": "unknown", "ar": "غير معروف"},
    # correcting a wrongly named sign ("Not this sign?")
    "correct_button": {"en": "Not this sign?", "ar": "ليست هذه الإشارة؟"},
    "correct_tip": {"en": "Say which sign it really was: this recording is added to your signs, and signs like it "
                          "are recognised from now on",
                    "ar": "حدّد الإشارة الصحيحة: يُضاف هذا التسجيل إلى إشاراتك، ويُتعرّف على مثيلاتها من الآن"},
    "correct_it_was": {"en": "It was: {name}", "ar": "كانت: {name}"},
    "correct_yours": {"en": "corrected by you", "ar": "صحّحتَها أنت"},
    "correct_other": {"en": "Another sign…", "ar": "إشارة أخرى…"},
    "correct_title": {"en": "Which sign was it?", "ar": "ما الإشارة الصحيحة؟"},
    "correct_shown": {"en": "Recognised as: {name}", "ar": "تعرّف عليها التطبيق على أنها: {name}"},
    "correct_known": {"en": "A KArSL sign", "ar": "إشارة من KArSL"},
    "correct_mine": {"en": "One of my signs", "ar": "إحدى إشاراتي"},
    "correct_no_mine": {"en": "One of my signs (you have none yet)", "ar": "إحدى إشاراتي (لا توجد لديك إشارات بعد)"},
    "correct_ok": {"en": "Add the recording", "ar": "إضافة التسجيل"},
    "correct_done": {"en": "Added this recording to “{name}”: it is recognised from now on.",
                     "ar": "أُضيف هذا التسجيل إلى «{name}»: سيُتعرّف عليها من الآن."},
    "correct_failed_title": {"en": "Not corrected", "ar": "لم يُصحَّح"},
    "correct_failed": {"en": "The recording was not added: {detail}", "ar": "لم يُضف التسجيل: {detail}"},
    "correct_undo": {"en": "Undo this correction", "ar": "تراجع عن هذا التصحيح"},
    "correct_undo_tip": {"en": "Take this recording out of your signs again and show what was recognised",
                         "ar": "أزل هذا التسجيل من إشاراتك واعرض ما تعرّف عليه التطبيق"},
    "correct_undone": {"en": "Took this recording out of “{name}” again.",
                       "ar": "أُزيل هذا التسجيل من «{name}»."},
    "correct_undo_failed_title": {"en": "Not undone", "ar": "لم يُتراجع عنه"},
    "correct_undo_failed": {"en": "The recording could not be taken out: {detail}",
                            "ar": "تعذّرت إزالة التسجيل: {detail}"},
    # teach a sign
    "teach_title": {"en": "Teach a sign", "ar": "تعليم إشارة"},
    "teach_what": {"en": "What to teach", "ar": "ماذا تُعلِّم"},
    "teach_known": {"en": "My way of doing a KArSL sign", "ar": "طريقتي في أداء إشارة من KArSL"},
    "teach_new": {"en": "A new word", "ar": "كلمة جديدة"},
    "name_ar": {"en": "Arabic name", "ar": "الاسم بالعربية"},
    "name_en": {"en": "English name (required)", "ar": "الاسم بالإنجليزية (مطلوب)"},
    "examples_wanted": {"en": "Examples to record", "ar": "عدد الأمثلة المطلوب"},
    "record_example": {"en": "Record example {i} of {n}", "ar": "تسجيل المثال {i} من {n}"},
    "all_recorded": {"en": "All examples recorded", "ar": "سُجّلت كل الأمثلة"},
    "cancel_recording": {"en": "Cancel recording", "ar": "إلغاء التسجيل"},
    "keep": {"en": "Keep", "ar": "احتفاظ"},
    "redo": {"en": "Redo", "ar": "إعادة"},
    "remove_example": {"en": "Remove example", "ar": "حذف المثال"},
    "save_sign": {"en": "Save sign", "ar": "حفظ الإشارة"},
    "teach_get_ready": {"en": "Get ready… {n}", "ar": "استعد… {n}"},
    "teach_sign_now": {"en": "Sign now!", "ar": "أشِر الآن!"},
    "teach_review": {"en": "Recorded. Watch it, then Keep or Redo.", "ar": "تم التسجيل. شاهده ثم اختر احتفاظ أو إعادة."},
    "teach_idle": {"en": "Press Record, then sign once in front of the source. While this window is open, "
                         "signs are not added to the transcript.",
                   "ar": "اضغط تسجيل ثم أدِّ الإشارة مرة واحدة أمام المصدر. ما دامت هذه النافذة مفتوحة "
                         "لا تُضاف الإشارات إلى النص."},
    "teach_ready_to_save": {"en": "All examples kept. Check the names and press Save.",
                            "ar": "تم الاحتفاظ بكل الأمثلة. تحقق من الأسماء ثم اضغط حفظ."},
    "teach_no_hands": {"en": "No hands were seen in that recording — sign again.",
                       "ar": "لم تظهر اليدان في هذا التسجيل — أعد الإشارة."},
    "teach_source_stopped": {"en": "The source stopped, so the recording was cancelled.",
                             "ar": "توقف المصدر فأُلغي التسجيل."},
    "teach_no_source": {"en": "Nothing is playing. Start a camera or a video to record from.",
                        "ar": "لا يوجد مصدر قيد التشغيل. شغّل كاميرا أو فيديو للتسجيل منه."},
    "teach_source": {"en": "Recording from: {name}", "ar": "التسجيل من: {name}"},
    "start_source": {"en": "Start {name}", "ar": "تشغيل {name}"},
    "teach_pick_sign": {"en": "Choose the KArSL sign you are teaching.", "ar": "اختر إشارة KArSL التي تُعلّمها."},
    "teach_need_en": {"en": "Type the English name of the new word.", "ar": "اكتب الاسم الإنجليزي للكلمة الجديدة."},
    "teach_need_examples": {"en": "Keep {n} before saving.", "ar": "احتفظ بـ{n} قبل الحفظ."},
    "teach_saved": {"en": "Saved “{name}” with {examples}. It is recognised from now on.",
                    "ar": "حُفظت «{name}» مع {examples}. سيُتعرف عليها من الآن."},
    "teach_save_failed": {"en": "The sign was not saved: {detail}. Your recordings are kept; change the name or "
                                "try again.",
                          "ar": "لم تُحفظ الإشارة: {detail}. تسجيلاتك محفوظة؛ غيّر الاسم أو حاول مرة أخرى."},
    "example_row": {"en": "Example {i} — {seconds:.1f} s, {frames}", "ar": "المثال {i} — {seconds:.1f} ث، {frames}"},
    "example_pending": {"en": "(not kept yet)", "ar": "(لم يُحتفظ به بعد)"},
    # my signs
    "my_signs_title": {"en": "My signs ({n})", "ar": "إشاراتي ({n})"},
    "col_name_en": {"en": "English", "ar": "الإنجليزية"},
    "col_name_ar": {"en": "Arabic", "ar": "العربية"},
    "col_karsl": {"en": "KArSL sign", "ar": "إشارة KArSL"},
    "col_examples": {"en": "Examples", "ar": "الأمثلة"},
    "col_date": {"en": "Date", "ar": "التاريخ"},
    "col_problems": {"en": "Problems", "ar": "مشكلات"},
    "new_word": {"en": "new word", "ar": "كلمة جديدة"},
    "no_personal_signs": {"en": "You have not taught any sign yet. Use “Teach a sign…”.",
                          "ar": "لم تُعلّم أي إشارة بعد. استخدم «تعليم إشارة…»."},
    "rename": {"en": "Rename…", "ar": "إعادة تسمية…"},
    "delete": {"en": "Delete…", "ar": "حذف…"},
    "export_selected": {"en": "Export selected…", "ar": "تصدير المحدد…"},
    "export_all": {"en": "Export all…", "ar": "تصدير الكل…"},
    "import_pack": {"en": "Import pack…", "ar": "استيراد حزمة…"},
    "packs_filter": {"en": "Sign packs (*.zip)", "ar": "حزم الإشارات (*.zip)"},
    "rename_title": {"en": "Rename “{name}”", "ar": "إعادة تسمية «{name}»"},
    "delete_title": {"en": "Delete personal sign", "ar": "حذف إشارة شخصية"},
    "delete_text": {"en": "Delete “{name}” and its {examples}? This cannot be undone.",
                    "ar": "حذف «{name}» و{examples}؟ لا يمكن التراجع عن ذلك."},
    "replay_example": {"en": "Example", "ar": "المثال"},
    "store_failed": {"en": "That did not work: {detail}", "ar": "تعذّر ذلك: {detail}"},
    "exported": {"en": "Exported {signs} to {path}", "ar": "صُدّرت {signs} إلى {path}"},
    "importing": {"en": "Importing {path}…", "ar": "جارٍ استيراد {path}…"},
    "imported": {"en": "Imported {signs}.", "ar": "استُوردت {signs}."},
    "import_skipped": {"en": "Skipped: {detail}", "ar": "تم تخطي: {detail}"},
    "imported_mirrored": {"en": "Imported {signs}, mirrored (left and right swapped).",
                          "ar": "استُوردت {signs} معكوسةً (اليمين مكان اليسار)."},
    "import_record_yourself": {
        "en": "Record yourself once for each sign (select it, then “Record yourself…”): your own recordings "
              "are what recognises you best.",
        "ar": "سجّل نفسك مرة لكل إشارة (حدّدها ثم «سجّل نفسك…»): تسجيلاتك أنت هي ما يتعرّف عليك أفضل."},
    "import_hand_question": {
        "en": "Do you sign with the same hand as the people who recorded this pack? If you are left-handed "
              "and they are right-handed (or the reverse), their recordings are stored mirrored, so that "
              "they match yours.",
        "ar": "هل تؤدي الإشارات باليد نفسها التي استخدمها من سجّلوا هذه الحزمة؟ إن كنت أعسر وهم يستخدمون "
              "اليد اليمنى (أو العكس)، تُحفظ تسجيلاتهم معكوسةً لتطابق تسجيلاتك."},
    "import_same_hand": {"en": "Same hand", "ar": "اليد نفسها"},
    "import_other_hand": {"en": "The other hand (mirror)", "ar": "اليد الأخرى (عكس)"},
    # learn mode (practise signs: score, feedback, progress)
    "learn": {"en": "Learn signs…", "ar": "تعلّم الإشارات…"},
    "learn_title": {"en": "Learn signs", "ar": "تعلّم الإشارات"},
    "learn_deck": {"en": "Deck", "ar": "المجموعة"},
    "deck_all": {"en": "All signs the model knows", "ar": "كل الإشارات التي يعرفها النموذج"},
    "deck_numbers": {"en": "Numbers", "ar": "الأرقام"},
    "deck_letters": {"en": "Letters", "ar": "الحروف"},
    "deck_words": {"en": "Words", "ar": "الكلمات"},
    "deck_mine": {"en": "My signs", "ar": "إشاراتي"},
    "learn_no_decks": {"en": "No signs to practise: load a model or teach a sign.",
                       "ar": "لا توجد إشارات للتدرّب: حمّل نموذجاً أو علّم إشارة."},
    "col_best": {"en": "Best", "ar": "الأفضل"},
    "col_last": {"en": "Last", "ar": "الأخيرة"},
    "not_tried": {"en": "new", "ar": "جديدة"},
    "learn_passed_of": {"en": "Passed {passed} of {signs}", "ar": "اجتزت {passed} من {signs}"},
    "learn_row_tip": {"en": "{attempts}, the last on {date}", "ar": "{attempts}، آخرها في {date}"},
    "learn_watch": {"en": "Watch the sign", "ar": "شاهد الإشارة"},
    "learn_slower": {"en": "Slower", "ar": "أبطأ"},
    "learn_mirror": {"en": "Mirror (left-handed)", "ar": "معكوسة (لمن يستخدم اليسرى)"},
    "learn_try": {"en": "Try it", "ar": "جرّبها"},
    "learn_try_again": {"en": "Try again", "ar": "حاول مرة أخرى"},
    "learn_cancel": {"en": "Cancel", "ar": "إلغاء"},
    "learn_next": {"en": "Next sign", "ar": "الإشارة التالية"},
    "learn_idle": {"en": "Watch the sign, then press Try it and sign it once in front of the source. While this "
                         "window is open, signs are not added to the transcript.",
                   "ar": "شاهد الإشارة ثم اضغط جرّبها وأدِّها مرة واحدة أمام المصدر. ما دامت هذه النافذة مفتوحة "
                         "لا تُضاف الإشارات إلى النص."},
    "learn_scored": {"en": "Watch yourself beside the reference, then try again or go on.",
                     "ar": "شاهد نفسك بجانب المرجع، ثم حاول مرة أخرى أو تابع."},
    "learn_score": {"en": "{score:.0f} / 100", "ar": "{score:.0f} من 100"},
    "learn_passed": {"en": "Passed", "ar": "نجحت"},
    "learn_failed": {"en": "Not yet — keep practising", "ar": "ليس بعد — واصل التدرّب"},
    "learn_pass_mark": {"en": "pass mark {mark:.0f}", "ar": "علامة النجاح {mark:.0f}"},
    "learn_history": {"en": "{attempts} — best {best:.0f}", "ar": "{attempts} — الأفضل {best:.0f}"},
    "learn_feedback_none": {"en": "Well done: every part was close to the reference.",
                            "ar": "أحسنت: كل الأجزاء قريبة من المرجع."},
    "learn_you": {"en": "You", "ar": "أنت"},
    "learn_reference": {"en": "Reference", "ar": "المرجع"},
    "learn_worst": {"en": "Red: where you differed most ({start:.1f}–{end:.1f} s)",
                    "ar": "الأحمر: حيث كان الاختلاف أكبر ({start:.1f}–{end:.1f} ث)"},
    "learn_no_hands": {"en": "No hands were seen — sign again.", "ar": "لم تظهر اليدان — أعد الإشارة."},
    "learn_source_stopped": {"en": "The source stopped, so the attempt was cancelled.",
                             "ar": "توقف المصدر فأُلغيت المحاولة."},
    "learn_no_reference": {"en": "There is no reference recording of this sign to practise with.",
                           "ar": "لا يوجد تسجيل مرجعي لهذه الإشارة للتدرّب عليه."},
    "learn_reference_failed": {"en": "The reference of this sign could not be read: {detail}",
                               "ar": "تعذّرت قراءة مرجع هذه الإشارة: {detail}"},
    "learn_score_failed": {"en": "The attempt could not be scored: {detail}", "ar": "تعذّر تقييم المحاولة: {detail}"},
    "progress_not_saved": {"en": "Your progress could not be saved ({detail}); this session's scores still count.",
                           "ar": "تعذّر حفظ تقدّمك ({detail})؛ تبقى نتائج هذه الجلسة محسوبة."},
    "progress_damaged": {"en": "Your practice progress file could not be read completely. It was kept as {path}; "
                               "practice goes on with what could be read.",
                         "ar": "تعذّرت قراءة ملف تقدّمك في التدرّب كاملاً. حُفظ باسم {path}؛ ويستمر التدرّب بما "
                               "أمكن قراءته."},
    "progress_unreadable": {"en": "Your practice progress cannot be used: {detail}",
                            "ar": "لا يمكن استخدام تقدّمك في التدرّب: {detail}"},
    # camera coach (core/coach.py codes): one short hint over the video, and the Teach dialog's check
    "coach_no_person": {"en": "Step in front of the camera", "ar": "قف أمام الكاميرا"},
    "coach_too_dark": {"en": "Too dark — add light in front of you", "ar": "الإضاءة خافتة — أضف ضوءًا أمامك"},
    "coach_too_bright": {"en": "Too bright — turn away from the window or the light behind you",
                         "ar": "الإضاءة ساطعة — ابتعد عن النافذة أو الضوء الذي خلفك"},
    "coach_too_close": {"en": "Too close — step back so your head, elbows and hands are in the picture",
                        "ar": "أنت قريب جدًا — تراجع ليظهر رأسك ومرفقاك ويداك في الصورة"},
    "coach_too_far": {"en": "Too far — come closer so your hands look bigger",
                      "ar": "أنت بعيد جدًا — اقترب لتظهر يداك أكبر"},
    "coach_hand_lost": {"en": "A hand was lost while signing — keep both hands in front of you, in the light",
                        "ar": "فُقدت إحدى اليدين أثناء الإشارة — أبقِ يديك أمامك وفي الضوء"},
    "coach_ready": {"en": "Camera check: ready", "ar": "فحص الكاميرا: جاهز"},
    "coach_check": {"en": "Camera check: {hint}", "ar": "فحص الكاميرا: {hint}"},
    "coach_waiting": {"en": "Camera check: waiting for the picture…", "ar": "فحص الكاميرا: بانتظار الصورة…"},
}

# Counted phrases: {"en": {one, other}, "ar": {zero, one, two, few, many, other}}; `{n}` is the number.
PLURALS: dict[str, dict[str, dict[str, str]]] = {
    "signs": {
        "en": {"one": "{n} sign", "other": "{n} signs"},
        "ar": {"zero": "لا إشارات", "one": "إشارة واحدة", "two": "إشارتان", "few": "{n} إشارات",
               "many": "{n} إشارة", "other": "{n} إشارة"},
    },
    "examples": {
        "en": {"one": "{n} example", "other": "{n} examples"},
        "ar": {"zero": "لا أمثلة", "one": "مثال واحد", "two": "مثالان", "few": "{n} أمثلة", "many": "{n} مثالاً",
               "other": "{n} مثال"},
    },
    "frames": {
        "en": {"one": "{n} frame", "other": "{n} frames"},
        "ar": {"zero": "لا إطارات", "one": "إطار واحد", "two": "إطاران", "few": "{n} إطارات", "many": "{n} إطاراً",
               "other": "{n} إطار"},
    },
    "personal_signs": {
        "en": {"one": "{n} personal sign", "other": "{n} personal signs"},
        "ar": {"zero": "لا إشارات شخصية", "one": "إشارة شخصية واحدة", "two": "إشارتان شخصيتان",
               "few": "{n} إشارات شخصية", "many": "{n} إشارة شخصية", "other": "{n} إشارة شخصية"},
    },
    "attempts": {
        "en": {"one": "{n} attempt", "other": "{n} attempts"},
        "ar": {"zero": "لا محاولات", "one": "محاولة واحدة", "two": "محاولتان", "few": "{n} محاولات",
               "many": "{n} محاولة", "other": "{n} محاولة"},
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
