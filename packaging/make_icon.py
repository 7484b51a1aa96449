"""Draw the app icon (an open hand on a teal tile) as SVG and PNG, from one geometry.

Run once when the design changes; the outputs in `resources/icons/` are committed so builds
need no drawing step: `python packaging/make_icon.py`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
TILE, ACCENT, HAND = "#0f766e", "#f59e0b", "#ffffff"

# Geometry on a 256-unit canvas: (x, y, w, h, radius) rounded rectangles.
BACKGROUND = (8, 8, 240, 240, 52)
PALM = (70, 118, 112, 98, 36)
FINGERS = [(74, 60, 24, 84, 12), (102, 40, 24, 100, 12), (130, 46, 24, 94, 12), (158, 66, 22, 76, 11)]
THUMB = (174, 132, 64, 26, 13)  # drawn rotated: the thumb points up and out
THUMB_ANGLE = -35
DOTS = [(44, 206, 7), (212, 206, 7), (44, 50, 5)]  # small motion marks


def svg() -> str:
    def rect(r, fill, extra=""):
        x, y, w, h, rad = r
        return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rad}" fill="{fill}"{extra}/>'

    tx, ty, tw, th, _ = THUMB
    parts = [rect(BACKGROUND, TILE), rect(PALM, HAND)] + [rect(f, HAND) for f in FINGERS]
    parts.append(rect(THUMB, HAND, f' transform="rotate({THUMB_ANGLE} {tx} {ty + th / 2})"'))
    parts += [f'<circle cx="{x}" cy="{y}" r="{r}" fill="{ACCENT}"/>' for x, y, r in DOTS]
    body = "\n  ".join(parts)
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">\n  {body}\n</svg>\n'


def png(size: int) -> Image.Image:
    """Draw at 4x and downsample, for smooth edges."""
    s = 4 * size / 256
    img = Image.new("RGBA", (4 * size, 4 * size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)

    def rect(r, fill, draw=d):
        x, y, w, h, rad = r
        draw.rounded_rectangle([x * s, y * s, (x + w) * s, (y + h) * s], radius=rad * s, fill=fill)

    rect(BACKGROUND, TILE)
    rect(PALM, HAND)
    for f in FINGERS:
        rect(f, HAND)
    tx, ty, tw, th, _ = THUMB
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    rect(THUMB, HAND, ImageDraw.Draw(layer))
    # PIL rotates counter-clockwise for positive angles; SVG rotates clockwise.
    layer = layer.rotate(-THUMB_ANGLE, center=(tx * s, (ty + th / 2) * s), resample=Image.BICUBIC)
    img.alpha_composite(layer)
    for x, y, r in DOTS:
        d.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=ACCENT)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "arsl-desktop.svg").write_text(svg(), encoding="utf-8")
    big = png(256)
    big.save(ICONS / "arsl-desktop.png", optimize=True)
    big.save(ICONS / "arsl-desktop.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    for p in sorted(ICONS.iterdir()):
        print(f"{p}  {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
