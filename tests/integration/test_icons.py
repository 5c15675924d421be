"""The bundle's icons, drawn from the SVG: PNG, and PNG-based .ico and .icns containers."""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from satchel.integration.icons import ICO_SIZES, write_bundle_icons


def _image(data: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(data, "PNG")
    return image


def test_bundle_icons_hold_every_size_drawn_from_the_svg(
    qapp: QApplication, tmp_path: Path
) -> None:
    made = write_bundle_icons(tmp_path)
    big = _image(made["png"].read_bytes())
    assert (big.width(), big.height()) == (512, 512)
    assert big.pixelColor(256, 300).alpha() == 255  # the satchel's body is drawn
    assert big.pixelColor(2, 2).alpha() == 0  # the corners stay transparent

    ico = made["ico"].read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    for n, size in enumerate(ICO_SIZES):
        width, _h, _c, _r, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * n : 22 + 16 * n]
        )
        assert width == (0 if size == 256 else size)
        assert _image(ico[offset : offset + length]).width() == size

    icns = made["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    seen, at = {}, 8
    while at < len(icns):
        kind_code, length = icns[at : at + 4], struct.unpack(">I", icns[at + 4 : at + 8])[0]
        seen[kind_code] = _image(icns[at + 8 : at + length]).width()
        at += length
    assert seen == {b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256,
                    b"ic09": 512, b"ic10": 1024}  # fmt: skip
