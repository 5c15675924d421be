"""Satchel's icon in every size and container a desktop asks for, drawn from the one SVG.

Nothing binary is committed: the PNGs, the Windows `.ico` and the macOS `.icns` are made
from `resources/icons/satchel.svg` when they are needed (bundle build, desktop install).
Both containers hold PNG images, which every Windows since Vista and every macOS since
10.7 read, so no image library beyond QtSvg is needed.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from satchel import paths

#: The hicolor theme's sizes (freedesktop icon theme spec), 16 to 512 px.
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ICNS element types holding PNG data, by pixel size (Apple's icns format).
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09",
              1024: b"ic10"}  # fmt: skip


def app_svg() -> Path:
    return paths.resources_dir() / "icons" / "satchel.svg"


def render_png(size: int, svg: Path | None = None) -> bytes:
    """The SVG drawn into a square transparent PNG of `size` pixels."""
    if QGuiApplication.instance() is None:
        raise RuntimeError("Rendering icons needs a QGuiApplication (offscreen is enough).")
    renderer = QSvgRenderer(str(svg or app_svg()))
    if not renderer.isValid():
        raise ValueError(f"{svg or app_svg()} is not an SVG image Qt can draw.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # str works; stubs say bytes
    buffer.close()
    return bytes(data.data())


def render_pngs(sizes: Iterable[int], svg: Path | None = None) -> dict[int, bytes]:
    return {size: render_png(size, svg) for size in sizes}


def ico_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """A Windows icon: ICONDIR, one ICONDIRENTRY per size, then the PNGs (256 is stored as 0)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        png = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def icns_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """A macOS icon: 'icns', total length, then (type, length, PNG) per size."""
    body = b""
    for size in sorted(pngs):
        kind = ICNS_TYPES.get(size)
        if kind is not None:
            body += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_bundle_icons(folder: Path, svg: Path | None = None) -> dict[str, Path]:
    """satchel.png (512), satchel.ico and satchel.icns in `folder`, for the bundle build."""
    folder.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(sorted(set(ICO_SIZES) | set(ICNS_TYPES)), svg)
    made = {
        "png": folder / "satchel.png",
        "ico": folder / "satchel.ico",
        "icns": folder / "satchel.icns",
    }
    made["png"].write_bytes(pngs[512])
    made["ico"].write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    made["icns"].write_bytes(icns_bytes(pngs))
    return made
