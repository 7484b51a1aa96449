"""The "My signs" dialog: the personal signs on disk, renamed, deleted, replayed, packed.

Every action goes through `PersonalStore` (or `personal_pack` for .zip packs), which another
process may use at the same time; the table is re-read after each action. A refused action says
why under the table and changes nothing. Damaged entries are listed with their problem, never
deleted from here unless the user deletes a readable sign.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arsl_desktop.core import personal_pack
from arsl_desktop.core.labels import LabelTable
from arsl_desktop.core.personal_store import Example, PersonalSign, PersonalStore, StoreError, forget_unlisted
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import isolate, tr, tr_n
from arsl_desktop.ui.pack_import import PackImport, hand_question
from arsl_desktop.ui.skeleton_view import SkeletonReplay

COLUMNS = ("col_name_ar", "col_name_en", "col_karsl", "col_examples", "col_date", "col_problems")


class NamesDialog(QDialog):
    """Arabic and English names of one sign (English required)."""

    def __init__(self, sign: PersonalSign, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("rename_title", name=sign.ar or sign.en))
        self.ar = QLineEdit(sign.ar)
        self.ar.setFont(arabic_font(14))
        self.ar.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.en = QLineEdit(sign.en)
        form = QFormLayout(self)
        form.addRow(tr("name_ar"), self.ar)
        form.addRow(tr("name_en"), self.en)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def examples_cell(examples: list[Example]) -> str:
    """"4 examples (teacher 3, sara 1)": how many, and who recorded them (a pack can hold several people)."""
    by: dict[str, int] = {}
    for ex in examples:
        by[ex.recorded_by] = by.get(ex.recorded_by, 0) + 1
    who = ", ".join(f"{isolate(name) if name else tr('recorder_unknown')} {n}" for name, n in by.items())
    return tr_n("examples", len(examples)) + (f" ({who})" if any(by) else "")  # nobody named: nothing to add


class MySignsDialog(QDialog):
    record_yourself = Signal(object)  # the PersonalSign to add one's own recording to
    imported = Signal()  # a pack added signs to the store
    import_done = Signal(bool)  # an import ended: whether the pack was read (False: refused or failed)

    def __init__(self, labels: LabelTable, store: PersonalStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mySignsDialog")
        self.labels = labels
        self.store = store or PersonalStore()
        self.signs: list[PersonalSign] = []
        self.examples: dict[str, list[Example]] = {}
        self._job: PackImport | None = None  # the import being written, if any
        self._known: dict[tuple, Example] = {}  # examples read, by file, modification time and size
        self.table = QTableWidget(0, len(COLUMNS), objectName="mySignsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.empty = QLabel(wordWrap=True)
        self.problems = QLabel(wordWrap=True, objectName="mySignsProblems")
        self.problems.setStyleSheet("color: #c05621;")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel(wordWrap=True, objectName="mySignsMessage")
        self.example_label = QLabel()
        self.example = QComboBox()
        self.example.currentIndexChanged.connect(self._replay)
        self.replay = SkeletonReplay(self)
        self.buttons = {k: QPushButton() for k in ("record_yourself", "rename", "delete", "export_selected",
                                                   "export_all", "import_pack", "close")}
        b = self.buttons
        b["record_yourself"].clicked.connect(lambda: self.record_yourself.emit(self.selected()[0]))
        b["rename"].clicked.connect(self.rename_selected)
        b["delete"].clicked.connect(self.delete_selected)
        b["export_selected"].clicked.connect(lambda: self.export_dialog(selected=True))
        b["export_all"].clicked.connect(lambda: self.export_dialog(selected=False))
        b["import_pack"].clicked.connect(self.import_dialog)
        b["close"].clicked.connect(self.close)
        side = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.example_label)
        row.addWidget(self.example, 1)
        side.addLayout(row)
        side.addWidget(self.replay, 1)
        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.empty)
        left.addWidget(self.problems)
        top.addLayout(left, 2)
        top.addLayout(side, 1)
        actions = QHBoxLayout()
        for k in ("record_yourself", "rename", "delete", "export_selected", "export_all", "import_pack"):
            actions.addWidget(b[k])
        actions.addStretch()
        actions.addWidget(b["close"])
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self.resize(1000, 560)
        self.retranslate()

    # -- contents ---------------------------------------------------------------------------
    def reload(self) -> None:
        self._show(self._read())

    def _read(self) -> tuple[list[PersonalSign], list[str], dict[str, tuple[list[Example], list[str]]]]:
        """The store's signs, its problems and each sign's readable examples and problems: file
        reading only (no widget), so that an import's thread can do it too. Examples read before
        and unchanged on disk are not read again (after a rename, a delete or an import, only
        what is new is read)."""
        contents = self.store.load()
        known = dict(self._known)  # a copy: an import's thread and the GUI may read at once
        read = {s.key: self.store.examples(s, known) for s in contents.signs}
        forget_unlisted(known, contents.signs)
        self._known = known
        return list(contents.signs), list(contents.problems), read

    def _show(self, read: tuple[list[PersonalSign], list[str], dict[str, tuple[list[Example], list[str]]]]) -> None:
        self.signs, problems, examples = read
        self.examples = {key: good for key, (good, _) in examples.items()}
        self.table.setRowCount(len(self.signs))
        big = arabic_font(14)
        for r, s in enumerate(self.signs):
            good, bad = examples[s.key]
            problems.extend(bad)
            known = self.labels.get(s.karsl_id) if s.karsl_id is not None else None
            karsl = f"{s.karsl_id} — {known.ar}" if known else (str(s.karsl_id) if s.karsl_id else tr("new_word"))
            issue = "" if not bad else "; ".join(bad)
            cells = [s.ar, s.en, karsl, examples_cell(good), s.created[:10], issue]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setFont(big)
                if c == 5 and issue:
                    item.setToolTip(issue)
                self.table.setItem(r, c, item)
        self.setWindowTitle(tr("my_signs_title", n=len(self.signs)))
        self.empty.setText(tr("no_personal_signs"))
        self.empty.setVisible(not self.signs)
        self.problems.setText("\n".join([tr("personal_problems"), *problems]) if problems else "")
        self.problems.setVisible(bool(problems))
        self.buttons["export_all"].setEnabled(bool(self.signs) and self._job is None)
        self.select([self.signs[0].key] if self.signs else [])

    def select(self, keys: list[str]) -> None:
        """Select the rows of these signs only (whatever keys are held down)."""
        model = self.table.selectionModel()
        model.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for r, s in enumerate(self.signs):
            if s.key in keys:
                model.select(self.table.model().index(r, 0), flags)
        self._on_selection()

    def selected(self) -> list[PersonalSign]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.signs[r] for r in rows if r < len(self.signs)]

    def _on_selection(self) -> None:
        chosen = self.selected()
        free = self._job is None  # an import is being written: no other change meanwhile
        for k in ("record_yourself", "rename", "delete"):
            self.buttons[k].setEnabled(free and len(chosen) == 1)
        self.buttons["export_selected"].setEnabled(free and bool(chosen))
        self.buttons["import_pack"].setEnabled(free)
        self.example.blockSignals(True)
        self.example.clear()
        if chosen:
            n = len(self.examples.get(chosen[0].key, []))
            self.example.addItems([str(i) for i in range(1, n + 1)])
        self.example.blockSignals(False)
        self._replay()

    def _replay(self, *_) -> None:
        chosen = self.selected()
        examples = self.examples.get(chosen[0].key, []) if chosen else []
        i = self.example.currentIndex()
        self.replay.play(examples[i].keypoints() if 0 <= i < len(examples) else [])

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c53030;" if error else "color: #2f855a;")

    def _failed(self, exc: Exception) -> None:
        self._say(tr("store_failed", detail=isolate(str(exc))), error=True)

    # -- actions (the *_dialog / *_selected methods ask, the others do) -----------------------
    def _change(self, action) -> bool:
        """Run one store change; a refusal is said in the dialog, success re-reads the list."""
        try:
            action()
        except StoreError as exc:
            self._failed(exc)
            return False
        self._say("")
        self.reload()
        return True

    def rename(self, key: str, en: str, ar: str) -> bool:
        return self._change(lambda: self.store.rename(key, en=en, ar=ar))

    def rename_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        box = NamesDialog(chosen[0], self)
        if box.exec() == QDialog.DialogCode.Accepted:
            self.rename(chosen[0].key, box.en.text(), box.ar.text())

    def delete(self, key: str) -> bool:
        return self._change(lambda: self.store.remove(key))

    def delete_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        s = chosen[0]
        B = QMessageBox.StandardButton
        answer = QMessageBox.question(self, tr("delete_title"), tr(
            "delete_text", name=s.ar or s.en, examples=tr_n("examples", len(s.examples))), B.Yes | B.No, B.No)
        if answer == B.Yes:
            self.delete(s.key)

    def export_to(self, path: Path, keys: list[str]) -> bool:
        try:
            result = personal_pack.export_pack(self.store, Path(path), keys)
        except StoreError as exc:
            self._failed(exc)
            return False
        text = tr("exported", signs=tr_n("personal_signs", len(result.signs)), path=isolate(str(path)))
        self._say("\n".join([text, *result.problems]), error=bool(result.problems))
        return True

    def export_dialog(self, selected: bool) -> None:
        keys = [s.key for s in self.selected()] if selected else []
        path, _ = QFileDialog.getSaveFileName(self, tr("export_selected" if selected else "export_all"),
                                              str(Path.home() / "personal-signs.zip"), tr("packs_filter"))
        if path:
            self.export_to(Path(path) if path.lower().endswith(".zip") else Path(path + ".zip"), keys)

    def import_from(self, path: Path, mirror: bool = False) -> None:
        """Import a pack on a thread (hundreds of signs take seconds to check and write; the window
        goes on meanwhile, the dialog's changes wait), then show what came in: `import_done`
        says whether the pack was read."""
        if self._job is not None:
            return
        self._job = job = PackImport(self.store, self.labels, self._read)
        job.finished.connect(self._imported)
        self._say(tr("importing", path=isolate(Path(path).name)))
        self._on_selection()
        job.start(Path(path), mirror)

    def _imported(self, outcome: object) -> None:
        self._job = None
        if isinstance(outcome, BaseException):
            self._failed(outcome)
            self._on_selection()
            self.import_done.emit(False)
            return
        result, mirror, read = outcome
        done = "imported_mirrored" if mirror and result.imported else "imported"
        lines = [tr(done, signs=tr_n("personal_signs", len(result.imported)))]
        lines += [tr("import_skipped", detail=f"{name}: {why}") for name, why in result.skipped]
        lines += [tr("import_record_yourself")] if result.imported else []
        self._say("\n".join(lines), error=bool(result.skipped))
        self._show(read)
        if result.imported:  # the first one selected: "Record yourself…" is one click away
            self.select([s.key for s in self.signs if s.en == result.imported[0]][:1])
            self.imported.emit()
        self.import_done.emit(True)

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("import_pack"), str(Path.home()), tr("packs_filter"))
        if not path:
            return
        box = hand_question(self)
        box.exec()
        clicked = box.clickedButton()
        if clicked is None or clicked.objectName() == "cancelImport":
            return
        self.import_from(Path(path), mirror=clicked.objectName() == "otherHand")

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([tr(k) for k in COLUMNS])
        self.example_label.setText(tr("replay_example"))
        for k, button in self.buttons.items():
            button.setText(tr(k))
        self.reload()

    def closeEvent(self, event) -> None:
        self.replay.stop()
        super().closeEvent(event)
