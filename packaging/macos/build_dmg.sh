#!/bin/sh
# macOS: build "ArSL Desktop.app" with PyInstaller and wrap it in a disk image (docs/PACKAGING.md).
# NOT built or tested here (the project is built on Linux). Run on a Mac from the repository root:
#
#   packaging/macos/build_dmg.sh                  # -> dist/arsl-desktop-<version>-macos-<arch>.dmg
#   CODESIGN_IDENTITY="Developer ID Application: ..." packaging/macos/build_dmg.sh   # signed
#
# Wheels are per architecture: the .app runs on the CPU it was built on (arm64 or x86_64).
set -eu
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3.11}
VENV=.venv-dist

# The same build venv as `make dist`: the app, the dev extra (PyInstaller), OpenCV's headless build,
# and Pillow so PyInstaller can turn the PNG icon into the .icns the spec's BUNDLE step asks for.
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q -e ".[dev]" pillow
    "$VENV/bin/pip" uninstall -y -q opencv-contrib-python
    "$VENV/bin/pip" install -q --no-deps --force-reinstall "opencv-python-headless>=4.10,<5"
fi
VERSION=$("$VENV/bin/python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
ARCH=$(uname -m)

# arsl_desktop.spec runs its BUNDLE step on macOS only: dist/ArSL Desktop.app (camera usage text included)
"$VENV/bin/python" packaging/build_dist.py --no-archive
APP="dist/ArSL Desktop.app"
test -d "$APP" || { echo "build_dmg: $APP was not built" >&2; exit 1; }
"$APP/Contents/MacOS/arsl-desktop" --self-check   # the console launcher inside the .app

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --deep --force --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict "$APP"
fi

# The disk image: the .app next to a link to /Applications, to drag it across.
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/arsl-desktop-$VERSION-macos-$ARCH.dmg"
hdiutil create -volname "ArSL Desktop" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --force --sign "$CODESIGN_IDENTITY" "$DMG"
    # notarise (needs an app-specific password profile): xcrun notarytool submit "$DMG" --keychain-profile NAME --wait
    # then: xcrun stapler staple "$DMG"
fi
echo "disk image: $DMG"
