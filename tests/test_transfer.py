"""The transfer protocol's pieces: who is enrolled, and prototypes that name a new sign."""

from __future__ import annotations

import numpy as np

from arsl_desktop.core import features as F
from tests.training_synth import synth_clip
from training.enrolment import enrolment, prototype_scores


def test_enrolment_takes_the_first_k_training_recordings_of_one_signer():
    clips = [synth_clip(s, signer, split, k) for s in (71, 72) for signer in ("01", "02")
             for split in ("train", "test") for k in range(4)]
    chosen = enrolment(clips, "02", 2)
    assert [(c.sign, c.signer, c.split) for c in chosen] == [(71, "02", "train")] * 2 + [(72, "02", "train")] * 2
    assert [c.sample for c in chosen[:2]] == sorted(c.sample for c in clips
                                                    if c.sign == 71 and c.signer == "02" and c.split == "train")[:2]


def test_prototypes_name_a_sign_from_its_enrolled_examples():
    signs = [71, 72, 73]
    enrolled = [synth_clip(s, "01", "train", k) for s in signs for k in range(3)]
    queries = [synth_clip(s, "02", "test", 9) for s in signs]

    wrist = slice(F.RIGHT_COLS.start, F.RIGHT_COLS.start + 2)  # the signing wrist's path carries the sign

    def embed(x: np.ndarray) -> np.ndarray:  # a fixed stand-in for the model: the wrist path, centred
        path = x[:, :, wrist].reshape(len(x), -1)
        return path - path.mean(axis=1, keepdims=True)

    scores = prototype_scores(embed, enrolled, queries, signs, seq_len=16)
    assert scores.shape == (3, 3) and np.all(scores <= 1.0 + 1e-6)
    assert list(scores.argmax(axis=1)) == [0, 1, 2]
