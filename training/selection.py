"""Which recordings a training run learns from and validates on (`TrainConfig`'s data fields).

Kept apart from `training.train` so that the ensemble, the figures and the evaluations select
data exactly as training does without importing the trainer.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from training.cache import Clip, load_cache
from training.discover import parse_ranges

log = logging.getLogger("training.train")


def _set(text: str) -> set[str] | None:
    return {s.strip() for s in text.split(",") if s.strip()} or None


def first_per_sign(clips: list[Clip], k: int) -> tuple[list[Clip], list[Clip]]:
    """(the first k clips by sample name of each sign and signer, the others), both in name order."""
    first, rest = [], []
    taken: dict[tuple[int, str], int] = {}
    for c in sorted(clips, key=lambda c: c.sample):
        key = (c.sign, c.signer)
        if taken.get(key, 0) < k:
            taken[key] = taken.get(key, 0) + 1
            first.append(c)
        else:
            rest.append(c)
    return first, rest


def _signs_and_count(spec: str) -> tuple[set[int], int]:
    """'78-82:4' -> ({78, ..., 82}, 4)."""
    signs, _, k = spec.partition(":")
    return parse_ranges(signs) or set(), int(k or 1)


def select_data(cfg) -> tuple[list[Clip], list[Clip], list[int]]:
    """Training clips, validation clips (disjoint) and the class ids (sorted sign ids)."""
    signs = parse_ranges(cfg.signs)
    train = load_cache(Path(cfg.cache), _set(cfg.train_signers), _set(cfg.train_splits), signs)
    val = load_cache(Path(cfg.cache), _set(cfg.val_signers), _set(cfg.val_splits), signs) if cfg.val_splits else []
    if cfg.borrow:
        # Signs with no training recordings learn from the first k TEST clips per sign and signer
        # (by name); evaluation never scores a clip a checkpoint was trained on.
        borrow_signs, k = _signs_and_count(cfg.borrow)
        pool = load_cache(Path(cfg.cache), _set(cfg.train_signers), {"test"}, borrow_signs)
        train += first_per_sign(pool, k)[0]
    if cfg.holdout:
        # "71-77:1", or groups with their own count: "72,73,75:2;71,74,76,77:1"
        ordered = sorted(train, key=lambda c: c.sample)
        val = []
        for group in cfg.holdout.split(";"):
            held_signs, k = _signs_and_count(group)
            val += first_per_sign([c for c in ordered if c.sign in held_signs], k)[1]
        held_back = {c.sample for c in val}
        train = [c for c in ordered if c.sample not in held_back]
    names = {c.sample for c in train}
    val = [c for c in val if c.sample not in names]
    if not train:
        raise ValueError(f"no training clips in {cfg.cache} for signs {cfg.signs}, signers "
                         f"'{cfg.train_signers or 'all'}', splits '{cfg.train_splits}'")
    class_ids = sorted({c.sign for c in train})
    if signs and len(class_ids) < len(signs):
        missing = sorted(signs - set(class_ids))
        log.warning("%d signs have no training clips and are left out: %s", len(missing), missing[:20])
    root = renderings_dir(cfg)
    if root is not None:
        train = train + renderings_of(train, root)
    return train, val, class_ids


# The webcam-like renderings' keypoint cache, beside the keypoint cache (`training.extract --webcam
# --out cache/webcam`): what the recipe learns beside each recording and the webcam cases test on.
WEBCAM_DIR = "webcam"


def beside_cache(cache: str | Path, path: str | Path) -> Path:
    """`path` as a folder: a relative one is taken beside the keypoint cache `cache`."""
    p = Path(path)
    return p if p.is_absolute() else Path(cache).parent / p


def learning_renderings(cfg, webcam: str | Path | None):
    """`cfg` learning the webcam-like renderings of the cache `webcam` where it learns any and one
    is given: a model must learn the renderings that its webcam rows are tested on (the default,
    `WEBCAM_DIR` beside the keypoint cache, would be another landmarker's for `--cache` elsewhere)."""
    if webcam is None or not getattr(cfg, "renderings", ""):
        return cfg
    return replace(cfg, renderings=str(Path(webcam).resolve()))


def renderings_dir(cfg) -> Path | None:
    """`cfg.renderings` as a folder (`beside_cache`), or None when off."""
    return beside_cache(cfg.cache, cfg.renderings) if getattr(cfg, "renderings", "") else None


def _key(c: Clip) -> tuple[str, str, int, str]:
    return c.signer, c.split, c.sign, c.sample


def renderings_of(clips: list[Clip], root: Path) -> list[Clip]:
    """The webcam-like rendering of each of `clips` (the same signer, split, sign and sample) in the
    cache `root`, in the clips' order; a recording without one is counted in a warning."""
    if not clips:
        return []
    wanted = {_key(c) for c in clips}
    found = {_key(c): c for c in load_cache(root, {c.signer for c in clips}, {c.split for c in clips},
                                            {c.sign for c in clips}) if _key(c) in wanted}
    if len(found) < len(wanted):
        log.warning("%d of %d recordings have no webcam-like rendering in %s (training.extract --webcam --out %s)",
                    len(wanted) - len(found), len(wanted), root, root)
    return [found[_key(c)] for c in clips if _key(c) in found]
