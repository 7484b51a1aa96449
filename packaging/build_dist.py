"""Build the one-folder app with PyInstaller, add the desktop entry, pack an archive, print sizes.

    python packaging/build_dist.py            # -> dist/arsl-desktop/ and dist/arsl-desktop-<ver>-<os>-<arch>.tar.gz
                                              #    (+ dist/arsl-desktop_<ver>_<arch>.deb on Debian/Ubuntu)
    python packaging/build_dist.py --no-archive --dist /tmp/d --work /tmp/w

Runs on Linux, Windows (archive is a .zip) and macOS (also `ArSL Desktop.app`) with the same spec.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from arsl_desktop import __version__  # noqa: E402

APP = "arsl-desktop"


def platform_tag() -> str:
    """e.g. linux-x86_64, windows-amd64, macos-arm64: the OS and CPU the bundle runs on."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    return f"{system}-{platform.machine().lower()}"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def add_desktop_files(bundle: Path) -> None:
    """Linux: the .desktop entry, its icon and the installer script ride along in the folder."""
    for src in (ROOT / "packaging" / "linux").iterdir():
        shutil.copy2(src, bundle / src.name)
    shutil.copy2(ROOT / "resources" / "icons" / f"{APP}.png", bundle / f"{APP}.png")


def make_archive(bundle: Path, dist: Path) -> Path:
    name = f"{APP}-{__version__}-{platform_tag()}"
    if sys.platform == "win32":
        out = dist / f"{name}.zip"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(bundle.rglob("*")):
                zf.write(p, p.relative_to(dist))
        return out
    out = dist / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tf:
        tf.add(bundle, arcname=bundle.name)
    return out


def make_deb(bundle: Path, dist: Path, work: Path, compression: str = "xz") -> Path | None:
    """Linux with dpkg-deb: the .deb next to the archive (packaging/build_deb.py)."""
    sys.path.insert(0, str(ROOT / "packaging"))
    import build_deb

    if shutil.which("dpkg-deb") is None:
        print("deb: skipped (dpkg-deb not found; on Debian/Ubuntu: apt-get install dpkg)")
        return None
    t0 = time.monotonic()
    deps = build_deb.system_dependencies(bundle)
    build_deb.report(deps)
    work.mkdir(parents=True, exist_ok=True)
    out = build_deb.build_deb(bundle, dist, compression, deps=deps, work=work)
    print(f"deb: {out}  {out.stat().st_size / 1e6:.0f} MB  (built in {time.monotonic() - t0:.0f} s)")
    return out


def build(dist: Path, work: Path, archive: bool = True, clean: bool = False, deb_compression: str = "xz") -> Path:
    """Run PyInstaller on the spec; returns the bundle folder."""
    t0 = time.monotonic()
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work), str(ROOT / "arsl_desktop.spec")]
    if clean:
        cmd.insert(3, "--clean")
    subprocess.run(cmd, check=True, cwd=ROOT)
    bundle = dist / APP
    if sys.platform.startswith("linux"):
        add_desktop_files(bundle)
    mb = folder_size(bundle) / 1e6
    print(f"bundle: {bundle}  {mb:.0f} MB  (built in {time.monotonic() - t0:.0f} s)")
    if archive:
        t1 = time.monotonic()
        out = make_archive(bundle, dist)
        print(f"archive: {out}  {out.stat().st_size / 1e6:.0f} MB  (packed in {time.monotonic() - t1:.0f} s)")
        if sys.platform.startswith("linux"):
            make_deb(bundle, dist, work, deb_compression)
    return bundle


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller work folder")
    ap.add_argument("--no-archive", action="store_true", help="skip the .tar.gz/.zip and the .deb")
    ap.add_argument("--clean", action="store_true", help="discard PyInstaller's cache first")
    ap.add_argument("--deb-compression", default="xz", choices=("xz", "gzip", "zstd", "none"),
                    help="the .deb's compression (default xz: smallest, minutes on 2 cores; gzip is quicker)")
    args = ap.parse_args()
    try:
        build(args.dist.resolve(), args.work.resolve(), archive=not args.no_archive, clean=args.clean,
              deb_compression=args.deb_compression)
    except subprocess.CalledProcessError as exc:
        step = "PyInstaller" if "PyInstaller" in exc.cmd else Path(str(exc.cmd[0])).name
        print(f"build_dist: {step} failed (exit {exc.returncode}); see the messages above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
