"""Whatever writes examples also fills the caches of their match sequences and of the model's
readings of them (`prime_outputs`: embeddings and class probabilities): after `signs add`,
`signs import`, or a save or import in the window, the next start reads no example file and runs
the model on none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from training_synth import synth_clip

from arsl_desktop import signs_cli
from arsl_desktop.cli import main
from arsl_desktop.core import features as F
from arsl_desktop.core import personal_cache, personal_signs
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_match import FUSION_DEFAULT, fusion_of, unit
from arsl_desktop.core.personal_pack import export_pack
from arsl_desktop.core.personal_signs import PersonalSigns, prime_outputs
from arsl_desktop.core.personal_store import Example, PersonalStore

TRANSFER_MODEL = Path(__file__).parent / "data" / "karsl_without_71_76.onnx"


def example(sign: int, k: int) -> Example:
    c = synth_clip(sign, frames=30)
    noise = np.random.default_rng([sign, k]).normal(0, 0.004, c.xyz.shape).astype(np.float32)
    return Example(np.where(c.xyz != 0, c.xyz + noise, 0).astype(np.float32), c.present, c.times, c.aspect)


def with_fusion(folder: Path, source: Path = TRANSFER_MODEL, **fusion) -> Path:
    """`source` carrying FUSION_DEFAULT with `fusion` changed."""
    import onnx

    m = onnx.load(str(source))
    for prop in [p for p in m.metadata_props if p.key == "arsl_personal"]:
        m.metadata_props.remove(prop)
    m.metadata_props.add(key="arsl_personal", value=json.dumps({**FUSION_DEFAULT.as_dict(), **fusion}))
    path = folder / f"fusion_{'_'.join(f'{k}{v}' for k, v in fusion.items())}.onnx"
    onnx.save(m, str(path))
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    """The transfer model carrying a fusion that weighs the embedding (whatever FUSION_DEFAULT says)."""
    return with_fusion(tmp_path_factory.mktemp("model"), embed_weight=2.0)


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """How many examples each call of `example_outputs` embedded."""
    calls: list[int] = []
    real = personal_signs.example_outputs
    monkeypatch.setattr(personal_signs, "example_outputs",
                        lambda clf, examples: calls.append(len(examples)) or real(clf, examples))
    return calls


def cold_start(model: Path, store: PersonalStore | None = None) -> PersonalSigns:
    personal = PersonalSigns(SignClassifier(model), store)
    personal.refresh()
    return personal


def test_priming_embeds_only_what_the_cache_lacks_and_a_new_start_embeds_nothing(model, tmp_path, counted):
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    clf = SignClassifier(model)
    assert prime_outputs(store, clf) == 3 and counted == [3]
    assert len(list((store.root / ".cache").glob("outputs-*.npz"))) == 1
    assert prime_outputs(store, clf) == 0 and counted == [3]  # all cached: the model is not run
    store.add("zigzag", [example(2, k) for k in range(2)])
    assert prime_outputs(store, clf) == 2 and counted == [3, 2]
    primed = cold_start(model, store)
    assert counted == [3, 2] and [s.en for s in primed.index.signs] == ["circle", "zigzag"]
    for f in [f for f in (store.root / ".cache").rglob("*") if f.is_file()]:
        f.unlink()
    fresh = cold_start(model, store)  # embedded at load, as before: the same vectors
    assert counted == [3, 2, 5]
    np.testing.assert_allclose(primed.index.embeddings, fresh.index.embeddings, atol=1e-6)


def test_a_long_preparation_is_announced_first_and_a_cached_one_is_not(model, tmp_path, counted, monkeypatch):
    """`refresh(announce=...)` says how many examples it will read and prepare where they are many
    (after a model change: the window says why it waits), before it reads them; never when cached."""
    monkeypatch.setattr(personal_signs, "ANNOUNCE_FROM", 4)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    said: list[tuple[int, list[int]]] = []

    def announce(n: int) -> None:
        said.append((n, list(counted)))  # what the model had embedded when it was said

    PersonalSigns(SignClassifier(model), store).refresh(announce=announce)
    assert said == [] and counted == [3]  # 3 < 4: not worth a word
    store.add("zigzag", [example(2, k) for k in range(2)])
    for f in (store.root / ".cache").glob("outputs-*.npz"):
        f.unlink()  # another model: every reading is missing
    PersonalSigns(SignClassifier(model), store).refresh(announce=announce)
    assert said == [(5, [3])] and counted == [3, 5]  # said before the 5 were embedded
    PersonalSigns(SignClassifier(model), store).refresh(announce=announce)
    assert said == [(5, [3])] and counted == [3, 5]  # all cached now: nothing to say or embed


def test_priming_runs_no_model_where_the_fusion_uses_no_reading(tmp_path, counted):
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    neither = with_fusion(tmp_path, embed_weight=0.0, stand_in=0.0)  # no embedding term, no stand-ins
    assert prime_outputs(store, SignClassifier(neither)) == 0
    assert counted == [] and not list((store.root / ".cache").glob("outputs-*.npz"))
    assert len(list((store.root / ".cache").glob("match-*/*.npz"))) == 1  # the match sequences are kept


def test_a_model_without_embedding_still_reads_the_examples_class_probabilities(tiny_model, tmp_path, counted):
    """Stand-ins (`Fusion.stand_in`) need what the model reads each example as, embedding or not."""
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    clf = SignClassifier(tiny_model)
    assert clf.embedding_dim is None and fusion_of(clf).stand_in > 0
    assert prime_outputs(store, clf) == 3 and counted == [3]
    personal = cold_start(tiny_model, store)
    assert counted == [3]  # read from the cache
    assert personal.index.embeddings is None and personal.index.stands.shape == (1,)


@pytest.fixture
def synthetic_recordings(monkeypatch, tmp_path) -> list[str]:
    """Three 'recordings' whose keypoints are synthetic (no MediaPipe): `signs add` as from videos."""
    monkeypatch.setattr(signs_cli, "_examples", lambda files, recorded_by="": ([example(3, k) for k in range(len(files))], []))
    files = [tmp_path / f"clip{k}.mp4" for k in range(3)]
    for f in files:
        f.write_bytes(b"")
    return [str(f) for f in files]


def test_signs_add_fills_the_cache_for_the_default_model(model, synthetic_recordings, monkeypatch, capsys, counted):
    monkeypatch.setenv("ARSL_MODEL", str(model))  # the model the app uses by default
    assert main(["signs", "add", "--en", "wave", *synthetic_recordings]) == 0
    out, err = capsys.readouterr()
    assert "Taught 'wave'" in out and err == ""
    assert counted == [3] and list((PersonalStore().root / ".cache").glob("outputs-*.npz"))
    personal = cold_start(model)  # the next window or `recognize`
    assert counted == [3] and [s.en for s in personal.index.signs] == ["wave"]


def test_signs_add_uses_the_model_option(model, tiny_model, synthetic_recordings, monkeypatch, counted):
    monkeypatch.setenv("ARSL_MODEL", str(tiny_model))  # another model: its readings would be other ones
    assert main(["--model", str(model), "signs", "add", "--en", "wave", *synthetic_recordings]) == 0
    assert counted == [3]
    cold_start(model)
    assert counted == [3]


def test_a_model_that_cannot_be_loaded_still_adds_the_sign(synthetic_recordings, tmp_path, capsys):
    assert main(["--model", str(tmp_path / "gone.onnx"), "signs", "add", "--en", "wave", *synthetic_recordings]) == 0
    out, err = capsys.readouterr()
    assert "Taught 'wave'" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("arsl-desktop: warning: saved, but the new examples could not")
    assert "Model file not found" in lines[0]
    sign = PersonalStore().find("wave")
    assert sign is not None and len(PersonalStore().examples(sign)[0]) == 3


def test_an_unwritable_cache_still_adds_the_sign(model, synthetic_recordings, capsys):
    root = PersonalStore().root
    root.mkdir(parents=True)
    (root / ".cache").write_text("not a folder")  # the cache cannot be written
    assert main(["--model", str(model), "signs", "add", "--en", "wave", *synthetic_recordings]) == 0
    assert "Taught 'wave'" in capsys.readouterr().out
    assert PersonalStore().find("wave") is not None


def test_signs_import_fills_the_cache(model, tmp_path, monkeypatch, capsys, counted):
    teacher = PersonalStore(tmp_path / "teacher")
    teacher.add("circle", [example(1, k) for k in range(3)])
    teacher.add("zigzag", [example(2, k) for k in range(2)])
    pack = tmp_path / "class.zip"
    export_pack(teacher, pack)
    monkeypatch.setattr(personal_signs, "ANNOUNCE_FROM", 5)  # a big pack says why it takes seconds
    assert main(["--model", str(model), "signs", "import", str(pack)]) == 0
    out, err = capsys.readouterr()
    assert counted == [5] and err == ""
    assert out.splitlines()[-1] == "Preparing the 5 new examples for a fast start (a few seconds)..."
    assert main(["--model", str(model), "signs", "import", str(pack)]) == 0  # both skipped: nothing to embed
    assert counted == [5] and "Preparing" not in capsys.readouterr().out
    personal = cold_start(model)
    assert counted == [5] and len(personal.index) == 2


def test_the_window_fills_the_cache_after_teach_and_after_a_pack_import(make_window, qtbot, model, tmp_path, counted):
    from arsl_desktop.ui.teach import Target

    w = make_window(model)
    teach = w.personal.show_teach().teach
    teach.kept = [example(1, k) for k in range(3)]
    assert teach.save(Target("circle")) is not None
    w.personal.priming.join(timeout=60)
    assert counted == [3]
    teacher = PersonalStore(tmp_path / "teacher")
    teacher.add("zigzag", [example(2, k) for k in range(2)])
    export_pack(teacher, tmp_path / "class.zip")
    dialog = w.personal.show_my_signs()
    with qtbot.waitSignal(dialog.import_done):
        dialog.import_from(tmp_path / "class.zip")
    w.personal.priming.join(timeout=60)
    assert counted == [3, 2]
    personal = cold_start(model)  # the window started again
    assert counted == [3, 2] and len(personal.index) == 2


def test_a_failing_priming_in_the_window_is_only_logged(tmp_path, caplog):
    from arsl_desktop.ui.personal_ui import prime_in_background

    class Broken:
        embedding_dim = 8

        def info(self, key):
            raise RuntimeError("broken model")

    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, 0)])
    prime_in_background(store, Broken()).join(timeout=60)
    assert "not embedded ahead" in caplog.text and "broken model" in caplog.text


def test_many_examples_are_read_in_chunks_as_one_batch_would_be(model):
    clf = SignClassifier(model)
    examples = [example(1 + i % 5, i) for i in range(2 * personal_signs.EMBED_CHUNK + 5)]  # three chunks
    seqs = np.stack([F.clip_sequence(e.xyz, e.present, e.times, clf.seq_len, e.aspect)
                     for e in examples])
    logits, emb = clf.outputs(seqs)
    whole = np.concatenate([unit(emb), SignClassifier.softmax(logits)], axis=1)
    got = personal_signs.example_outputs(clf, examples)
    assert got.shape == whole.shape == (len(examples), clf.embedding_dim + len(clf.class_ids))
    np.testing.assert_allclose(got, whole, atol=1e-5)  # same vectors, same order


def test_a_new_start_reads_no_example_file_once_its_match_sequence_is_kept(model, tmp_path, monkeypatch, counted):
    """The match sequences are kept on disk beside the model's readings: a window or command
    that starts again reads one cache file, not every example; a damaged cache is read around."""
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    store.add("zigzag", [example(2, k) for k in range(2)])
    assert prime_outputs(store, SignClassifier(model)) == 5
    reads: list[str] = []
    real = Example.from_bytes
    monkeypatch.setattr(Example, "from_bytes", staticmethod(lambda data, what: reads.append(what) or real(data, what)))
    warm = cold_start(model, store)
    assert reads == [] and counted == [5] and [s.en for s in warm.index.signs] == ["circle", "zigzag"]
    for f in (store.root / ".cache").glob("match-*/*.npz"):
        f.write_bytes(b"damaged")
    again = cold_start(model, store)  # every example read and prepared again, the model's readings still cached
    assert len(reads) == 5 and counted == [5]
    np.testing.assert_allclose(again.index.bank.sequences, warm.index.bank.sequences, atol=1e-6)
    np.testing.assert_allclose(again.index.embeddings, warm.index.embeddings, atol=1e-6)
    store.add("circle", [example(1, 9)], append=True)  # one more example: only it is read
    reads.clear()
    cold_start(model, store)
    assert len(reads) == 1 and counted == [5, 1]


def test_a_running_window_writes_a_signs_whole_file_when_it_prepares_one_more_example(model, tmp_path, monkeypatch):
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    running = cold_start(model, store)
    shutil.rmtree(next((store.root / ".cache").glob("match-*")))  # the match sequences lost while the window runs
    store.add("circle", [example(1, 9)], append=True)
    running.refresh()  # prepares the new example only, and writes the sign's file whole
    reads: list[str] = []
    real = Example.from_bytes
    monkeypatch.setattr(Example, "from_bytes", staticmethod(lambda data, what: reads.append(what) or real(data, what)))
    assert prime_outputs(store, SignClassifier(model)) == 0 and reads == []  # nothing missing
    again = cold_start(model, store)
    assert reads == [] and again.index.counts == [4]


def aged(paths: list[Path]) -> None:
    """Give the caches modification times one minute apart, the first the oldest."""
    import os
    import time

    for i, p in enumerate(paths):
        t = time.time() - 3600 + 60 * i
        os.utime(p, (t, t))


def test_readings_of_models_no_longer_used_are_removed_but_the_last_few_kept(model, tmp_path, counted):
    """Each model leaves a file of readings; a researcher retraining every day would fill the disk.
    The readings of the `KEEP_MODELS` models written last stay (switching between a few models
    costs nothing again), older ones go when another model's are written."""
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    cache = store.root / ".cache"
    cache.mkdir()
    old = [cache / f"outputs-old{i}.npz" for i in range(4)]
    for p in old:
        p.write_bytes(b"readings of another model")
    aged(old)
    assert personal_cache.KEEP_MODELS == 3
    assert prime_outputs(store, SignClassifier(model)) == 3
    assert sorted(p.name for p in cache.glob("outputs-*.npz") if "old" in p.name) == ["outputs-old2.npz",
                                                                                    "outputs-old3.npz"]
    assert len(list(cache.glob("outputs-*.npz"))) == 3  # this model's and the two written last
    assert cold_start(model, store).index.counts == [3] and counted == [3]  # its own kept: nothing read again


def test_match_sequences_of_matchers_no_longer_used_are_removed_but_the_last_kept(model, tmp_path):
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    cache = store.root / ".cache"
    old = [cache / f"match-old{i}" for i in range(3)]
    for p in old:
        p.mkdir(parents=True)
        (p / "circle.npz").write_bytes(b"another matcher's sequences")
    aged(old)
    assert prime_outputs(store, SignClassifier(model)) == 3
    assert sorted(p.name for p in cache.glob("match-*")) == sorted([personal_cache.MatchCache(store.root).folder.name,
                                                                    "match-old2"])
    assert cold_start(model, store).index.counts == [3]
