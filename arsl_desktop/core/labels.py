"""The KArSL-502 label table: id, Arabic word, English gloss, category.

Read from `resources/labels/karsl502.json` (built from the official table by
`python -m training.labels_table`). Models name their classes by these ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from arsl_desktop import paths
from arsl_desktop.core.errors import LabelsError, ModelIncompatible


@dataclass(frozen=True)
class Sign:
    id: int | None  # None: a word the user taught that is not a KArSL sign
    ar: str
    en: str
    category: str
    topic: str


class LabelTable:
    """All 502 signs by id."""

    def __init__(self, signs: list[Sign]) -> None:
        self._by_id = {s.id: s for s in signs}
        if len(self._by_id) != len(signs):
            raise LabelsError("The label table repeats a sign id.")

    def __len__(self) -> int:
        return len(self._by_id)

    def __getitem__(self, sign_id: int) -> Sign:
        try:
            return self._by_id[int(sign_id)]
        except KeyError:
            raise LabelsError(f"Sign id {sign_id} is not in the KArSL-502 label table.") from None

    def get(self, sign_id: int) -> Sign | None:
        return self._by_id.get(int(sign_id))

    def __iter__(self):
        return iter(sorted(self._by_id.values(), key=lambda s: s.id))

    def search(self, text: str, ids: list[int] | None = None) -> list[Sign]:
        """Signs whose Arabic word or English gloss contains `text` (case-insensitive)."""
        needle = text.strip().casefold()
        pool = [self[i] for i in ids] if ids is not None else list(self)
        if not needle:
            return pool
        return [s for s in pool if needle in s.ar.casefold() or needle in s.en.casefold() or needle == str(s.id)]


def require_known_ids(class_ids: list[int], labels: LabelTable, model_name: str) -> None:
    """Refuse a model that names signs the label table does not have (it would fail on every input)."""
    unknown = [int(i) for i in class_ids if labels.get(i) is None]
    if unknown:
        shown = ", ".join(str(i) for i in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise ModelIncompatible(f"{model_name} names {len(unknown)} sign id(s) that are not in the KArSL-502 "
                                f"label table ({shown}). Choose a model exported for KArSL-502.")


def load_labels(path: Path | None = None) -> LabelTable:
    path = path or paths.labels_file()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        signs = [Sign(int(s["id"]), str(s["ar"]), str(s["en"]), str(s["category"]), str(s.get("topic", "")))
                 for s in data["signs"]]
    except FileNotFoundError:
        raise LabelsError(f"Label table not found at {path}. Reinstall the app.") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise LabelsError(f"Label table {path} is malformed: {exc}") from None
    return LabelTable(signs)


@lru_cache(maxsize=1)
def default_labels() -> LabelTable:
    return load_labels()
