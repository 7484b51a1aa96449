"""Starts the window: fixes Qt's environment, loads the Arabic font, opens the source."""

from __future__ import annotations

import argparse
import logging
import sys

from arsl_desktop import paths
from arsl_desktop.ui.qt_env import prepare_qt_environment

log = logging.getLogger(__name__)
ICON_NAMES = ("app.png", "app.svg", "arsl-desktop.png", "arsl-desktop.svg")


def create_application(argv: list[str] | None = None):
    """The QApplication, created only after cv2's Qt variables are gone."""
    prepare_qt_environment()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from arsl_desktop.ui.fonts import apply_app_font

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(paths.ORG_NAME)
    app.setApplicationName(paths.APP_NAME)
    apply_app_font()
    for name in ICON_NAMES:
        icon = paths.resource("icons", name)
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
            break
    return app


def run_app(args: argparse.Namespace) -> int:
    """Open the main window on --video, --camera, or the remembered camera; run until closed."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = create_application()
    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    settings = AppSettings()
    window = MainWindow(settings, model_path=getattr(args, "model", None), language=getattr(args, "lang", None))
    app.aboutToQuit.connect(window.shutdown)  # quitting without closing the window still stops the threads
    window.show()
    video = getattr(args, "video", None)
    camera = getattr(args, "camera", None)
    if video is not None:
        window.open_video(video, loop=bool(getattr(args, "loop", False)))
    else:
        window.start_camera(camera if camera is not None else settings.camera)
    return app.exec()
