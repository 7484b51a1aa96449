"""Find KArSL samples on disk and describe them, without reading any image.

KArSL trees come in several shapes (frame folders, videos, a doubled signer folder such as
`01/01/train/...`). Everything needed is in the sample name `<category>_<signer>_<signid>_(...)`
and the nearest `train`/`test` folder above it, so the walk does not depend on the depth.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from arsl_desktop.core.sources import IMAGE_SUFFIXES, VIDEO_SUFFIXES

SAMPLE_NAME = re.compile(r"^(\d{2})_(\d{2})_(\d{4})_")
SPLITS = ("train", "test", "val")


@dataclass(frozen=True)
class SampleRef:
    """One recording: where it is and what it shows."""

    signer: str  # "01"
    split: str  # "train" | "test" | "val" | "unknown"
    sign: int  # KArSL sign id
    sample: str  # sample name (folder name or video stem)
    path: Path
    kind: str  # "frames" | "video"

    @property
    def key(self) -> str:
        """Cache key, identical for the frame folder and the video of one recording."""
        return f"{self.signer}/{self.split}/{self.sign:04d}/{self.sample}"


def parse_ranges(text: str | None) -> set[int] | None:
    """'1-70,75,80-82' -> {1..70, 75, 80, 81, 82}; None or '' means no filter."""
    if not text:
        return None
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi or lo)
        except ValueError:
            raise ValueError(f"bad sign range '{part}' (expected e.g. 1-82,100)") from None
        if a > b:
            raise ValueError(f"bad sign range '{part}': start after end")
        out.update(range(a, b + 1))
    return out


def _split_of(path: Path, root: Path) -> str:
    for parent in path.relative_to(root).parents:
        if parent.name.lower() in SPLITS:
            return parent.name.lower()
    return "unknown"


def _parse(name: str) -> tuple[str, int] | None:
    m = SAMPLE_NAME.match(name)
    return (m.group(2), int(m.group(3))) if m else None


def discover(root: str | Path, videos: bool = False, signers: set[str] | None = None,
             splits: set[str] | None = None, signs: set[int] | None = None) -> list[SampleRef]:
    """All samples under `root`, sorted by key. Frame folders always; videos when `videos`.

    A video whose recording also exists as a frame folder is left out, so one recording is
    never counted twice (KArSL ships signer 01's signs 1-70 both ways).
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"KArSL folder not found: {root}")
    frames: dict[str, SampleRef] = {}
    vids: dict[str, SampleRef] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames.sort()
        here = Path(dirpath)
        parsed = _parse(here.name)
        if parsed and any(Path(f).suffix.lower() in IMAGE_SUFFIXES for f in filenames):
            ref = SampleRef(parsed[0], _split_of(here, root), parsed[1], here.name, here, "frames")
            frames[ref.key] = ref
            dirnames.clear()
            continue
        if videos:
            for f in filenames:
                p = here / f
                parsed = _parse(p.stem)
                if parsed and p.suffix.lower() in VIDEO_SUFFIXES:
                    ref = SampleRef(parsed[0], _split_of(p, root), parsed[1], p.stem, p, "video")
                    vids[ref.key] = ref
    merged = dict(vids)
    merged.update(frames)  # frames win over the video of the same recording
    refs = [r for r in merged.values()
            if (signers is None or r.signer in signers)
            and (splits is None or r.split in splits)
            and (signs is None or r.sign in signs)]
    return sorted(refs, key=lambda r: r.key)
