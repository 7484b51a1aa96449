"""`arsl-desktop --self-check [VIDEO]`: prove an install works end to end, without a window.

Loads every shipped resource, the model, the MediaPipe landmarkers (their files checked
against `landmarkers/manifest.json`) and onnxruntime, then runs the
real pipeline on a clip (or on generated frames) and prints one OK/FAIL line per check with
the path it used. Support asks users to run this first, and the packaging tests run it inside
the frozen bundle, so every path comes from `arsl_desktop.paths` (the bundle's own folder
when frozen) and nothing here imports Qt: the Qt check starts the platform plugin in a child process.
The report is also written to the user's log folder, never into the install.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from arsl_desktop import __version__, paths
from arsl_desktop.core.errors import ArslError

_T0 = time.perf_counter()  # fallback clock start where the OS cannot tell the process start time
GENERATED_FRAMES = 30
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def since_start() -> tuple[float, str]:
    """Seconds since this process started (Linux /proc), else since this module was imported."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time after boot
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - started), "process start"
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _T0, "self-check start"


class Report:
    """Collects check lines, prints them as they come, and remembers the failures."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failures: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)
        print(text, flush=True)

    def ok(self, what: str, detail: str) -> None:
        self.say(f"OK    {what}: {detail}")

    def fail(self, what: str, detail: str) -> None:
        self.failures.append(what)
        self.say(f"FAIL  {what}: {detail}")

    def check(self, what: str, fn: Callable[[], str]) -> bool:
        """Run one check; any exception is a failure with its message (the point is to report, not crash)."""
        try:
            self.ok(what, fn())
            return True
        except Exception as exc:  # noqa: BLE001 - every problem becomes one readable FAIL line
            self.fail(what, f"{exc}" if str(exc) else exc.__class__.__name__)
            return False


def _labels() -> str:
    from arsl_desktop.core.labels import load_labels

    path = paths.labels_file()
    table = load_labels(path)
    return f"{len(table)} signs  ({path})"


def _fonts() -> str:
    folder = paths.resource("fonts")
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc", ".woff", ".woff2"))
    if not files:
        return f"none bundled, the system's fonts are used  ({folder})"
    bad = [p.name for p in files if p.read_bytes()[:4] not in FONT_MAGIC]
    if bad:
        raise ValueError(f"not font files: {', '.join(bad)}  ({folder})")
    return f"{len(files)} file(s): {', '.join(p.name for p in files)}  ({folder})"


def _icon() -> str:
    path = paths.resource("icons", "arsl-desktop.png")
    if not path.is_file():
        raise FileNotFoundError(f"missing {path}")
    head = path.read_bytes()[:24]
    if not head.startswith(PNG_MAGIC):
        raise ValueError(f"{path} is not a PNG image")
    w, h = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    return f"{w}x{h} PNG  ({path})"


def _qt_plugin() -> str:
    """The window needs Qt's platform plugin: start it for real, in a child process (a plugin that
    cannot start aborts its process), so this process stays without Qt."""
    from importlib.util import find_spec

    from arsl_desktop.qt_platform import probe

    if find_spec("PySide6") is None:
        raise ModuleNotFoundError("PySide6 is not installed: the window cannot open (headless commands still work)")
    ok, detail = probe()
    if not ok:
        raise RuntimeError(detail)
    return detail


def _onnxruntime() -> str:
    import onnxruntime as ort

    return f"onnxruntime {ort.__version__}, providers {', '.join(ort.get_available_providers())}"


def _load_model(report: Report, model: Path | None):
    from arsl_desktop.core.classifier import SignClassifier

    path = model or paths.default_model_path()
    holder: list = []

    def load() -> str:
        clf = SignClassifier(path)
        holder.append(clf)
        schema = clf.meta.get("arsl_schema")
        return (f"'{clf.name}', schema {schema}, seq_len {clf.seq_len}, {len(clf.class_ids)} signs  "
                f"({clf.path.resolve()})")

    report.check("model", load)
    return holder[0] if holder else None


def _landmarker_files() -> str:
    from arsl_desktop.core import landmarker_files as lf

    entries = lf.read_manifest()
    lf.load_all()
    sizes = ", ".join(f"{n} {entries[n].size / 1e6:.1f} MB" for n in lf.REQUIRED)
    return f"{len(lf.REQUIRED)} files match the manifest's SHA-256: {sizes}  ({paths.landmarkers_dir()})"


def _load_landmarker(report: Report):
    holder: list = []

    def load() -> str:
        import mediapipe as mp

        from arsl_desktop.core.landmarks import LANDMARKER_NAME, create_landmarker

        t = time.perf_counter()
        holder.append(create_landmarker())
        return (f"mediapipe {mp.__version__}, {LANDMARKER_NAME} built in {time.perf_counter() - t:.2f} s  "
                f"({Path(mp.__file__).parent})")

    report.check("MediaPipe", load)
    return holder[0] if holder else None


def _generated_frames(n: int):
    """Smooth moving gradients with noise: a valid image stream that shows no person."""
    from arsl_desktop.core.sources import Frame

    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:360, 0:480].astype(np.float32)
    for i in range(n):
        base = (np.sin(xx / 40 + i / 5) + np.cos(yy / 55 - i / 7)) * 60 + 128
        img = np.clip(base[..., None] + rng.normal(0, 8, (360, 480, 3)), 0, 255).astype(np.uint8)
        img.setflags(write=False)
        yield Frame(img, i / 30.0, i)


def _run_pipeline(report: Report, classifier, landmarker, video: str | None) -> None:
    from arsl_desktop.core.recognizer import Recognizer
    from arsl_desktop.core.sources import open_source

    rec = Recognizer(classifier, landmarker=landmarker, top_k=3)
    first: list[float] = []  # [seconds since process start, perf_counter] once frame 1 is done

    def timed(frames):
        for f in frames:
            yield f
            if not first:  # resumed after the first frame was processed
                first.extend((since_start()[0], time.perf_counter()))

    def rate(n: int) -> str:
        """Steady-state speed: MediaPipe loads its models lazily, so frame 1 is much slower."""
        if n < 2 or not first:
            return "too few frames for a rate"
        return f"{(n - 1) / max(time.perf_counter() - first[1], 1e-9):.1f} frames/s after the first"

    if video:
        def clip() -> str:
            with open_source(Path(video)) as src:
                frames = list(src)
            kps = rec.keypoints_of(timed(frames))
            hands = sum(k.any_hand for k in kps)
            result = rec.classify(kps, trim=hands > 0)  # what recognize_clip does, without a second pass
            fps = rate(len(frames))
            b = result.best
            note = "" if hands else "; no hands seen, the ranking is unreliable"
            return (f"{len(frames)} frames, hands in {hands}, {fps}; "
                    f"top-1 sign {b.sign.id} {b.sign.ar} ({b.sign.en}) p={b.prob:.2f}{note}  ({video})")

        report.check("pipeline on clip", clip)
    else:
        def generated() -> str:
            results = [rec.process(f) for f in timed(_generated_frames(GENERATED_FRAMES))]
            rec.finish()
            fps = rate(len(results))
            hands = sum(r.keypoints.any_hand for r in results)
            found = "no hands found, as expected on generated frames" if not hands else f"hands in {hands} frames"
            return (f"{len(results)} generated frames (no person in them), {fps}; {found}. "
                    "Give a video or KArSL sample folder to see a recognised sign")

        report.check("pipeline", generated)
    if first:
        report.say(f"INFO  first frame after {first[0]:.2f} s since {since_start()[1]}")


def _user_data() -> str:
    """The window keeps settings and autosaved transcripts here: it must be a writable folder."""
    from arsl_desktop.userdata import user_data_problem

    problem = user_data_problem()
    if problem:
        raise PermissionError(problem)
    return f"writable  ({paths.user_data_root()}; settings {paths.settings_file().name})"


def _personal_signs(report: Report, classifier) -> None:
    """What the user taught (not a failure when damaged: those entries are skipped and kept)."""
    from arsl_desktop.core.personal_signs import PersonalSigns

    try:
        personal = PersonalSigns(classifier)
        personal.refresh()
    except (ArslError, OSError) as exc:
        report.say(f"WARN  personal signs: cannot be read ({exc})")
        return
    index = personal.index
    how = ("their recordings (time-warped keypoints) and the model's embedding" if personal.mode == "matching+embedding"
           else "their recordings (time-warped keypoints)")
    report.say(f"INFO  personal signs: {len(index)} ({sum(index.counts)} examples) in {paths.personal_signs_dir()}, "
               f"matched by {how}")
    for problem in personal.problems:
        report.say(f"WARN  {problem}")


def _write_log(report: Report) -> Path | None:
    try:
        path = paths.user_log_dir() / "self-check.log"
        path.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
        return path
    except OSError:
        return None


def run(video: str | None, model: Path | None) -> int:
    """Run every check; 0 when all pass, 1 otherwise (what failed is listed last)."""
    report = Report()
    where = f"bundle {paths.install_root()}" if paths.is_frozen() else f"source tree {paths.install_root()}"
    report.say(f"ArSL Desktop {__version__} self-check: {where}, Python {platform.python_version()}, "
               f"{platform.system()} {platform.machine()}")
    if video and not Path(video).expanduser().exists():
        report.fail("input", f"no such video file or sample folder: {video}")
    report.check("label table", _labels)
    report.check("fonts", _fonts)
    report.check("icon", _icon)
    report.check("Qt", _qt_plugin)
    report.check("onnxruntime", _onnxruntime)
    report.check("user data folder", _user_data)
    classifier = _load_model(report, model)
    landmarker = _load_landmarker(report) if report.check("landmarkers", _landmarker_files) else None
    if classifier is not None and landmarker is not None and "input" not in report.failures:
        _run_pipeline(report, classifier, landmarker, video)
    else:
        report.say("SKIP  pipeline: needs the model, the landmarkers and a readable input (see FAIL above)")
    if landmarker is not None:
        landmarker.close()
    if classifier is not None:
        _personal_signs(report, classifier)
    report.say(f"INFO  user data: {paths.user_data_root()}")
    report.say(f"INFO  settings: {paths.settings_file()}")
    log = _write_log(report)  # None when the log folder is unusable (reported above as a failed check)
    if report.failures:
        print(f"self-check FAILED: {', '.join(report.failures)}" + (f" (report in {log})" if log else ""), flush=True)
        return 1
    print("self-check passed" + (f" (report in {log})" if log else ""), flush=True)
    return 0
