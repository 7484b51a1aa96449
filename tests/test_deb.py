"""packaging/build_deb.py on a small stand-in for the bundle: how Depends and Recommends are found,
the package's file list, control file and menu entry, and that it installs and removes cleanly
(into a private dpkg root). The package built from the real bundle is tested in test_bundle.py.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = "arsl-desktop"

needs_dpkg_deb = pytest.mark.skipif(shutil.which("dpkg-deb") is None,
                                    reason="dpkg-deb not installed (Debian/Ubuntu package: dpkg)")


def load_build_deb():
    spec = importlib.util.spec_from_file_location("build_deb", ROOT / "packaging" / "build_deb.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_deb"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def build_deb():
    return load_build_deb()


ELF = b"\x7fELF" + b"\0" * 60


@pytest.fixture
def fake_bundle(tmp_path) -> Path:
    """The bundle's shape: two launchers, _internal/ with libraries, the folder's Linux extras."""
    b = tmp_path / "src" / APP
    (b / "_internal" / "PySide6" / "Qt" / "plugins" / "texttospeech").mkdir(parents=True)
    for name in (APP, f"{APP}-gui"):
        (b / name).write_bytes(ELF)
        (b / name).chmod(0o755)
    (b / "_internal" / "libQt6Core.so.6").write_bytes(ELF)
    (b / "_internal" / "libpython3.11.so.1.0").write_bytes(ELF)
    (b / "_internal" / "PySide6" / "Qt" / "plugins" / "texttospeech" / "libqtexttospeech_speechd.so").write_bytes(ELF)
    (b / "_internal" / "labels.json").write_text("{}")
    (b / "_internal" / "libQt6Core.so").symlink_to("libQt6Core.so.6")
    for extra in ("arsl-desktop.desktop", "arsl-desktop.png", "install-desktop-entry.sh"):
        (b / extra).write_text("folder extra")
    return b


NEEDS = {  # what each stand-in ELF file "links to" (readelf is replaced by this table)
    APP: (["libc.so.6", "libpython3.11.so.1.0", "libz.so.1"], ["2.17", "2.34"]),
    f"{APP}-gui": (["libc.so.6", "libpython3.11.so.1.0"], ["2.2.5"]),
    "libQt6Core.so.6": (["libc.so.6", "libglib-2.0.so.0", "libxcb-icccm.so.4", "libnowhere.so.3"], ["2.35"]),
    "libpython3.11.so.1.0": (["libc.so.6", "libm.so.6"], []),
    "libqtexttospeech_speechd.so": (["libspeechd.so.2", "libQt6Core.so.6", "libglib-2.0.so.0"], []),
}
CACHE = {"libc.so.6": "/lib/x86_64-linux-gnu/libc.so.6", "libm.so.6": "/lib/x86_64-linux-gnu/libm.so.6",
         "libz.so.1": "/lib/x86_64-linux-gnu/libz.so.1", "libglib-2.0.so.0": "/lib/x86_64-linux-gnu/libglib-2.0.so.0",
         "libspeechd.so.2": "/lib/x86_64-linux-gnu/libspeechd.so.2"}
OWNERS = {"/lib/x86_64-linux-gnu/libc.so.6": "libc6", "/lib/x86_64-linux-gnu/libm.so.6": "libc6",
          "/lib/x86_64-linux-gnu/libz.so.1": "zlib1g", "/lib/x86_64-linux-gnu/libglib-2.0.so.0": "libglib2.0-0",
          "/lib/x86_64-linux-gnu/libspeechd.so.2": "libspeechd2"}


def test_depends_are_what_the_bundle_links_to_and_does_not_ship(build_deb, fake_bundle, monkeypatch):
    monkeypatch.setattr(build_deb, "elf_needs", lambda path: NEEDS[path.name])
    deps = build_deb.system_dependencies(fake_bundle, cache=CACHE, owner=OWNERS.get)
    # shipped libraries (libpython, libQt6Core) are not dependencies; libxcb-icccm4 is known by soname
    assert deps.depends == {"libc6", "zlib1g", "libglib2.0-0", "libxcb-icccm4"}
    assert deps.depends_field() == "libc6 (>= 2.35), libglib2.0-0, libxcb-icccm4, zlib1g"
    # what only the speech plugin needs is recommended, next to the speech packages
    assert deps.recommends_field() == "espeak-ng, libpulse0, libspeechd2, speech-dispatcher"
    assert deps.unresolved == {"libnowhere.so.3": ["libQt6Core.so.6"]}


@pytest.mark.skipif(shutil.which("readelf") is None or shutil.which("dpkg") is None
                    or shutil.which("true") is None,
                    reason="readelf (binutils) and dpkg are needed to read a real ELF file's needs")
def test_real_elf_file_maps_to_libc6(build_deb, tmp_path):
    b = tmp_path / APP
    b.mkdir()
    shutil.copy2(os.path.realpath(shutil.which("true")), b / APP)
    deps = build_deb.system_dependencies(b)
    assert "libc6" in deps.depends and deps.glibc and deps.depends_field().startswith("libc6 (>= 2.")
    assert not deps.unresolved


def test_debian_version_orders_prereleases_first(build_deb):
    assert build_deb.debian_version("0.1.0") == "0.1.0"
    assert build_deb.debian_version("1.2rc1") == "1.2~rc1" and build_deb.debian_version("1.0.dev3") == "1.0~dev3"
    assert build_deb.project_version() == __import__("arsl_desktop").__version__


def _deb_from_fake(build_deb, fake_bundle, tmp_path) -> Path:
    deps = build_deb.SystemDeps(depends={"libc6", "libxcb-icccm4"}, recommends={"libspeechd2"}, glibc="2.34")
    deps.recommends |= set(build_deb.RECOMMENDS_ALWAYS)
    return build_deb.build_deb(fake_bundle, tmp_path / "dist", compression="gzip", deps=deps,
                               maintainer="Test <test@example.org>")


def _control(deb: Path) -> dict[str, str]:
    text = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
    fields, key = {}, None
    for line in text.splitlines():
        if line.startswith(" ") and key:
            fields[key] += "\n" + line
        else:
            key, _, value = line.partition(": ")
            fields[key] = value
    return fields


@needs_dpkg_deb
def test_package_contents_control_and_menu_entry(build_deb, fake_bundle, tmp_path):
    deb = _deb_from_fake(build_deb, fake_bundle, tmp_path)
    version = build_deb.debian_version(build_deb.project_version())
    assert deb.name == f"{APP}_{version}_{build_deb.debian_arch()}.deb"
    control = _control(deb)
    assert control["Package"] == APP and control["Version"] == version
    assert control["Depends"] == "libc6 (>= 2.34), libxcb-icccm4"
    assert control["Recommends"] == "espeak-ng, libpulse0, libspeechd2, speech-dispatcher"
    assert control["Maintainer"] == "Test <test@example.org>" and int(control["Installed-Size"]) >= 1
    assert control["Description"].startswith("Arabic Sign Language recognition")

    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    entries = {line.split()[5].removeprefix("."): line for line in listing.splitlines()}
    assert all(line.split()[1] == "root/root" for line in entries.values())
    files = {p for p, line in entries.items() if not line.startswith("d")}
    assert files == {
        f"/opt/{APP}/{APP}", f"/opt/{APP}/{APP}-gui", f"/opt/{APP}/_internal/libQt6Core.so.6",
        f"/opt/{APP}/_internal/libQt6Core.so", f"/opt/{APP}/_internal/libpython3.11.so.1.0",
        f"/opt/{APP}/_internal/labels.json",
        f"/opt/{APP}/_internal/PySide6/Qt/plugins/texttospeech/libqtexttospeech_speechd.so",
        f"/usr/bin/{APP}", f"/usr/bin/{APP}-gui", f"/usr/share/applications/{APP}.desktop",
        f"/usr/share/icons/hicolor/256x256/apps/{APP}.png", f"/usr/share/icons/hicolor/scalable/apps/{APP}.svg",
        f"/usr/share/doc/{APP}/copyright"}
    assert entries[f"/opt/{APP}/{APP}"].startswith("-rwxr-xr-x")
    assert entries[f"/opt/{APP}/_internal/labels.json"].startswith("-rw-r--r--")

    tree = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    for name in (APP, f"{APP}-gui"):  # the PATH entries lead to the launchers, also in an unpacked tree
        link = tree / "usr" / "bin" / name
        assert link.is_symlink() and link.resolve() == (tree / "opt" / APP / name).resolve()
    desktop = tree / "usr" / "share" / "applications" / f"{APP}.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert f"\nExec={APP}-gui\n" in text and f"\nIcon={APP}\n" in text
    assert (fake_bundle / "arsl-desktop.png").read_text() == "folder extra"  # the bundle itself is untouched
    assert not list((tmp_path / "dist").glob("deb-*")), "the staging folder is removed"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate not installed (apt-get install desktop-file-utils)")
def test_menu_entry_is_valid():
    proc = subprocess.run(["desktop-file-validate", str(ROOT / "packaging" / "linux" / f"{APP}.desktop")],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@needs_dpkg_deb
@pytest.mark.skipif(shutil.which("dpkg") is None or not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="installing into a private dpkg root needs dpkg and root (files are owned by root)")
def test_installs_and_removes_without_leftovers(build_deb, fake_bundle, tmp_path):
    deb = _deb_from_fake(build_deb, fake_bundle, tmp_path)
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for d in ("info", "updates", "triggers"):
        (admin / d).mkdir(parents=True)
    (admin / "status").write_text("")

    def dpkg(*args: str) -> None:
        proc = subprocess.run(["dpkg", f"--root={root}", "--force-depends", "--force-script-chrootless",
                               "--log=/dev/null", *args], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def outside_admin() -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if admin not in (p, *p.parents)}

    before = outside_admin()
    dpkg("--install", str(deb))
    assert (root / "usr" / "bin" / APP).is_symlink() and (root / "opt" / APP / "_internal" / "labels.json").is_file()
    installed = outside_admin() - before
    listed = subprocess.run(["dpkg", f"--root={root}", "-L", APP], capture_output=True, text=True,
                            check=True).stdout.split()
    assert {f"/{p}" for p in installed} <= set(listed), "files outside the package's list"
    dpkg("--remove", APP)
    leftovers = outside_admin() - before  # in an empty root even /opt and /usr, made for the package, go
    assert not leftovers, sorted(leftovers)


def test_make_dist_builds_the_deb_next_to_the_archive(monkeypatch, tmp_path):
    """build_dist.py calls build_deb after the archive on Linux (and says so where dpkg-deb is missing)."""
    spec = importlib.util.spec_from_file_location("build_dist", ROOT / "packaging" / "build_dist.py")
    build_dist = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_dist)
    calls = []
    monkeypatch.setattr(build_dist.subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(build_dist, "add_desktop_files", lambda bundle: None)
    (tmp_path / "a.tar.gz").write_bytes(b"x")
    monkeypatch.setattr(build_dist, "make_archive", lambda bundle, dist: dist / "a.tar.gz")
    monkeypatch.setattr(build_dist, "make_deb", lambda *a: calls.append(("deb", *a)))
    (tmp_path / APP).mkdir()
    build_dist.build(tmp_path, tmp_path / "work", archive=True)
    if sys.platform.startswith("linux"):
        assert calls[-1] == ("deb", tmp_path / APP, tmp_path, tmp_path / "work", "xz")
    calls.clear()
    build_dist.build(tmp_path, tmp_path / "work", archive=False)
    assert all(c[0] != "deb" for c in calls)
