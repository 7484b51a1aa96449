"""The single definition of the keypoint schema and its normalisation (versioned).

The app and `training/` both call these functions; nothing else may re-implement them.
A model records `SCHEMA_VERSION`; the classifier refuses a model built for another one.

Keypoint layout (one array per frame, MediaPipe's normalised image coordinates):
    pose 33 | face subset 25 | left hand 21 | right hand 21   -> (100, 3)
with a presence mask per part (pose, face, left hand, right hand).

Features per frame (`FEATURE_DIM` = 282), all body-relative:
    pose subset xy - shoulder centre, / shoulder width            15 x 2
    face subset xy - shoulder centre, / shoulder width            25 x 2
    per hand: wrist xy - shoulder centre, / shoulder width         2
              20 joints xyz - wrist, / hand size (wrist to MCP9)   60
              invariant hand shape (`core.handshape`)              37
              present flag                                         1
    pose present, face present                                     2
Missing parts are zeros with their present flag 0: explicit, never guessed.

Two switches, both OFF in the app because validation did not support them (results table in
docs/TRAINING.md); training turns them on to measure them, and the invariant columns stay in
the layout (zero when off) so every variant keeps one model interface:
`shape`: the invariant hand-shape columns are computed (else zero).
`canonical`: a clip signed with one hand, and that hand
the signer's LEFT (held higher in signing space over the clip, the other hand less than half
as much), is mirrored first, so a one-handed sign is always made by the right hand. Signers
switch hands between recordings, and left-handed users sign mirrored. Two-handed clips are
left as they are: which hand "signs more" is a coin toss there, and mirroring some recordings
of a sign and not others would split it in two.
"""

from __future__ import annotations

import numpy as np

from arsl_desktop.core.handshape import HANDSHAPE_DIM, handshape

# Raw keypoints (what the landmarker writes, the training cache and personal examples store):
# v2 = MediaPipe Tasks pose/hand/face landmarkers, hands assigned by the pose wrists.
KEYPOINT_SCHEMA = "arsl-kp-v2"
FEATURES_VERSION = "feat-v2"  # v2: layout with invariant hand-shape columns (see the switches)
# What a model is built for: both halves must match this app.
SCHEMA_VERSION = f"{KEYPOINT_SCHEMA}+{FEATURES_VERSION}"

N_POSE = 33
FACE_IDX = np.array([10, 152, 234, 454, 1, 33, 133, 362, 263, 159, 145, 386, 374,
                     70, 105, 107, 300, 334, 336, 61, 291, 0, 17, 13, 14])
N_FACE = len(FACE_IDX)
N_HAND = 21
POSE_SL = slice(0, N_POSE)
FACE_SL = slice(N_POSE, N_POSE + N_FACE)
LEFT_SL = slice(N_POSE + N_FACE, N_POSE + N_FACE + N_HAND)
RIGHT_SL = slice(N_POSE + N_FACE + N_HAND, N_POSE + N_FACE + 2 * N_HAND)
N_KEYPOINTS = RIGHT_SL.stop
PARTS = ("pose", "face", "left_hand", "right_hand")
POSE, FACE, LEFT, RIGHT = range(4)

POSE_FEATURE_IDX = np.array([0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 19, 20, 23, 24])
L_SHOULDER, R_SHOULDER, L_WRIST, R_WRIST = 11, 12, 15, 16

# Feature column layout
_P = 2 * len(POSE_FEATURE_IDX)
_F = 2 * N_FACE
_H = 2 + 3 * (N_HAND - 1) + HANDSHAPE_DIM + 1
POSE_COLS = slice(0, _P)
FACE_COLS = slice(_P, _P + _F)
LEFT_COLS = slice(_P + _F, _P + _F + _H)
RIGHT_COLS = slice(_P + _F + _H, _P + _F + 2 * _H)
# Within a hand block: where the invariant hand-shape columns start (after wrist xy, 20 joints)
HANDSHAPE_OFFSET = 2 + 3 * (N_HAND - 1)
POSE_FLAG_COL = RIGHT_COLS.stop
FACE_FLAG_COL = POSE_FLAG_COL + 1
FEATURE_DIM = FACE_FLAG_COL + 1
# Columns that belong to each part (for presence-aware resampling), in PARTS order.
PART_COLS = (
    np.r_[POSE_COLS, POSE_FLAG_COL],
    np.r_[FACE_COLS, FACE_FLAG_COL],
    np.r_[LEFT_COLS],
    np.r_[RIGHT_COLS],
)

# A hand counts as raised into signing space when its wrist is above this many shoulder
# widths below the shoulder centre (roughly the lower ribs; resting hands lie lower).
RAISED_Y = 1.25
# A clip counts as one-handed when the other hand's activity is below this share of the signing hand's.
ONE_HANDED = 0.5
_EPS = 1e-4
_CLIP = 8.0


def _mirror_permutation() -> np.ndarray:
    pose_pairs = [(1, 4), (2, 5), (3, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16), (17, 18),
                  (19, 20), (21, 22), (23, 24), (25, 26), (27, 28), (29, 30), (31, 32)]
    face_pairs = [(234, 454), (33, 263), (133, 362), (159, 386), (145, 374), (70, 300), (105, 334),
                  (107, 336), (61, 291)]
    perm = np.arange(N_KEYPOINTS)
    for a, b in pose_pairs:
        perm[a], perm[b] = b, a
    pos = {int(f): i for i, f in enumerate(FACE_IDX)}
    for a, b in face_pairs:
        perm[N_POSE + pos[a]], perm[N_POSE + pos[b]] = N_POSE + pos[b], N_POSE + pos[a]
    perm[LEFT_SL], perm[RIGHT_SL] = np.arange(RIGHT_SL.start, RIGHT_SL.stop), np.arange(LEFT_SL.start, LEFT_SL.stop)
    return perm


MIRROR_PERM = _mirror_permutation()


def empty_keypoints() -> tuple[np.ndarray, np.ndarray]:
    """One frame with nothing detected: (N_KEYPOINTS, 3) zeros and an all-False mask."""
    return np.zeros((N_KEYPOINTS, 3), np.float32), np.zeros(4, bool)


def mirror_keypoints(xyz: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left-right mirror: flip x and swap body sides and hands (for augmentation and left-handers)."""
    out = xyz[..., MIRROR_PERM, :].copy()
    out[..., 0] = np.where(np.any(out != 0, axis=-1), 1.0 - out[..., 0], 0.0)
    pres = present[..., [POSE, FACE, RIGHT, LEFT]].copy()
    return out, pres


def body_reference(xyz: np.ndarray, present: np.ndarray, aspect: float) -> tuple[np.ndarray, float]:
    """Shoulder centre and shoulder width (isotropic units), median over frames with a pose.

    The shoulders barely move during a sign: a median removes landmark jitter and places
    frames whose pose was missed. Without any pose, the image centre and a typical width.
    """
    xy = xyz[..., :2] * np.array([aspect, 1.0], np.float32)
    ok = present[:, POSE]
    if ok.any():
        ls, rs = xy[ok, L_SHOULDER], xy[ok, R_SHOULDER]
        widths = np.linalg.norm(ls - rs, axis=-1)
        centre = np.median((ls + rs) / 2, axis=0)
        width = float(np.median(widths))
        if width > _EPS:
            return centre.astype(np.float32), width
    return np.array([aspect / 2, 0.5], np.float32), 0.3


def wrist_heights(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0,
                  reference: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """(T, 2) each hand's wrist (signer's left, right) below the shoulder centre, in shoulder
    widths; +inf where that hand is missing. `reference`: the frames to place the body from."""
    ref_xyz, ref_present = reference if reference is not None else (xyz, present)
    centre, width = body_reference(ref_xyz, ref_present, aspect)
    y = (xyz[:, [LEFT_SL.start, RIGHT_SL.start], 1] - centre[1]) / width
    return np.where(present[:, [LEFT, RIGHT]], y, np.inf)


def hand_activity(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0) -> tuple[float, float]:
    """How much each hand (signer's left, right) signs in a clip: its wrist's height above the
    resting line (`RAISED_Y` shoulder widths below the shoulders), summed over the frames."""
    if len(xyz) == 0:
        return 0.0, 0.0
    left, right = np.clip(RAISED_Y - wrist_heights(xyz, present, aspect), 0.0, None).sum(axis=0)
    return float(left), float(right)


def signing_side(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0) -> int:
    """+1 a one-handed clip signed with the (signer's) right hand, -1 with the left, 0 two-handed
    or no hand: one hand's `hand_activity` under `ONE_HANDED` times the other's."""
    left, right = hand_activity(xyz, present, aspect)
    if right > 0 and left < ONE_HANDED * right:
        return 1
    if left > 0 and right < ONE_HANDED * left:
        return -1
    return 0


def canonical_side(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0) -> tuple[np.ndarray, np.ndarray, bool]:
    """Mirror a one-handed clip signed with the left hand, so the signing hand is the right one.

    Returns (xyz, present, mirrored)."""
    if signing_side(xyz, present, aspect) < 0:
        out, pres = mirror_keypoints(xyz, present)
        return out, pres, True
    return xyz, present, False


# The switches the app computes with; `training.export` refuses a model trained otherwise.
APP_OPTIONS = {"canonical": False, "shape": False}


def frame_features(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0, canonical: bool = False,
                   shape: bool = False) -> np.ndarray:
    """Features for a sequence of frames: (T, N_KEYPOINTS, 3), (T, 4) -> (T, FEATURE_DIM) float32.

    `aspect` is image width / height: MediaPipe's x and y are fractions of different sides.
    `canonical` and `shape`: see the module's docstring (the app uses `APP_OPTIONS`).
    """
    xyz = np.asarray(xyz, np.float32)
    present = np.asarray(present, bool)
    if canonical:
        xyz, present, _ = canonical_side(xyz, present, aspect)
    T = xyz.shape[0]
    iso = xyz * np.array([aspect, 1.0, aspect], np.float32)
    centre, width = body_reference(xyz, present, aspect)
    out = np.zeros((T, FEATURE_DIM), np.float32)
    rel = (iso[..., :2] - centre) / width  # (T, N, 2)

    pose = rel[:, POSE_FEATURE_IDX].reshape(T, -1)
    out[:, POSE_COLS] = pose * present[:, POSE, None]
    out[:, FACE_COLS] = rel[:, FACE_SL].reshape(T, -1) * present[:, FACE, None]
    for part, sl, cols in ((LEFT, LEFT_SL, LEFT_COLS), (RIGHT, RIGHT_SL, RIGHT_COLS)):
        hand = iso[:, sl]  # (T, 21, 3)
        wrist = hand[:, 0]
        size = np.linalg.norm(hand[:, 9, :2] - wrist[:, :2], axis=-1)
        size = np.where(size > _EPS, size, 1.0)[:, None, None]
        joints = ((hand[:, 1:] - wrist[:, None]) / size).reshape(T, -1)
        invariant = handshape(hand) if shape else np.zeros((T, HANDSHAPE_DIM), np.float32)
        block = np.concatenate([rel[:, sl][:, 0], joints, invariant, np.ones((T, 1), np.float32)], axis=1)
        out[:, cols] = block * present[:, part, None]
    out[:, POSE_FLAG_COL] = present[:, POSE]
    out[:, FACE_FLAG_COL] = present[:, FACE]
    return np.clip(out, -_CLIP, _CLIP)


def hands_raised(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0,
                 reference: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """(T,) bool: a hand is up in signing space (used by spotting and to trim training clips).

    `reference` (xyz, present) gives the frames to place the body from, when `xyz` is too
    short to (a live stream passes its recent history).
    """
    return wrist_heights(xyz, present, aspect, reference).min(axis=1) < RAISED_Y


def resample(features: np.ndarray, times: np.ndarray, length: int,
             start: float | None = None, end: float | None = None) -> np.ndarray:
    """Resample a (T, F) sequence to `length` steps evenly spaced in *time*.

    Sampling by timestamp, not by index, makes sparse recordings (uneven frame gaps) and
    dense ones look alike. Linear interpolation within a part only where both neighbours
    see that part; otherwise the nearer frame is used, so a missing hand stays missing.
    `start`/`end` (seconds) default to the first and last timestamps; training jitters them.
    """
    features = np.asarray(features, np.float32)
    times = np.asarray(times, np.float64)
    if features.shape[0] == 0:
        return np.zeros((length, FEATURE_DIM), np.float32)
    if features.shape[0] == 1:
        return np.repeat(features, length, axis=0)
    t0 = times[0] if start is None else start
    t1 = times[-1] if end is None else end
    grid = np.linspace(t0, t1, length)
    grid = np.clip(grid, times[0], times[-1])
    i1 = np.clip(np.searchsorted(times, grid, side="right"), 1, len(times) - 1)
    i0 = i1 - 1
    span = np.maximum(times[i1] - times[i0], 1e-9)
    w = ((grid - times[i0]) / span).clip(0, 1).astype(np.float32)[:, None]
    a, b = features[i0], features[i1]
    out = (1 - w) * a + w * b
    nearest = np.where(w[:, 0] < 0.5, i0, i1)
    flags = (features[:, POSE_FLAG_COL], features[:, FACE_FLAG_COL],
             features[:, LEFT_COLS.stop - 1], features[:, RIGHT_COLS.stop - 1])
    for cols, flag in zip(PART_COLS, flags, strict=True):
        differs = flag[i0] != flag[i1]
        if differs.any():
            rows = np.nonzero(differs)[0]
            out[np.ix_(rows, cols)] = features[np.ix_(nearest[rows], cols)]
    return out.astype(np.float32)


def sequence_features(xyz: np.ndarray, present: np.ndarray, times: np.ndarray, length: int,
                      aspect: float = 1.0, **options: bool) -> np.ndarray:
    """The model's input for one sign: keypoints over time -> (length, FEATURE_DIM).

    `options` are `frame_features`'s switches (the app passes none: `APP_OPTIONS`)."""
    return resample(frame_features(xyz, present, aspect, **options), times, length)


def signing_span(xyz: np.ndarray, present: np.ndarray, times: np.ndarray, aspect: float = 1.0,
                 margin: float = 0.1) -> slice:
    """Frames from the first to the last with a raised hand, plus `margin` seconds each side.

    Isolated clips, training clips and live segments are all cut the same way, so the model
    sees the same kind of sequence everywhere. A clip with no raised hand is kept whole.
    """
    raised = hands_raised(xyz, present, aspect)
    if not raised.any():
        return slice(0, len(times))
    idx = np.nonzero(raised)[0]
    t0, t1 = times[idx[0]] - margin, times[idx[-1]] + margin
    i0 = int(np.searchsorted(times, t0, side="left"))
    i1 = int(np.searchsorted(times, t1, side="right"))
    # The margin never reaches into frames with no hand at all: they hold nothing of the sign
    # (a live segment's pre-roll as the hands come into view), and a model that learnt from
    # clips which start with the hands up reads "no hands" as part of the sign.
    hands = np.nonzero(present[:, LEFT] | present[:, RIGHT])[0]
    i0 = max(i0, int(hands[0]))
    i1 = min(i1, int(hands[-1]) + 1)
    return slice(i0, max(i1, i0 + 1))


def clip_sequence(xyz: np.ndarray, present: np.ndarray, times: np.ndarray, length: int, aspect: float = 1.0,
                  trim: bool = True, **options: bool) -> np.ndarray:
    """One recorded sign -> the model input: cut to its `signing_span` (unless `trim` is False),
    then `sequence_features`. Live segments, isolated clips, personal examples and training
    clips all go through here."""
    if trim and len(times):
        span = signing_span(xyz, present, times, aspect)
        xyz, present, times = xyz[span], present[span], times[span]
    return sequence_features(xyz, present, times, length, aspect, **options)
