"""Personal sign packs: a round trip, and hostile packs refused whole with nothing written."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np
import pytest

from arsl_desktop.core import features as F
from arsl_desktop.core import matching
from arsl_desktop.core import personal_pack as P
from arsl_desktop.core.personal_store import Example, PersonalStore, StoreError


def synth_example(seed: int, frames: int = 60) -> Example:
    """Keypoints of a realistic shape: (frames, N_KEYPOINTS, 3), both hands and the body present."""
    rng = np.random.default_rng(seed)
    xyz = (0.5 + 0.1 * rng.standard_normal((frames, F.N_KEYPOINTS, 3))).astype(np.float32)
    present = np.ones((frames, 4), bool)
    return Example(xyz, present, np.arange(frames) / 30.0, 1.0, recorded_by=f"signer {seed % 2}")


@pytest.fixture
def source(tmp_path) -> PersonalStore:
    store = PersonalStore(tmp_path / "src")
    store.add("word 1", [synth_example(1), synth_example(2), synth_example(3)])  # a pack of two people
    store.add("Skeleton", [synth_example(4), synth_example(5)], ar="هيكل عظمي", karsl_id=71)
    return store


@pytest.fixture
def pack(source, tmp_path):
    path = tmp_path / "signs.zip"
    P.export_pack(source, path)
    return path


@pytest.fixture
def target(tmp_path) -> PersonalStore:
    store = PersonalStore(tmp_path / "dst")
    store.add("already here", [synth_example(9)])
    return store


def files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def members(path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i, zf.read(i)) for i in zf.infolist()]


def rewrite(path, out, edit) -> None:
    """A copy of the pack with its members passed through `edit(list of (ZipInfo, bytes))`."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in edit(members(path)):
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def refused(target, path, *words):
    before = files(target.root)
    with pytest.raises(StoreError) as exc:
        P.import_pack(target, path)
    msg = str(exc.value)
    assert "refused" in msg and "Nothing was imported" in msg and "\n" not in msg, msg
    for w in words:
        assert w in msg, msg
    assert files(target.root) == before  # nothing written, nothing lost
    return msg


def test_round_trip(source, pack, target):
    with zipfile.ZipFile(pack) as zf:
        meta = json.loads(zf.read("pack.json"))
        names = sorted(zf.namelist())
    assert meta["format"] == P.PACK_FORMAT and meta["keypoint_schema"] == F.KEYPOINT_SCHEMA
    assert [s["en"] for s in meta["signs"]] == ["Skeleton", "word 1"]
    assert names == ["pack.json", "signs/skeleton/example-001.npz", "signs/skeleton/example-002.npz",
                     "signs/skeleton/manifest.json", "signs/word-1/example-001.npz",
                     "signs/word-1/example-002.npz", "signs/word-1/example-003.npz", "signs/word-1/manifest.json"]
    result = P.import_pack(target, pack)
    assert sorted(result.imported) == ["Skeleton", "word 1"] and result.skipped == ()
    for name in ("word 1", "Skeleton"):
        a, b = source.find(name), target.find(name)
        assert (b.en, b.ar, b.karsl_id, len(b.examples)) == (a.en, a.ar, a.karsl_id, len(a.examples))
        for ea, eb in zip(source.examples(a)[0], target.examples(b)[0], strict=True):
            np.testing.assert_array_equal(ea.xyz, eb.xyz)
            np.testing.assert_array_equal(ea.present, eb.present)
            assert eb.recorded_by == ea.recorded_by  # who recorded each example travels with it
    assert [e.recorded_by for e in target.examples(target.find("word 1"))[0]] == ["signer 1", "signer 0", "signer 1"]
    assert target.find("هيكل عظمي").karsl_id == 71


def test_a_mirrored_import_stores_the_recordings_as_made_with_the_other_hand(source, pack, target):
    """`import_pack(mirror=True)`: a left-handed learner of a right-handed teacher. Every example is
    stored mirrored (x flipped, left and right body sides and hands swapped), keeping who recorded
    it; so the teacher's sign made left-handed matches the stored one exactly, and not the original."""
    result = P.import_pack(target, pack, mirror=True)
    assert sorted(result.imported) == ["Skeleton", "word 1"]
    for name in ("word 1", "Skeleton"):
        teacher, learner = source.examples(source.find(name))[0], target.examples(target.find(name))[0]
        for ea, eb in zip(teacher, learner, strict=True):
            xyz, present = F.mirror_keypoints(ea.xyz, ea.present)
            np.testing.assert_array_equal(eb.xyz, xyz)
            np.testing.assert_array_equal(eb.present, present)
            assert eb.recorded_by == ea.recorded_by and eb.aspect == ea.aspect
            np.testing.assert_allclose(eb.xyz[:, F.LEFT_SL, 0], 1.0 - ea.xyz[:, F.RIGHT_SL, 0], atol=1e-6)

    one_hand = Example(synth_example(6).xyz, np.array([[True, True, False, True]] * 60), np.arange(60) / 30.0, 1.0)
    flipped = one_hand.mirrored()
    assert flipped.present[0].tolist() == [True, True, True, False]  # the right hand became the left
    np.testing.assert_allclose(flipped.mirrored().xyz, one_hand.xyz, atol=1e-6)  # twice: as recorded

    def match(e: Example) -> np.ndarray:
        return matching.match_sequence(e.xyz, e.present, e.times, e.aspect)

    left_handed = match(one_hand.mirrored())  # the teacher's recording, made with the other hand
    assert np.abs(match(flipped) - left_handed).max() < 1e-5
    assert np.abs(match(one_hand) - left_handed).max() > 0.5


def test_export_named_signs_and_unknown_name(source, tmp_path):
    out = tmp_path / "one.zip"
    assert [s.en for s in P.export_pack(source, out, ["skeleton"]).signs] == ["Skeleton"]
    with pytest.raises(StoreError, match="No personal sign named 'nope'"):
        P.export_pack(source, tmp_path / "two.zip", ["word 1", "nope"])
    assert not (tmp_path / "two.zip").exists()


def test_name_clash_is_reported_and_the_others_imported(pack, target):
    target.add("Word 1", [synth_example(7)])
    before = target.examples(target.find("word 1"))[0][0].xyz.copy()
    result = P.import_pack(target, pack)
    assert result.imported == ("Skeleton",)
    assert result.skipped == (("word 1", "a personal sign named 'word 1' already exists"),)
    np.testing.assert_array_equal(target.examples(target.find("word 1"))[0][0].xyz, before)  # untouched


def test_a_big_pack_reads_the_store_twice_not_once_per_sign(tmp_path, target, monkeypatch):
    """A teacher's pack of hundreds of signs: the store was read again for every sign added (each
    `add` looks for its name), so an import took seconds more per hundred signs, and quadratically
    longer. Now: once to report clashes, once under the lock while the signs are written."""
    big = PersonalStore(tmp_path / "big")
    for i in range(30):
        big.add(f"word {i}", [synth_example(i, frames=8)])
    path = tmp_path / "big.zip"
    P.export_pack(big, path)
    reads = []
    real = PersonalStore.load
    monkeypatch.setattr(PersonalStore, "load", lambda self: reads.append(1) or real(self))
    result = P.import_pack(target, path)
    assert len(result.imported) == 30 and not result.skipped and len(reads) == 2
    assert len(target.load().signs) == 31


def test_a_sign_named_meanwhile_is_skipped(pack, target, monkeypatch):
    real_load = PersonalStore.load
    calls = []

    def load_and_meanwhile(self):  # another window adds "Skeleton" between the check and the writing
        calls.append(1)
        if len(calls) == 2:
            real_add(self, "Skeleton", [synth_example(8)])
        return real_load(self)

    real_add = PersonalStore.add
    monkeypatch.setattr(PersonalStore, "load", load_and_meanwhile)
    monkeypatch.setattr(PersonalStore, "_locked", _no_lock)
    result = P.import_pack(target, pack)
    assert result.imported == ("word 1",)
    assert result.skipped == (("Skeleton", "a personal sign of that name was added meanwhile"),)


def test_a_failure_part_way_says_what_was_saved(pack, tmp_path, monkeypatch):
    other = PersonalStore(tmp_path / "other")
    real_create = PersonalStore._create
    made = []

    def full_disk_on_second(self, *a, **k):
        if made:
            raise StoreError("Could not save the sign (No space left on device).")
        made.append(1)
        return real_create(self, *a, **k)

    monkeypatch.setattr(PersonalStore, "_create", full_disk_on_second)
    with pytest.raises(StoreError, match=r"No space left on device\)\. Imported before the failure: ") as failed:
        P.import_pack(other, pack)
    saved = [s.en for s in other.load().signs]
    assert len(saved) == 1 and str(failed.value).endswith(f"failure: {saved[0]}.")  # what was saved stays, whole


def _no_lock(self):
    import contextlib

    return contextlib.nullcontext()


@pytest.mark.parametrize("bad_name, words", [
    ("../evil.npz", ["unexpected file '../evil.npz'"]),
    ("signs/../../evil/manifest.json", ["unexpected file"]),
    ("/signs/word-1/manifest.json", ["unexpected file"]),
    ("signs\\word-1\\example-009.npz", ["unexpected file"]),
    ("signs/word-1/notes.txt", ["unexpected file"]),
    ("signs/word-1/", ["unexpected file"]),
])
def test_unexpected_member_names_are_refused(pack, target, tmp_path, bad_name, words):
    hostile = tmp_path / "hostile.zip"
    rewrite(pack, hostile, lambda ms: ms + [(zipfile.ZipInfo(bad_name), b"x")])
    refused(target, hostile, *words)


def test_a_symlink_member_is_refused(pack, target, tmp_path):
    hostile = tmp_path / "link.zip"

    def edit(ms):
        info, data = next((i, d) for i, d in ms if i.filename.endswith("example-003.npz"))
        link = zipfile.ZipInfo(info.filename)
        link.external_attr = (0o120777 << 16)  # a symbolic link to /etc/passwd
        return [(i, d) for i, d in ms if i.filename != info.filename] + [(link, b"/etc/passwd")]

    rewrite(pack, hostile, edit)
    refused(target, hostile, "is a link or folder")


def test_a_member_declared_huge_is_refused(pack, target, tmp_path):
    hostile = tmp_path / "big.zip"
    big = b"\0" * (P.MAX_EXAMPLE_BYTES + 1)  # deflates to a few kB

    def edit(ms):
        return [(i, big if i.filename == "signs/word-1/example-001.npz" else d) for i, d in ms]

    rewrite(pack, hostile, edit)
    assert hostile.stat().st_size < pack.stat().st_size + 100_000  # small on disk, huge declared
    refused(target, hostile, "too large")


def _lie_about_size(path, member: str, size: int) -> None:
    """Rewrite the declared uncompressed size of `member` in the central directory and local header."""
    raw = bytearray(path.read_bytes())
    name = member.encode()
    central = -1
    while True:
        central = raw.find(b"PK\x01\x02", central + 1)
        assert central >= 0, member
        n = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46:central + 46 + n] == name:
            break
    struct.pack_into("<I", raw, central + 24, size)
    local = struct.unpack_from("<I", raw, central + 42)[0]
    struct.pack_into("<I", raw, local + 22, size)
    path.write_bytes(bytes(raw))


def test_a_member_really_huge_but_declared_small_is_refused(pack, target, tmp_path):
    hostile = tmp_path / "bomb.zip"
    bomb = b"\0" * (50 * 2**20)  # 50 MB of zeros, about 50 kB deflated

    def edit(ms):
        return [(i, bomb if i.filename == "signs/word-1/example-001.npz" else d) for i, d in ms]

    rewrite(pack, hostile, edit)
    _lie_about_size(hostile, "signs/word-1/example-001.npz", 1000)
    with zipfile.ZipFile(hostile) as zf:
        assert zf.getinfo("signs/word-1/example-001.npz").file_size == 1000
    refused(target, hostile, "signs/word-1/example-001.npz")


def test_a_huge_array_inside_an_example_is_refused(pack, target, tmp_path):
    buf = io.BytesIO()
    ex = synth_example(1)
    np.savez_compressed(buf, xyz=np.zeros((100_000, F.N_KEYPOINTS, 3), np.float32), present=ex.present,
                        times=ex.times, aspect=np.float64(1.0), schema=np.str_(F.KEYPOINT_SCHEMA))
    assert len(buf.getvalue()) < P.MAX_EXAMPLE_BYTES  # small on the outside, 120 MB inside
    hostile = tmp_path / "npzbomb.zip"
    rewrite(pack, hostile, lambda ms: [(i, buf.getvalue() if i.filename.endswith("word-1/example-002.npz")
                                        else d) for i, d in ms])
    refused(target, hostile, "too large")


def test_a_pickle_inside_an_example_is_refused(pack, target, tmp_path):
    """An npz whose `times` is an object array saved with allow_pickle=True (unpickling runs code)."""
    ex = synth_example(1)
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"payload": "os.system"}], dtype=object), allow_pickle=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as npz:
        for key, value in {"xyz": ex.xyz, "present": ex.present, "aspect": np.float64(1.0),
                           "schema": np.str_(F.KEYPOINT_SCHEMA)}.items():
            arr = io.BytesIO()
            np.save(arr, value)
            npz.writestr(f"{key}.npy", arr.getvalue())
        npz.writestr("times.npy", pickled.getvalue())
    hostile = tmp_path / "pickle.zip"
    rewrite(pack, hostile, lambda ms: [(i, buf.getvalue() if i.filename.endswith("skeleton/example-001.npz")
                                        else d) for i, d in ms])
    refused(target, hostile, "pickled Python objects")


def test_a_garbage_manifest_is_refused(pack, target, tmp_path):
    hostile = tmp_path / "garbage.zip"
    rewrite(pack, hostile, lambda ms: [(i, b"\xff{not json" if i.filename == "signs/skeleton/manifest.json"
                                        else d) for i, d in ms])
    refused(target, hostile, "sign 'skeleton'", "manifest is not readable")


@pytest.mark.parametrize("where", ["pack.json", "signs/word-1/manifest.json", "signs/word-1/example-002.npz"])
def test_another_keypoint_schema_is_refused(pack, target, tmp_path, where):
    def edit(ms):
        out = []
        for i, d in ms:
            if i.filename == where and where.endswith(".json"):
                d = d.replace(F.KEYPOINT_SCHEMA.encode(), b"arsl-kp-v1")
            elif i.filename == where:
                ex = Example.from_bytes(d, "x")
                buf = io.BytesIO()
                np.savez_compressed(buf, xyz=ex.xyz, present=ex.present, times=ex.times,
                                    aspect=np.float64(ex.aspect), schema=np.str_("arsl-kp-v1"))
                d = buf.getvalue()
            out.append((i, d))
        return out

    hostile = tmp_path / "schema.zip"
    rewrite(pack, hostile, edit)
    refused(target, hostile, "arsl-kp-v1")


def test_too_many_members_are_refused(pack, target, tmp_path):
    hostile = tmp_path / "many.zip"
    extra = [(zipfile.ZipInfo(f"signs/s{i}/manifest.json"), b"{}") for i in range(P.MAX_MEMBERS)]
    rewrite(pack, hostile, lambda ms: ms + extra)
    refused(target, hostile, f"at most {P.MAX_MEMBERS}")


def test_members_not_listed_or_not_a_pack(pack, target, tmp_path):
    unlisted = tmp_path / "unlisted.zip"
    rewrite(pack, unlisted, lambda ms: [(i, d) for i, d in ms if i.filename != "signs/word-1/example-002.npz"])
    refused(target, unlisted, "do not match")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    refused(target, junk, "not a zip archive")
    nojson = tmp_path / "nojson.zip"
    rewrite(pack, nojson, lambda ms: [(i, d) for i, d in ms if i.filename != "pack.json"])
    refused(target, nojson, "no pack.json")


def test_a_pack_over_the_size_limit_is_refused_unread(pack, target, monkeypatch):
    monkeypatch.setattr(P, "MAX_PACK_BYTES", pack.stat().st_size - 1)
    refused(target, pack, "more than")
