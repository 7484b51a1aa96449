"""Corrections: a recording the app named wrongly becomes an example of the sign it really was.

A user's way of signing drifts over a session and from one day to the next (in KArSL's own
recordings a signer's later repetitions of one sign end where another sign of theirs does), so
examples recorded once do not cover it. When the user says which sign a recognised segment
really was, its frames are added to the personal store (`PersonalStore.add`), and from then on
the user's own evidence decides for recordings like it:

    a personal sign (new word or adapted KArSL sign)    the recording is one more example of it
    a KArSL sign the user has adapted                   one more example of their way of it
    a KArSL sign not adapted yet                        a new adaptation, named as the label table does
    a new word (English name, optional Arabic)          a new personal sign from this one recording

`training.personal_eval` measures the effect ("Corrections" in the model card): the signer's
recordings named in order, each wrong answer corrected once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from arsl_desktop.core.labels import Sign
from arsl_desktop.core.landmarks import Keypoints
from arsl_desktop.core.personal_store import (
    Example,
    PersonalSign,
    PersonalStore,
    StoreError,
    clean_name,
    this_user,
)


@dataclass(frozen=True)
class Correction:
    """What the recording really was: a personal sign (`personal_key`), a KArSL sign (`karsl`), or
    a new word (`en`, optionally `ar`)."""

    personal_key: str | None = None
    karsl: Sign | None = None
    en: str = ""
    ar: str = ""

    @classmethod
    def of_personal(cls, key: str) -> Correction:
        return cls(personal_key=key)

    @classmethod
    def of_karsl(cls, sign: Sign) -> Correction:
        return cls(karsl=sign)

    @classmethod
    def new_word(cls, en: str, ar: str = "") -> Correction:
        return cls(en=en, ar=ar)


def _adapting(store: PersonalStore, karsl_id: int) -> PersonalSign | None:
    """The user's own way of a KArSL sign, if they have taught it."""
    return next((s for s in store.load().signs if s.karsl_id == karsl_id), None)


def apply_correction(store: PersonalStore, keypoints: Sequence[Keypoints], correction: Correction,
                     recorded_by: str | None = None) -> PersonalSign:
    """Add the recording (`keypoints`, the frames that were named) to the sign it really was.
    Returns the personal sign it now belongs to; a `StoreError` says why nothing was written."""
    if not keypoints:
        raise StoreError("This sign has no frames to learn from.")
    example = Example.from_keypoints(keypoints, this_user() if recorded_by is None else recorded_by)
    if correction.personal_key is not None:
        sign = store.find(correction.personal_key)
        if sign is None:
            raise StoreError("That personal sign is no longer in My signs.")
        return store.add(sign.en, [example], append=True)
    if correction.karsl is not None:
        known = correction.karsl
        mine = _adapting(store, known.id)
        if mine is not None:
            return store.add(mine.en, [example], append=True)
        clash = store.find(known.en)
        if clash is not None:
            raise StoreError(f"'{clash.label}' is already one of your signs, not your way of KArSL sign "
                             f"{known.id}; rename it in My signs first.")
        return store.add(known.en, [example], ar=known.ar, karsl_id=known.id)
    if not clean_name(correction.en, "English"):
        raise StoreError("Type the English name of the new word.")
    # the name (English or Arabic) of a sign already taught: one more example of it (`PersonalStore.add`)
    return store.add(correction.en, [example], ar=correction.ar, append=True)
