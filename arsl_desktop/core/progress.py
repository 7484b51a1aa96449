"""Practice progress: each sign's best and last score, attempts, and when it is due again.

    <user data>/progress.json   {"format": "arsl-progress/1", "signs": {"karsl:71": {...}, "personal:lamp": {...}}}

Keys: `karsl:<id>` for a KArSL sign, `personal:<folder key>` for a personal sign. The file is
written atomically (temporary file, then rename: `userdata.atomic_write_text`). A damaged file
(not JSON, another format, a malformed entry) is never deleted: it is renamed aside to
`progress.damaged-<time>.json`, `problem` says so (the window shows it), and practice goes on
with the entries that could be read (none if the file itself is unreadable). If it cannot be
renamed aside, nothing is written over it for the rest of the session.

Spaced repetition (Leitner boxes): a sign never tried counts as box 1; a pass moves it up a
box (at most `MAX_BOX`), a failure sends it back to box 1 (due again at once). A sign is due `INTERVAL_DAYS[box]` after
its last attempt. `order` puts a deck's signs in the order they need practice.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from arsl_desktop import paths
from arsl_desktop.userdata import atomic_write_text, describe

FORMAT = "arsl-progress/1"
FILE_NAME = "progress.json"
MAX_BOX = 5
INTERVAL_DAYS = {1: 0.0, 2: 1.0, 3: 3.0, 4: 7.0, 5: 14.0}  # box -> days until due again


def karsl_key(sign_id: int) -> str:
    return f"karsl:{int(sign_id)}"


def personal_key(key: str) -> str:
    return f"personal:{key}"


def now() -> _dt.datetime:
    return _dt.datetime.now().astimezone().replace(microsecond=0)


@dataclass(frozen=True)
class SignProgress:
    best: float  # 0-100
    last: float
    attempts: int
    passes: int
    last_date: str  # ISO 8601 with the time zone: when the last attempt was made
    last_passed: bool
    box: int  # Leitner box 1..MAX_BOX

    @property
    def last_time(self) -> _dt.datetime:
        return _dt.datetime.fromisoformat(self.last_date)

    def due(self) -> _dt.datetime:
        return self.last_time + _dt.timedelta(days=INTERVAL_DAYS[self.box])

    @classmethod
    def parse(cls, data: object) -> SignProgress:
        """One stored entry; raises ValueError if it is not one this module wrote."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        p = cls(float(data["best"]), float(data["last"]), int(data["attempts"]), int(data["passes"]),
                str(data["last_date"]), bool(data["last_passed"]), int(data["box"]))
        if not (0 <= p.last <= 100 and 0 <= p.best <= 100 and p.best >= p.last and 0 <= p.passes <= p.attempts
                and p.attempts >= 1 and 1 <= p.box <= MAX_BOX):
            raise ValueError("values out of range")
        p.last_time  # noqa: B018 - raises ValueError on a bad date
        return p


def updated(old: SignProgress | None, score: float, passed: bool, when: _dt.datetime) -> SignProgress:
    """The progress after one more attempt."""
    score = round(min(100.0, max(0.0, float(score))), 1)
    box = 1 if not passed else min(MAX_BOX, (old.box if old else 1) + 1)
    if old is None:
        return SignProgress(score, score, 1, int(passed), when.isoformat(), passed, box)
    return SignProgress(max(old.best, score), score, old.attempts + 1, old.passes + int(passed),
                        when.isoformat(), passed, box)


def order(keys: Sequence[str], entries: dict[str, SignProgress], when: _dt.datetime | None = None) -> list[str]:
    """The deck's signs in the order they need practice (deterministic; ties keep the deck's order):

    1. never tried;
    2. failed at the last attempt, lowest last score first;
    3. due again (interval of their box passed), most overdue first;
    4. the rest, soonest due first.
    """
    when = when or now()

    def rank(item: tuple[int, str]) -> tuple:
        i, key = item
        p = entries.get(key)
        if p is None:
            return (0, 0.0, i)
        if not p.last_passed:
            return (1, p.last, i)
        overdue = (when - p.due()).total_seconds()
        if overdue >= 0:
            return (2, -overdue, i)
        return (3, -overdue, i)

    return [key for _, key in sorted(enumerate(keys), key=rank)]


class ProgressStore:
    """progress.json in the user-data folder (or `path`): read once, written on every attempt."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.user_data_root() / FILE_NAME
        self.entries: dict[str, SignProgress] = {}
        self.problem: str | None = None  # what went wrong reading or writing, for the window
        self.damaged_copy: Path | None = None  # where a damaged file was kept
        self._writable = True  # False when a damaged file could not be moved aside
        self._load()

    def get(self, key: str) -> SignProgress | None:
        return self.entries.get(key)

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self._writable = False
            self.problem = (f"Your practice progress ({self.path}) cannot be read ({describe(exc)}); practice goes on "
                            "without it and it is not changed.")
            return
        bad = 0
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("signs"), dict):
                raise ValueError("not a progress file of this app")
        except (ValueError, UnicodeDecodeError) as exc:
            self._keep_damaged(f"it is damaged ({exc.__class__.__name__})", 0)
            return
        for key, value in data["signs"].items():
            try:
                self.entries[str(key)] = SignProgress.parse(value)
            except (ValueError, KeyError, TypeError, OverflowError):
                bad += 1
        if bad:
            self._keep_damaged(f"{bad} of its entries are damaged", len(self.entries))

    def _keep_damaged(self, why: str, kept: int) -> None:
        stamp = now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"progress.damaged-{stamp}.json")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"progress.damaged-{stamp}-{n}.json")
        try:
            self.path.rename(target)
        except OSError as exc:
            self._writable = False
            self.problem = (f"Your practice progress ({self.path}) could not be read: {why}. It could not be moved "
                            f"aside ({describe(exc)}), so it is left as it is and nothing is saved this time.")
            return
        self.damaged_copy = target
        rest = f"the {kept} readable entries are used" if kept else "practice starts again from no progress"
        self.problem = f"Your practice progress could not be read: {why}. It was kept as {target}; {rest}."

    def record(self, key: str, score: float, passed: bool, when: _dt.datetime | None = None) -> SignProgress:
        """Add one attempt and write the file; raises OSError if it cannot be written (the
        attempt is still counted for this session)."""
        p = updated(self.entries.get(key), score, passed, when or now())
        self.entries[key] = p
        self.save()
        return p

    def save(self) -> None:
        if not self._writable:
            raise OSError(f"{self.path} is left untouched (it could not be read)")
        data = {"format": FORMAT, "signs": {k: asdict(v) for k, v in sorted(self.entries.items())}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def pass_rate(entries: dict[str, SignProgress], keys: Sequence[str]) -> tuple[int, int]:
    """(signs passed at their last attempt, signs tried) among `keys`."""
    tried = [entries[k] for k in keys if k in entries]
    return sum(p.last_passed for p in tried), len(tried)
