"""The window's actions: menus, toolbar, keyboard shortcuts, and their texts in both languages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QSlider, QToolBar

from arsl_desktop.ui.i18n import language, tr

# name -> (i18n key, shortcut, checkable)
ACTIONS: dict[str, tuple[str, str, bool]] = {
    "open_video": ("open_video", "Ctrl+O", False),
    "choose_model": ("choose_model", "Ctrl+M", False),
    "save_transcript": ("save_transcript", "Ctrl+S", False),
    "quit": ("quit", "Ctrl+Q", False),
    "start_pause": ("start", "Space", False),
    "stop": ("stop", "Esc", False),
    "retry": ("retry", "F5", False),
    "loop": ("loop_video", "Ctrl+Shift+R", True),
    "refresh_cameras": ("refresh_cameras", "", False),
    "mirror": ("mirror", "M", True),
    "hands": ("show_hands", "H", True),
    "arms": ("show_arms", "A", True),
    "face": ("show_face", "F", True),
    "speak": ("speak", "S", True),
    "undo": ("undo", "Ctrl+Z", False),
    "clear": ("clear", "Ctrl+L", False),
    "copy": ("copy", "Ctrl+Shift+C", False),
    "signs_list": ("signs_list", "Ctrl+K", False),
    "teach_sign": ("teach_sign", "Ctrl+T", False),
    "my_signs": ("my_signs", "Ctrl+Shift+K", False),
    "learn": ("learn", "Ctrl+P", False),
    "shortcuts": ("shortcuts", "F1", False),
    "lang_ar": ("", "", True),
    "lang_en": ("", "", True),
    "toggle_language": ("menu_language", "Ctrl+Shift+L", False),
}
NATIVE_LANGUAGE_NAMES = {"lang_ar": "العربية", "lang_en": "English"}


class WindowActions:
    """Creates every QAction once; `retranslate` re-applies texts after a language switch."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.a: dict[str, QAction] = {}
        for name, (_, shortcut, checkable) in ACTIONS.items():
            act = QAction(window)
            act.setObjectName(f"action_{name}")
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setCheckable(checkable)
            window.addAction(act)  # shortcuts work even when the action is in no visible menu
            self.a[name] = act
        self.language_group = QActionGroup(window)
        for name in ("lang_ar", "lang_en"):
            self.language_group.addAction(self.a[name])
            self.a[name].setText(NATIVE_LANGUAGE_NAMES[name])  # always in its own language
        self.camera_combo = QComboBox(objectName="cameraCombo")
        self.camera_combo.setMinimumContentsLength(18)  # "Video: <file name>" or a camera's own name
        self.camera_label = QLabel()
        self.threshold_slider = QSlider(Qt.Orientation.Horizontal, objectName="thresholdSlider")
        self.threshold_slider.setRange(0, 100)
        self.threshold_slider.setSingleStep(5)
        self.threshold_slider.setPageStep(10)
        self.threshold_slider.setFixedWidth(120)
        self.threshold_label = QLabel()
        self._build_menus()
        self.toolbar = self._build_toolbar()

    def __getitem__(self, name: str) -> QAction:
        return self.a[name]

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        self.menus = {}
        layout = {
            "menu_file": ["open_video", "choose_model", None, "save_transcript", None, "quit"],
            "menu_source": ["start_pause", "stop", "retry", None, "loop", "refresh_cameras"],
            "menu_view": ["mirror", "hands", "arms", "face", None, "speak", None, "undo", "clear", "copy"],
            "menu_signs": ["teach_sign", "my_signs", "learn", None, "signs_list"],
            "menu_help": ["shortcuts"],
        }
        for key, names in layout.items():
            menu = bar.addMenu("")
            self.menus[key] = menu
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.a[name])
        self.language_menu = self.menus["menu_view"].addMenu("")
        self.language_menu.addAction(self.a["lang_ar"])
        self.language_menu.addAction(self.a["lang_en"])
        self.language_menu.addSeparator()
        self.language_menu.addAction(self.a["toggle_language"])

    def _build_toolbar(self) -> QToolBar:
        tb = QToolBar(objectName="mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.addWidget(self.camera_label)
        tb.addWidget(self.camera_combo)
        tb.addAction(self.a["open_video"])
        tb.addSeparator()
        tb.addAction(self.a["start_pause"])
        tb.addAction(self.a["stop"])
        tb.addSeparator()
        tb.addWidget(self.threshold_label)
        tb.addWidget(self.threshold_slider)
        tb.addSeparator()
        tb.addAction(self.a["mirror"])
        tb.addAction(self.a["hands"])
        tb.addAction(self.a["arms"])
        tb.addAction(self.a["face"])
        tb.addAction(self.a["speak"])
        tb.addSeparator()
        tb.addAction(self.a["teach_sign"])
        tb.addSeparator()
        tb.addAction(self.a["toggle_language"])
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        return tb

    def set_running(self, running: bool, paused: bool) -> None:
        self.a["start_pause"].setText(tr("pause") if running and not paused else tr("start"))
        self.a["stop"].setEnabled(running)

    def retranslate(self, running: bool, paused: bool) -> None:
        for name, (key, shortcut, _) in ACTIONS.items():
            if key:
                self.a[name].setText(tr(key))
            if shortcut:
                self.a[name].setToolTip(f"{self.a[name].text().replace('&', '')} ({shortcut})")
        # the toolbar button shows the other language's name: what pressing it switches to
        self.a["toggle_language"].setText("English" if language() == "ar" else "العربية")
        for key, menu in self.menus.items():
            menu.setTitle(tr(key))
        self.language_menu.setTitle(tr("menu_language"))
        self.camera_label.setText(tr("camera") + " ")
        self.threshold_slider.setToolTip(tr("threshold_tip"))
        self.set_running(running, paused)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(action text, key) for the shortcuts dialog, in the current language."""
        rows = []
        for name, (key, shortcut, _) in ACTIONS.items():
            if shortcut and key:
                text = tr("start") + " / " + tr("pause") if name == "start_pause" else tr(key)
                rows.append((text.replace("&", ""), QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)))
        return rows
