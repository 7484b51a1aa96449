"""The PyInstaller bundle: builds from the spec, runs headless, agrees with the source tree,
and writes nothing into its own folder.

One build per test session (module fixture, into a temporary folder): about a minute or two
on two cores. The frozen app uses the model `paths.default_model_path()` names: the shipped
one once `models/arsl_karsl82.onnx` exists, else a tiny test model through ARSL_MODEL.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from arsl_desktop import __version__, paths

ROOT = Path(__file__).resolve().parent.parent
APP = "arsl-desktop"
EXE = ".exe" if sys.platform == "win32" else ""

pytestmark = pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                                reason="PyInstaller not installed (pip install -e '.[dev]')")


def _load_build_dist():
    spec = importlib.util.spec_from_file_location("build_dist", ROOT / "packaging" / "build_dist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, str(ROOT / "packaging" / "build_dist.py"), "--no-archive",
                           "--dist", str(out / "dist"), "--work", str(out / "work")],
                          capture_output=True, text=True, cwd=out, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    print(f"\nbundle built in {time.monotonic() - t0:.0f} s: {proc.stdout.strip().splitlines()[-1]}")
    return out / "dist" / APP


@pytest.fixture(scope="module")
def model_env(tmp_path_factory) -> dict[str, str]:
    """ARSL_MODEL for both trees: empty when the real model ships, else a tiny model."""
    if (ROOT / "models" / "arsl_karsl82.onnx").is_file() and "ARSL_MODEL" not in os.environ:
        return {}
    from tiny_model import build_tiny_model

    path = build_tiny_model(tmp_path_factory.mktemp("model") / "tiny.onnx", list(range(1, 83)))
    return {"ARSL_MODEL": str(path)}


def _clean_env(home: Path, model_env: dict[str, str]) -> dict[str, str]:
    """A user whose home and XDG folders are all under `home`, and no test overrides."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ARSL_", "XDG_", "QT_QPA_PLATFORM_PLUGIN", "PYTHON"))}
    env.update(HOME=str(home), USERPROFILE=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"), **model_env)
    if "ARSL_SAMPLE_DIR" in os.environ:
        env["ARSL_SAMPLE_DIR"] = os.environ["ARSL_SAMPLE_DIR"]
    return env


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}


def _clips(sample_dir: Path) -> list[Path]:
    videos = sorted((sample_dir / "videos" / "01" / "test").glob("*.mp4"))
    folders = sorted((sample_dir / "frames" / "02" / "test" / "0072").iterdir())
    return [videos[len(videos) // 3], videos[2 * len(videos) // 3], folders[0]]


@pytest.mark.slow
def test_bundle_is_complete_and_lean(bundle):
    internal = bundle / "_internal"
    for launcher in (f"{APP}{EXE}", f"{APP}-gui{EXE}"):
        assert (bundle / launcher).is_file(), launcher
    for shipped in ("resources/labels/karsl502.json", "resources/icons/arsl-desktop.png",
                    "landmarkers/manifest.json", "landmarkers/LICENSE", "landmarkers/pose_landmarker_full.task",
                    "landmarkers/hand_landmarker.task", "landmarkers/face_landmarker.task"):
        assert (internal / shipped).is_file(), shipped
    assert list((internal / "onnxruntime" / "capi").glob("onnxruntime_pybind11_state*"))
    assert list((internal / "mediapipe" / "tasks" / "c").glob("*mediapipe.*")), "MediaPipe's Tasks library"
    dangling = [str(p) for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, dangling
    for unwanted in ("torch", "jax", "jaxlib", "training", "tkinter", "cv2/qt", "mediapipe/modules"):
        assert not (internal / unwanted).exists(), f"{unwanted} should not be in the bundle"
    if sys.platform.startswith("linux"):
        desktop = (bundle / f"{APP}.desktop").read_text(encoding="utf-8")
        assert "Exec=arsl-desktop-gui" in desktop and "Icon=arsl-desktop" in desktop


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None, reason="Linux ldd check")
def test_pruned_qt_pieces_are_needed_by_nothing_left(bundle):
    # The spec drops QtQuick/QML/FFmpeg pieces; every Qt library still shipped must resolve.
    qt = bundle / "_internal" / "PySide6"
    missing = set()
    for lib in [*qt.glob("*.so*"), *(qt / "Qt").rglob("*.so*")]:
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
        missing |= {f"{lib.name}: {line.split()[0]}" for line in out.splitlines()
                    if "not found" in line and "libQt6" in line}
    assert not missing, sorted(missing)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM ends a Windows process without running its handlers")
def test_frozen_window_starts_runs_and_ends_cleanly_on_sigterm(bundle, model_env, sample_dir, tmp_path):
    """The windowed launcher opens the window (offscreen) on a looping clip: it writes its settings
    into the user's folder once the window is built, and SIGTERM then ends it through the window's
    own handler (status 0) - which needs a live event loop, unlike a process that merely exists."""
    before = _listing(bundle)
    home = tmp_path / "home"
    env = {**_clean_env(home, model_env), "QT_QPA_PLATFORM": "offscreen", "ARSL_USER_DATA": str(home / "arsl")}
    proc = subprocess.Popen([str(bundle / f"{APP}-gui{EXE}"), "--video", str(_clips(sample_dir)[0]), "--loop"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    settings = home / "arsl" / "settings.json"
    deadline = time.monotonic() + 120
    while not settings.is_file() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)  # polling another process's files: no Qt signal to wait on
    alive = proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the window did not end on SIGTERM:\n{err[-3000:]}")
    assert alive and settings.is_file(), f"the window did not start ({proc.returncode}):\n{err[-3000:]}"
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert _listing(bundle) == before, "the window wrote into its own folder"


@pytest.mark.slow
def test_frozen_self_check_on_real_clip_writes_only_to_user_folders(bundle, model_env, sample_dir, tmp_path):
    clip = _clips(sample_dir)[0]
    before = _listing(bundle)
    env = _clean_env(tmp_path / "home", model_env)
    proc = subprocess.run([str(bundle / f"{APP}{EXE}"), "--self-check", str(clip)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert f"self-check: bundle {bundle / '_internal'}" in out
    assert "OK    MediaPipe: mediapipe 1.2.3" in out and str(bundle / "_internal" / "mediapipe") in out
    assert "OK    landmarkers: 3 files match the manifest's SHA-256" in out and str(bundle / "_internal" / "landmarkers") in out
    assert f"OK    label table: 502 signs  ({bundle / '_internal' / 'resources'}" in out
    assert "OK    pipeline on clip:" in out and "top-1 sign" in out and "INFO  first frame after" in out
    assert _listing(bundle) == before, "the frozen app wrote into its own folder"
    logs = list((tmp_path / "home").rglob("self-check.log"))
    assert logs, "the report should land in the user's log folder"
    assert "self-check passed" in out and str(logs[0].parent) in out


@pytest.mark.slow
def test_frozen_missing_model_names_it(bundle, tmp_path):
    missing = tmp_path / "missing.onnx"
    proc = subprocess.run([str(bundle / f"{APP}{EXE}"), "--self-check"], capture_output=True, text=True,
                          env=_clean_env(tmp_path / "home", {"ARSL_MODEL": str(missing)}), timeout=300)
    assert proc.returncode == 1
    assert f"FAIL  model: Model file not found: {missing}" in proc.stdout


@pytest.mark.slow
def test_frozen_recognize_matches_source_tree(bundle, model_env, sample_dir, tmp_path):
    clips = [str(c) for c in _clips(sample_dir)]
    env = _clean_env(tmp_path / "home", model_env)
    frozen = subprocess.run([str(bundle / f"{APP}{EXE}"), "recognize", "--format", "jsonl", *clips],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    source = subprocess.run([sys.executable, "-m", "arsl_desktop", "recognize", "--format", "jsonl", *clips],
                            capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path,
                            timeout=600)
    assert frozen.returncode == 0 and source.returncode == 0, frozen.stderr + source.stderr
    got = [json.loads(line) for line in frozen.stdout.splitlines()]
    want = [json.loads(line) for line in source.stdout.splitlines()]
    assert [r["source"] for r in got] == clips == [r["source"] for r in want]
    for g, w in zip(got, want, strict=True):
        assert g["top"][0]["id"] == w["top"][0]["id"], (g["source"], g["top"][:2], w["top"][:2])
        assert g["top"][0]["prob"] == pytest.approx(w["top"][0]["prob"], abs=1e-3)
        assert g["frames"] == w["frames"] and g["hands_seen"] == w["hands_seen"]


def test_archive_keeps_the_folder_name(tmp_path):
    build_dist = _load_build_dist()
    folder = tmp_path / APP
    (folder / "_internal").mkdir(parents=True)
    (folder / "_internal" / "x.txt").write_text("x")
    out = build_dist.make_archive(folder, tmp_path)
    assert out.name.startswith(f"{APP}-{__version__}-") and build_dist.platform_tag() in out.name
    if out.suffix == ".gz":
        with tarfile.open(out) as tf:
            assert f"{APP}/_internal/x.txt" in tf.getnames()


def test_platform_tag_names_os_and_cpu():
    tag = _load_build_dist().platform_tag()
    system, _, machine = tag.partition("-")
    assert system in ("linux", "windows", "macos") and machine
    assert paths.APP_SLUG == APP


# -- the Debian package built from the bundle (packaging/build_deb.py) ------------------------

@pytest.fixture(scope="module")
def deb(bundle, tmp_path_factory) -> Path:
    if not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb not installed (Debian/Ubuntu package: dpkg)")
    spec = importlib.util.spec_from_file_location("build_deb", ROOT / "packaging" / "build_deb.py")
    build_deb = importlib.util.module_from_spec(spec)
    sys.modules["build_deb"] = build_deb
    spec.loader.exec_module(build_deb)
    # uncompressed: the same tree as `make dist` packs with xz, built in seconds
    return build_deb.build_deb(bundle, tmp_path_factory.mktemp("deb"), compression="none")


def _deb_control(deb: Path) -> dict[str, str]:
    text = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version", "Depends", "Recommends"],
                          capture_output=True, text=True, check=True).stdout
    return dict(line.split(": ", 1) for line in text.splitlines())


@pytest.mark.slow
def test_deb_declares_system_libraries_and_holds_the_bundle(bundle, deb, tmp_path):
    control = _deb_control(deb)
    assert control["Package"] == APP and control["Version"] == __version__
    depends = {d.split(" (")[0] for d in control["Depends"].split(", ")}
    recommends = set(control["Recommends"].split(", "))
    assert re.search(r"(^|, )libc6 \(>= 2\.\d+\)", control["Depends"]), control["Depends"]
    # Qt's xcb platform plugin: the helpers a user's X11 desktop may lack are shipped or declared
    shipped = {p.name for p in bundle.rglob("*")}
    for soname, package in (("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
                            ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0")):
        assert soname in shipped or package in depends, (soname, control["Depends"])
    assert {"libxcb1", "libgl1"} <= depends  # PyInstaller never ships these: the system's must be there
    assert {"libpulse0", "speech-dispatcher", "espeak-ng"} <= recommends and not depends & recommends
    tree = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    opt = tree / "opt" / APP
    extras = {"arsl-desktop.desktop", "arsl-desktop.png", "install-desktop-entry.sh"}
    want = {k for k in _listing(bundle) if k not in extras}
    assert set(_listing(opt)) == want, "the package's /opt/arsl-desktop differs from the bundle"
    for name in (APP, f"{APP}-gui"):
        assert (tree / "usr" / "bin" / name).resolve() == (opt / name).resolve()
    assert (tree / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / f"{APP}.png").is_file()
    desktop = tree / "usr" / "share" / "applications" / f"{APP}.desktop"
    assert f"\nExec={APP}-gui\n" in desktop.read_text(encoding="utf-8")
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert proc.returncode == 0 and "error" not in proc.stdout, proc.stdout


@pytest.mark.slow
def test_deb_unpacked_runs_the_frozen_self_check_on_a_real_clip(deb, model_env, sample_dir, tmp_path):
    """`dpkg-deb -x`, then the self-check through the /usr/bin link, as an installed user would run it."""
    tree = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    env = _clean_env(tmp_path / "home", model_env)
    if not (env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"  # no display here: Qt's check starts the offscreen plugin
    proc = subprocess.run([str(tree / "usr" / "bin" / APP), "--self-check", str(_clips(sample_dir)[0])],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    internal = (tree / "opt" / APP / "_internal").resolve()
    assert f"self-check: bundle {internal}" in out
    assert "OK    Qt: platform plugin" in out and "OK    pipeline on clip:" in out and "top-1 sign" in out
