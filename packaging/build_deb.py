"""Build a Debian package (.deb) from the PyInstaller folder.

    python packaging/build_deb.py                       # dist/arsl-desktop -> dist/arsl-desktop_<ver>_<arch>.deb
    python packaging/build_deb.py BUNDLE --dist DIR -Z gzip

`make dist` runs this after the archive (build_dist.py). The package installs the folder under
/opt/arsl-desktop, links `arsl-desktop` and `arsl-desktop-gui` into /usr/bin, and adds the menu
entry (/usr/share/applications) and the icon (/usr/share/icons/hicolor). It has no maintainer
scripts: the icon cache and the menu database are refreshed by the triggers of hicolor-icon-theme
and desktop-file-utils, so `dpkg -r` leaves nothing behind.

Depends are found, not listed by hand: every ELF file of the bundle names the libraries it needs
(readelf's NEEDED); those the bundle does not ship are looked up in the linker cache (ldconfig -p)
and mapped to their Debian package with `dpkg -S` (or KNOWN_SONAMES, where the build machine lacks
them). What only optional parts need (Qt's speech and multimedia modules, its Wayland plugin and
GTK 3 theme: see OPTIONAL_PARTS) becomes Recommends, with speech-dispatcher and espeak-ng. libc6
gets the highest GLIBC_ symbol version the bundle asks for. PyInstaller ships the libraries it
finds on the build machine (the xcb helpers among them), so Depends follows what was built.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "arsl-desktop"
PREFIX = Path("opt") / APP  # where the folder goes, relative to /
LAUNCHERS = (APP, f"{APP}-gui")  # linked into /usr/bin
# The folder's own Linux extras (for the archive: a per-user menu entry); the package puts the
# entry and the icon in the system's places instead.
FOLDER_EXTRAS = (f"{APP}.desktop", f"{APP}.png", "install-desktop-entry.sh")

# Speech: QtTextToSpeech plays through speech-dispatcher (espeak-ng voices) and PulseAudio.
RECOMMENDS_ALWAYS = ("libpulse0", "speech-dispatcher", "espeak-ng")
# Parts of the bundle that are optional at run time; what only they need is recommended, not
# required. Speech and multimedia: the app imports these Qt modules inside try/except and carries
# on without them. Wayland: Qt falls back to the xcb plugin (X11 or XWayland) when its Wayland
# plugin cannot load. The GTK 3 platform theme: only dialogs' look, Qt falls back to its own.
OPTIONAL_PARTS = ("PySide6/QtTextToSpeech", "PySide6/QtMultimedia", "PySide6/Qt/lib/libQt6TextToSpeech",
                  "PySide6/Qt/lib/libQt6Multimedia", "PySide6/Qt/plugins/texttospeech/",
                  "PySide6/Qt/lib/libQt6Wayland", "PySide6/Qt/lib/libQt6WlShell", "PySide6/Qt/plugins/wayland-",
                  "PySide6/Qt/plugins/platforms/libqwayland", "PySide6/Qt/plugins/platformthemes/libqgtk3")
# Packages of libraries the bundle may leave to the system, for a build machine that lacks some
# of them (PyInstaller then cannot ship them and the linker cache cannot name them). PyInstaller
# ships the xcb helpers it finds on the build machine; where it did not, the package declares them.
KNOWN_SONAMES = {
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-util.so.1": "libxcb-util1", "libpulse.so.0": "libpulse0", "libspeechd.so.2": "libspeechd2",
    "libgtk-3.so.0": "libgtk-3-0", "libgdk-3.so.0": "libgtk-3-0", "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1", "libwayland-client.so.0": "libwayland-client0",
}
DESCRIPTION = """Arabic Sign Language recognition from the webcam
 ArSL Desktop recognises word-level Arabic Sign Language (KArSL) from a webcam
 in real time: the window shows the camera with the signer's hands, arms and
 face outlined and the recognised sign in Arabic and English; recognised signs
 build up a transcript. It also recognises signs in video files from the
 command line (arsl-desktop recognize, transcribe) and learns personal signs.
 .
 The application is a self-contained PyInstaller folder in /opt/arsl-desktop
 (Python, Qt 6, MediaPipe Tasks, onnxruntime and the model)."""
COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ArSL Desktop

Files: *
License: MIT
Comment: The label table (resources/labels) is derived from the official KArSL-502
 label table: Sidig, Luqman, Mahmoud, Mohandes. KArSL: Arabic Sign Language
 Database. ACM TALLIP 20(1), 2021. The MediaPipe landmarker models and the
 bundled libraries (Python, Qt, OpenCV, MediaPipe, onnxruntime) keep their own
 licences; see /opt/arsl-desktop/_internal/landmarkers/LICENSE and the
 licence files in /opt/arsl-desktop/_internal.
"""


def project_version() -> str:
    """The version in pyproject.toml ([project] version)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        m = re.search(r'^\[project\][^\[]*?^version\s*=\s*"([^"]+)"', text, re.M | re.S)
        if m is None:
            raise SystemExit("build_deb: no [project] version in pyproject.toml") from None
        return m.group(1)
    return tomllib.loads(text)["project"]["version"]


def debian_version(version: str) -> str:
    """PEP 440 -> Debian ordering: 1.0rc1 -> 1.0~rc1 (sorts before 1.0), 1.0.dev2 -> 1.0~dev2."""
    return re.sub(r"\.?(a|b|rc|dev)(\d+)", r"~\1\2", version)


def debian_arch() -> str:
    if shutil.which("dpkg"):
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


# -- which system libraries the bundle needs -------------------------------------------------

def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_needs(path: Path) -> tuple[list[str], list[str]]:
    """(NEEDED sonames, GLIBC_ symbol versions asked for) of one ELF file."""
    out = subprocess.run(["readelf", "-d", "-V", "-W", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out), re.findall(r"Name: GLIBC_([\d.]+)", out)


def linker_cache() -> dict[str, str]:
    """soname -> path of the machine's libraries (ldconfig -p), for this machine's word size."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    want64 = sys.maxsize > 2**32
    cache: dict[str, str] = {}
    for m in re.finditer(r"^\s*(\S+) \(([^)]*)\) => (\S+)$", out, re.M):
        soname, flags, path = m.groups()
        if ("64" in flags) == want64:
            cache.setdefault(soname, path)
    return cache


def owning_package(path: str) -> str | None:
    """The Debian package that installed `path` (tried as given, resolved, and across the /usr merge)."""
    real = os.path.realpath(path)
    tries = [path, real]
    for p in (path, real):
        tries.append(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for p in dict.fromkeys(tries):
        proc = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if proc.returncode == 0:
            for line in proc.stdout.splitlines():
                owners, sep, owned = line.rpartition(": ")
                if sep and owned == p and not owners.startswith("diversion"):
                    return owners.split(", ")[0].split(":")[0]
    return None


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


@dataclass
class SystemDeps:
    depends: set[str] = field(default_factory=set)
    recommends: set[str] = field(default_factory=set)
    glibc: str | None = None  # the highest GLIBC_ version any file asks for
    unresolved: dict[str, list[str]] = field(default_factory=dict)  # soname -> files needing it

    def depends_field(self) -> str:
        return ", ".join(f"libc6 (>= {self.glibc})" if p == "libc6" and self.glibc else p
                         for p in sorted(self.depends))

    def recommends_field(self) -> str:
        return ", ".join(sorted(self.recommends - self.depends))


def system_dependencies(bundle: Path, cache: dict[str, str] | None = None, owner=owning_package) -> SystemDeps:
    """What the bundle's ELF files link to that the bundle does not ship, as Debian packages."""
    shipped = {p.name for p in bundle.rglob("*")}
    internal = bundle / "_internal"
    required: dict[str, list[str]] = {}
    optional: dict[str, list[str]] = {}
    deps = SystemDeps()
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)):
        rel = path.relative_to(internal if internal in path.parents else bundle).as_posix()
        sonames, glibc = elf_needs(path)
        for v in glibc:
            if deps.glibc is None or version_key(v) > version_key(deps.glibc):
                deps.glibc = v
        into = optional if rel.startswith(OPTIONAL_PARTS) else required
        for soname in sonames:
            if soname not in shipped:
                into.setdefault(soname, []).append(rel)
    cache = linker_cache() if cache is None else cache
    packages: dict[str, str | None] = {}
    for soname in {*required, *optional}:
        path = cache.get(soname)
        packages[soname] = (owner(path) if path else None) or KNOWN_SONAMES.get(soname)
    for sonames, bucket in ((required, deps.depends), (optional, deps.recommends)):
        for soname, users in sonames.items():
            if packages[soname]:
                bucket.add(packages[soname])
            else:
                deps.unresolved.setdefault(soname, []).extend(users)
    deps.recommends |= set(RECOMMENDS_ALWAYS)
    deps.depends -= set(RECOMMENDS_ALWAYS)  # speech stays optional even if a required file named it
    return deps


# -- the package tree --------------------------------------------------------------------------

def _place(src: Path, dest: Path) -> None:
    """Hard-link when possible (the folder is large), else copy."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def stage(bundle: Path, root: Path) -> None:
    """The installed tree under `root`: /opt/arsl-desktop, /usr/bin links, menu entry, icons, copyright."""
    opt = root / PREFIX
    shutil.copytree(bundle, opt, symlinks=True, copy_function=_place,
                    ignore=lambda d, names: [n for n in names if Path(d) == bundle and n in FOLDER_EXTRAS])
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for name in LAUNCHERS:
        # relative, so an unpacked tree (dpkg-deb -x) works from wherever it lies
        (bin_dir / name).symlink_to(Path("..", "..", PREFIX, name))
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copyfile(ROOT / "packaging" / "linux" / f"{APP}.desktop", share / "applications" / f"{APP}.desktop")
    icons = ROOT / "resources" / "icons"
    for src, dest in ((icons / f"{APP}.png", "256x256/apps"), (icons / f"{APP}.svg", "scalable/apps")):
        (share / "icons" / "hicolor" / dest).mkdir(parents=True)
        shutil.copyfile(src, share / "icons" / "hicolor" / dest / src.name)
    (share / "doc" / APP).mkdir(parents=True)
    (share / "doc" / APP / "copyright").write_text(COPYRIGHT, encoding="utf-8")


def normalise_modes(root: Path) -> None:
    """Folders 0755, files 0644 or 0755 (executable for anyone if for the owner): dpkg installs these."""
    for dirpath, _dirs, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = Path(dirpath, name)
            if p.is_symlink():
                continue
            mode = p.stat().st_mode & 0o7777
            want = 0o755 if mode & 0o100 else 0o644
            if mode != want:
                if p.stat().st_nlink > 1:  # a hard link into the bundle: change a copy, not the bundle
                    tmp = p.with_name(p.name + ".copy")
                    shutil.copy2(p, tmp)
                    tmp.replace(p)
                os.chmod(p, want)


def installed_size_kib(root: Path) -> int:
    total = sum(p.lstat().st_size for p in root.rglob("*") if "DEBIAN" not in p.relative_to(root).parts)
    return (total + 1023) // 1024


def control_text(version: str, arch: str, deps: SystemDeps, size_kib: int, maintainer: str) -> str:
    fields = [("Package", APP), ("Version", version), ("Architecture", arch), ("Maintainer", maintainer),
              ("Installed-Size", str(size_kib)), ("Depends", deps.depends_field()),
              ("Recommends", deps.recommends_field()), ("Section", "video"), ("Priority", "optional"),
              ("Description", DESCRIPTION)]
    return "".join(f"{k}: {v}\n" for k, v in fields if v)


def default_maintainer() -> str:
    return f"{os.environ.get('DEBFULLNAME', 'ArSL Desktop developers')} <{os.environ.get('DEBEMAIL', 'arsl-desktop@localhost')}>"


def build_deb(bundle: Path, dist: Path, compression: str = "xz", maintainer: str | None = None,
              deps: SystemDeps | None = None, work: Path | None = None) -> Path:
    """Stage the tree, write DEBIAN/control, run dpkg-deb; returns the .deb."""
    if shutil.which("dpkg-deb") is None:
        raise RuntimeError("dpkg-deb not found (Debian/Ubuntu: apt-get install dpkg)")
    deps = system_dependencies(bundle) if deps is None else deps
    version, arch = debian_version(project_version()), debian_arch()
    dist.mkdir(parents=True, exist_ok=True)
    out = dist / f"{APP}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="deb-", dir=work or dist) as tmp:
        root = Path(tmp) / "root"
        stage(bundle, root)
        (root / "DEBIAN").mkdir()
        control = control_text(version, arch, deps, installed_size_kib(root), maintainer or default_maintainer())
        (root / "DEBIAN" / "control").write_text(control, encoding="utf-8")
        normalise_modes(root)
        part = out.with_name(out.name + ".part")  # an interrupted build leaves no truncated .deb
        try:
            subprocess.run(["dpkg-deb", "--build", "--root-owner-group", f"-Z{compression}", str(root), str(part)],
                           check=True, stdout=subprocess.DEVNULL)
            part.replace(out)
        finally:
            part.unlink(missing_ok=True)
    return out


def report(deps: SystemDeps) -> None:
    print(f"deb Depends: {deps.depends_field()}")
    print(f"deb Recommends: {deps.recommends_field()}")
    for soname, users in sorted(deps.unresolved.items()):
        print(f"deb: WARNING: {soname} (needed by {', '.join(sorted(set(users))[:3])}) is not on this machine "
              "and not known: not declared", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / APP, help="the PyInstaller folder")
    ap.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    ap.add_argument("-Z", dest="compression", default="xz", choices=("xz", "gzip", "zstd", "none"),
                    help="compression (default xz; zstd needs dpkg >= 1.21.18 where it is installed)")
    ap.add_argument("--maintainer", help="Maintainer field (default: $DEBFULLNAME <$DEBEMAIL>)")
    args = ap.parse_args()
    if not (args.bundle / APP).is_file():
        print(f"build_deb: no bundle at {args.bundle} (run make dist first)", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    deps = system_dependencies(args.bundle.resolve())
    report(deps)
    out = build_deb(args.bundle.resolve(), args.dist.resolve(), args.compression, args.maintainer, deps)
    print(f"deb: {out}  {out.stat().st_size / 1e6:.0f} MB  (built in {time.monotonic() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
