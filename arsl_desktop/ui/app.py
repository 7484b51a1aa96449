"""Starts the window: fixes Qt's environment, loads the Arabic font, opens the source."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import deque

from arsl_desktop import paths
from arsl_desktop.qt_platform import display_problem, fatal_message
from arsl_desktop.ui.qt_env import prepare_qt_environment

log = logging.getLogger(__name__)
_recent_qt_messages: deque[str] = deque(maxlen=3)  # the warnings before a fatal one say what is missing
_started = False  # the (Gui)Application exists: a later fatal message is not about the platform plugin
ICON_NAMES = ("app.png", "app.svg", "arsl-desktop.png", "arsl-desktop.svg")


def _qt_message(mode, context, message: str) -> None:
    """Qt's own messages go straight to the real stderr (not through the native-log pipe, whose
    reader thread dies with the process when Qt aborts). A fatal one - Qt cannot start its
    platform plugin - ends the process with one clear line and status 1 instead of an abort."""
    from PySide6.QtCore import QtMsgType

    try:
        if mode == QtMsgType.QtFatalMsg:
            if not _started:  # QApplication() itself failed: the platform plugin could not start
                reason = " ".join(_recent_qt_messages) or message
                print(f"arsl-desktop: error: {fatal_message(reason)}", file=sys.stderr, flush=True)
            else:
                print(f"arsl-desktop: fatal Qt error: {message}", file=sys.stderr, flush=True)
            os._exit(1)
        _recent_qt_messages.append(message)
        category = getattr(context, "category", None) or "default"
        print(message if category == "default" else f"{category}: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        if mode == QtMsgType.QtFatalMsg:
            os._exit(1)


# The camera list loads Qt Multimedia's FFmpeg backend, which reports every optional video
# acceleration library it does not find; users need none of that (ARSL_DEBUG=1 shows it).
QUIET_QT_CATEGORIES = "qt.multimedia.ffmpeg.info=false\nqt.multimedia.symbolsresolver.warning=false"


def install_qt_message_handler() -> None:
    from PySide6.QtCore import QLoggingCategory, qInstallMessageHandler

    if not os.environ.get("ARSL_DEBUG"):
        QLoggingCategory.setFilterRules(QUIET_QT_CATEGORIES)
    qInstallMessageHandler(_qt_message)


def create_application(argv: list[str] | None = None):
    """The QApplication, created only after cv2's Qt variables are gone."""
    prepare_qt_environment()
    install_qt_message_handler()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from arsl_desktop.ui.fonts import apply_app_font

    global _started
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    _started = True
    app.setOrganizationName(paths.ORG_NAME)
    app.setApplicationName(paths.APP_NAME)
    apply_app_font()
    for name in ICON_NAMES:
        icon = paths.resource("icons", name)
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
            break
    return app


def install_sigterm_handler(window=None):
    """SIGTERM (logout, `kill`, a service manager) closes the window without asking, autosaving an
    unsaved transcript. Python runs the handler between bytecodes on the GUI thread; the window's
    timers give it that chance even while Qt's loop is idle.

    Installed before anything is written or built, so a SIGTERM during start-up is not lost to the
    default action: it is remembered and honoured once the window exists. Returns `attach(window)`.
    """
    import signal

    from PySide6.QtCore import QTimer

    state: dict = {"window": None, "pending": False}

    def on_term(signum, frame) -> None:
        if state["window"] is None:
            state["pending"] = True
        else:
            QTimer.singleShot(0, state["window"].terminate)

    def attach(w) -> None:
        state["window"] = w
        if state["pending"]:
            QTimer.singleShot(0, w.terminate)

    signal.signal(signal.SIGTERM, on_term)
    if window is not None:
        attach(window)
    return attach


def run_app(args: argparse.Namespace) -> int:
    """Open the main window on --video, --camera, or the remembered camera; run until closed."""
    problem = display_problem()
    if problem:
        print(f"arsl-desktop: error: {problem}", file=sys.stderr, flush=True)
        return 1
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = create_application()
    attach_window = install_sigterm_handler()
    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    settings = AppSettings()
    if settings.problem or not settings.sync():
        print(f"arsl-desktop: warning: {settings.problem}", file=sys.stderr, flush=True)
    window = MainWindow(settings, model_path=getattr(args, "model", None), language=getattr(args, "lang", None))
    app.aboutToQuit.connect(window.shutdown)  # quitting without closing the window still stops the threads
    attach_window(window)
    window.show()
    video = getattr(args, "video", None)
    camera = getattr(args, "camera", None)
    if video is not None:
        window.controller.open_video(video, loop=bool(getattr(args, "loop", False)))
    else:
        window.controller.start_camera(camera if camera is not None else settings.camera)
    return app.exec()


def probe_platform() -> int:
    """`arsl-desktop --qt-probe` (run by `qt_platform.probe` in a child process): start the
    platform plugin and print its name; a fatal Qt error exits 1 with its reason on stderr."""
    prepare_qt_environment()
    install_qt_message_handler()
    from PySide6 import __version__ as pyside_version
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    print(f"platform plugin '{app.platformName()}' started (PySide6 {pyside_version})", flush=True)
    return 0
