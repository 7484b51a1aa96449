"""Issue 11 in the window: a tidy transcript after an hour, settings in the user-data folder,
no lost transcript on quit or SIGTERM, plurals, first-start language, speech. Widgets here
are real (offscreen); the run logic is driven through `RunController` where possible."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402
from system_deps import import_optional_qt  # noqa: E402

from arsl_desktop.core.labels import default_labels  # noqa: E402
from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.main_window import MainWindow  # noqa: E402
from arsl_desktop.ui.settings import AppSettings  # noqa: E402
from arsl_desktop.ui.transcript import SHOWN_SIGNS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LABELS = default_labels()


@pytest.fixture
def window(make_window, tiny_model):
    def make(settings: AppSettings | None = None, language: str | None = "en") -> MainWindow:
        return make_window(tiny_model, language, settings)

    return make


# -- transcript after an hour ------------------------------------------------------------------
def test_long_transcript_stays_one_tidy_panel_with_the_newest_sign_in_view(window, qtbot):
    w = window()
    qtbot.waitExposed(w)
    panel_h, video_h = w.transcript.height(), w.video.height()  # empty transcript
    for i in range(300):  # about an hour of looping a clip that yields one sign per pass
        w.transcript.add(LABELS[1 + i % 82])
    qtbot.wait(0)  # let the layout settle (no sleep: one pass of the event loop)
    assert w.transcript.height() == panel_h and w.video.height() == video_h  # the video is never squeezed
    gloss = w.transcript.gloss
    assert not gloss.wordWrap() and gloss.height() < 2 * gloss.fontMetrics().lineSpacing()  # one line (was 9+)
    newest = LABELS[1 + 299 % 82]
    assert gloss.text().endswith(newest.en) and gloss.text().startswith("…")
    bar = w.transcript.view.verticalScrollBar()
    assert bar.value() == bar.maximum()  # scrolled to the newest sign, not the first
    assert w.transcript.view.toPlainText().endswith(newest.ar)
    assert len(w.transcript.transcript) == 300  # the whole transcript is kept for Copy and Save
    assert w.transcript.transcript.as_text().count(" ") >= 300


def test_transcript_shows_the_newest_signs_only():
    from arsl_desktop.ui.transcript import Transcript

    t = Transcript()
    for i in range(1, SHOWN_SIGNS + 6):
        t.add(LABELS[i])
    ar, en = t.shown()
    assert en.startswith("… ") and en.split()[1] == LABELS[6].en.split()[0] and en.endswith(LABELS[SHOWN_SIGNS + 5].en)
    assert len(t.english().split()) > len(en.split())


# -- unsaved transcript: ask on quit, autosave on SIGTERM -------------------------------------
def _answer(w: MainWindow, button: QMessageBox.StandardButton) -> None:
    box = w.saver.prompt
    assert box is not None and box.isVisible() and "not saved" in box.text()
    box.button(button).click()


def test_quit_asks_about_an_unsaved_transcript(window, qtbot):
    w = window()
    w.transcript.add(LABELS[80])
    w.actions["quit"].trigger()  # Ctrl+Q
    assert w.isVisible()  # not closed: asked first
    _answer(w, QMessageBox.StandardButton.Cancel)
    assert w.isVisible()
    w.actions["quit"].trigger()
    _answer(w, QMessageBox.StandardButton.Discard)
    assert not w.isVisible() and not w.pipeline.running


def test_quit_with_save_writes_the_transcript_then_closes(window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "mine.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w = window()
    w.transcript.add(LABELS[80])
    w.close()
    _answer(w, QMessageBox.StandardButton.Save)
    assert target.read_text(encoding="utf-8") == "وجه\nFace\n" and not w.isVisible()


def test_a_saved_transcript_quits_without_asking(window, qtbot, tmp_path):
    w = window()
    w.transcript.add(LABELS[80])
    assert w.save_transcript(tmp_path / "t.txt")
    w.close()
    assert not w.isVisible() and w.saver.prompt is None


SIGTERM_SCRIPT = """
import os, signal, sys
from pathlib import Path
from arsl_desktop.ui.app import create_application, install_sigterm_handler
app = create_application()
from PySide6.QtCore import QTimer
from arsl_desktop.core.labels import default_labels
from arsl_desktop.ui.main_window import MainWindow
from arsl_desktop.ui.settings import AppSettings
w = MainWindow(AppSettings(), model_path=Path(sys.argv[1]), language="en")
w.show()
for i in (71, 80):
    w.transcript.add(default_labels()[i])
install_sigterm_handler(w)
QTimer.singleShot(300, lambda: os.kill(os.getpid(), signal.SIGTERM))
sys.exit(app.exec())
"""


EARLY_SIGTERM_SCRIPT = """
import os, signal, sys
from pathlib import Path
from arsl_desktop.ui.app import create_application, install_sigterm_handler
app = create_application()
attach = install_sigterm_handler()
os.kill(os.getpid(), signal.SIGTERM)  # during start-up: no window yet
from arsl_desktop.ui.main_window import MainWindow
from arsl_desktop.ui.settings import AppSettings
w = MainWindow(AppSettings(), model_path=Path(sys.argv[1]), language="en")
attach(w)
w.show()
sys.exit(app.exec())
"""


def test_sigterm_during_start_up_ends_the_window_cleanly_once_built(tmp_path, tiny_model):
    env = {**os.environ, "ARSL_USER_DATA": str(tmp_path / "user"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", EARLY_SIGTERM_SCRIPT, str(tiny_model)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]  # not -15: the default action never ran


def test_sigterm_autosaves_the_unsaved_transcript_and_says_where(tmp_path, tiny_model):
    user = tmp_path / "user"
    env = {**os.environ, "ARSL_USER_DATA": str(user), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", SIGTERM_SCRIPT, str(tiny_model)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    saved = list((user / "autosave").glob("transcript-*.txt"))
    assert len(saved) == 1 and saved[0].read_text(encoding="utf-8") == "هيكل عظمي وجه\nSkeleton Face\n"
    assert f"arsl-desktop: terminated; the unsaved transcript was saved to {saved[0]}" in proc.stderr


# -- an unusable user-data folder ----------------------------------------------------------------
@pytest.fixture
def unusable_user_data(tmp_path, monkeypatch) -> Path:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ARSL_USER_DATA", str(blocker))
    return blocker


def test_settings_follow_arsl_user_data(tmp_path, monkeypatch):
    monkeypatch.setenv("ARSL_USER_DATA", str(tmp_path / "elsewhere"))
    s = AppSettings()
    s.camera = 3
    assert s.path == tmp_path / "elsewhere" / "settings.json" and AppSettings().camera == 3


def test_unusable_user_data_is_said_and_save_errors_are_shown(window, qtbot, unusable_user_data, monkeypatch):
    settings = AppSettings()
    w = window(settings)
    box = w.last_error_box
    assert box is not None and "Your settings will not be kept" in box.text() and str(unusable_user_data) in box.text()
    box.close()
    w.transcript.add(LABELS[80])
    asked = []

    def fake_dialog(parent, title, start, filters):
        asked.append(start)
        return str(unusable_user_data / "transcript.txt"), ""  # inside a file: cannot be written

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    w.actions["save_transcript"].trigger()  # Ctrl+S
    assert asked == [str(Path.home() / "transcript.txt")]  # the unusable folder is not offered
    assert "Could not save the transcript" in w.last_error_box.text()
    assert w.transcript.transcript.unsaved  # nothing pretended to be saved
    w.last_error_box.close()


def test_self_check_fails_the_user_data_check_without_a_traceback(unusable_user_data, tiny_model):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "arsl_desktop", "--model", str(tiny_model), "--self-check"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 1
    assert f"FAIL  user data folder: The user-data folder {unusable_user_data} cannot be used" in proc.stdout
    assert "self-check FAILED: user data folder" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


# -- plurals, first-start language ---------------------------------------------------------------
@pytest.mark.parametrize("n, form, text", [
    (0, "zero", "لا إشارات"), (1, "one", "إشارة واحدة"), (2, "two", "إشارتان"), (3, "few", "3 إشارات"),
    (10, "few", "10 إشارات"), (11, "many", "11 إشارة"), (82, "many", "82 إشارة"), (99, "many", "99 إشارة"),
    (100, "other", "100 إشارة"), (102, "other", "102 إشارة"), (103, "few", "103 إشارات"), (111, "many", "111 إشارة"),
])
def test_arabic_plural_forms(n, form, text):
    assert i18n.plural_form(n, "ar") == form
    i18n.set_language("ar")
    try:
        assert i18n.tr_n("signs", n) == text
    finally:
        i18n.set_language("en")
    assert i18n.tr_n("signs", n) == (f"{n} sign" if n == 1 else f"{n} signs")


def test_every_plural_has_all_forms_of_each_language():
    for key, langs in i18n.PLURALS.items():
        for lang, forms in i18n.PLURAL_FORMS.items():
            assert tuple(langs[lang]) == forms, (key, lang)


@pytest.mark.parametrize("locale, lang", [("ar_SA", "ar"), ("ar-EG", "ar"), ("en_US", "en"), ("C", "en"),
                                          ("fr_FR", "en")])
def test_language_for_locale(locale, lang):
    assert i18n.language_for_locale(locale) == lang


def test_first_start_follows_the_system_then_the_users_choice(window, tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    settings = AppSettings(tmp_path / "settings.json")
    w = window(settings, language=None)
    assert i18n.language() == "en" and w.actions["open_video"].text() == "Open video…"
    assert settings.language is None  # not chosen yet: a later start follows the system again
    w.set_language("ar")
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    window(AppSettings(tmp_path / "settings.json"), language=None)
    assert i18n.language() == "ar"  # the user's choice wins from now on
    i18n.set_language("en")


def test_status_bar_counts_signs_with_arabic_plurals(window):
    w = window(language="ar")
    assert w.status.model.text().endswith("(82 إشارة)")
    i18n.set_language("en")


# -- speech --------------------------------------------------------------------------------------
def test_speak_says_why_it_is_off_without_an_engine(window, qtbot, monkeypatch):
    QTextToSpeech = import_optional_qt("QtTextToSpeech").QTextToSpeech
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock"]))  # Qt's test engine only
    w = window()
    assert not w.speaker.available
    w.actions["speak"].trigger()  # the user switches it on
    assert not w.actions["speak"].isChecked()
    expected = "Speech is not available on this computer: no text-to-speech engine is installed"
    assert w.statusBar().currentMessage().startswith(expected)
    assert w.actions["speak"].toolTip().startswith(expected)


SPEAK_SCRIPT = """
from arsl_desktop.ui.app import create_application
app = create_application()
from arsl_desktop.ui.speech import Speaker
speaker = Speaker()
if not speaker.available:
    print("NO-ENGINE", speaker.reason, speaker.detail.replace(chr(10), " "))
    raise SystemExit(0)
from PySide6.QtTextToSpeech import QTextToSpeech
assert speaker.start(), speaker.unavailable_text()
states = []
speaker._tts.stateChanged.connect(states.append)
assert speaker.say_sign("\u0648\u062c\u0647", "Face")
while QTextToSpeech.State.Speaking not in states and QTextToSpeech.State.Error not in states:
    app.processEvents()
print("STATE", states[-1].name, "VOICE", speaker.voice_language(), speaker._tts.locale().language().name, flush=True)
speaker._tts.stop()
"""


def test_a_recognised_sign_is_spoken_in_arabic_where_there_is_a_voice(tmp_path):
    """In a child process: a speech daemon without an audio device can stop answering, and a test
    must not hang on it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        proc = subprocess.run([sys.executable, "-c", SPEAK_SCRIPT], capture_output=True, text=True, cwd=ROOT,
                              env=env, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.skip("the speech engine did not answer within 30 s (a speech daemon without audio output?)")
    assert proc.returncode == 0, proc.stderr[-2000:]
    if proc.stdout.startswith("NO-ENGINE tts_no_module"):
        pytest.skip(f"PySide6.QtTextToSpeech cannot load on this machine ({proc.stdout.split(maxsplit=2)[2].strip()}); "
                    "apt-get install libpulse0 speech-dispatcher espeak-ng to run this test")
    if proc.stdout.startswith("NO-ENGINE"):
        pytest.skip(f"no speech engine on this machine ({proc.stdout.split()[1]}); "
                    "apt-get install speech-dispatcher espeak-ng to run this test")
    state, voice, locale = proc.stdout.split()[1], proc.stdout.split()[3], proc.stdout.split()[4]
    assert state == "Speaking"
    assert (voice, locale) in (("ar", "Arabic"), ("en", "English"))  # Arabic voice if any, else the English gloss
