"""Loop stalls while the preview pane shows a 50-megapixel image, 1 MiB of text and a
10,000-row CSV.

    .venv/bin/python tests/bench/preview_bench.py

Offscreen, on the qasync loop as the app runs: the real PreviewPane in a window, a
5 ms heartbeat timer (tests/bench/heartbeat.py) whose largest gap is the worst stall,
from `show_file` until the file is all on its page and painted, and a little after
(the smoothed image arrives then). Each file is shown three times: the line gives the
median of the three showings' worst stalls (this machine is shared: one showing can
meet another program's burst), a `#` line all three and the most CPU time the UI
thread itself spent inside one gap (its own work, whatever the machine's load).
Prints one line per file:
    NAME: satchel X ms, reference 33 ms, ratio R (target <= 1.0)
and the idle loop's worst stall as a `#` line (the machine's own noise).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from heartbeat import Heartbeat, idle, stall_line
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from satchel.domain.model import Attachment
from satchel.ui.preview import PreviewPage, PreviewPane

RUNS = 3
#: After the page is up: the smoothed image and the last paints land in this time.
AFTER_SHOWN_S = 0.4
IMAGE_SIZE = (8660, 5774)  # 50 megapixels, a full-frame camera's 3:2


def make_image(path: Path) -> None:
    """A 50-megapixel JPEG with detail (a flat colour would decode unrealistically fast)."""
    width, height = IMAGE_SIZE
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(0, 0, width, height)
    gradient.setColorAt(0, QColor("midnightblue"))
    gradient.setColorAt(1, QColor("darkorange"))
    painter.fillRect(image.rect(), gradient)
    for n in range(400):
        painter.setPen(QColor((n * 37) % 255, (n * 91) % 255, (n * 53) % 255))
        painter.drawEllipse(QRect((n * 97) % width, (n * 61) % height, 900, 600))
    painter.end()
    assert image.save(str(path), "JPEG", 90)


def make_text(path: Path) -> None:
    line = "2026-12-02 14:00:00 INFO request served in 12 ms for /boards/42/cards ünïcode\n"
    path.write_text(line * (1024 * 1024 // len(line.encode())), encoding="utf-8")


def make_csv(path: Path) -> None:
    rows = ["id,name,email,city,amount,date,note,status"]
    rows += [
        f"{n},Person {n},p{n}@example.com,City {n % 97},{n * 3.7:.2f},"
        f"2026-01-{n % 28 + 1:02d},a longer note about row {n},open"
        for n in range(10_000)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


async def shown(pane: PreviewPane, attachment: Attachment, path: Path) -> None:
    """`show_file`, then wait for the page (the pane says when; older panes were done
    when show_file returned)."""
    done = asyncio.get_running_loop().create_future()
    signal = getattr(pane, "file_shown", None)
    if signal is not None:
        signal.connect(lambda _a: done.done() or done.set_result(None))
    pane.show_file(attachment, path)
    if signal is None:
        done.set_result(None)
    await asyncio.wait_for(done, 60)
    if pane.page in (PreviewPage.FACTS, PreviewPage.ERROR, PreviewPage.LOADING):
        raise SystemExit(f"{attachment.name} did not show: {pane.page}")


async def measure(
    pane: PreviewPane, heartbeat: Heartbeat, attachment: Attachment, path: Path
) -> tuple[list[float], float]:
    """The worst stall (ms) of each showing, and the most UI-thread CPU time in one gap."""
    stalls, own = [], 0.0
    for _ in range(RUNS):
        pane.show_nothing()
        await asyncio.sleep(0.3)
        heartbeat.reset()
        await shown(pane, attachment, path)
        await asyncio.sleep(AFTER_SHOWN_S)
        stalls.append(heartbeat.worst * 1000)
        own = max(own, heartbeat.worst_cpu * 1000)
    return stalls, own


async def run(folder: Path) -> str:
    files = [
        ("preview: worst loop stall, 50-megapixel JPEG", "photo.jpg", "image/jpeg", make_image),
        ("preview: worst loop stall, 1 MiB of text", "server.log", "text/plain", make_text),
        ("preview: worst loop stall, 10,000-row CSV", "rows.csv", "text/csv", make_csv),
    ]
    host = QWidget()
    host.resize(1200, 800)
    pane = PreviewPane(host)
    pane.setGeometry(0, 0, 1200, 800)
    host.show()
    heartbeat = Heartbeat()
    await asyncio.sleep(0.2)
    idle_line = f"# idle loop: worst stall {await idle(heartbeat, 1.0) * 1000:.0f} ms in 1 s"
    for name, file_name, content_type, make in files:
        path = folder / file_name
        make(path)
        attachment = Attachment(file_name, file_name, None, content_type, path.stat().st_size)
        stalls, own = await measure(pane, heartbeat, attachment, path)
        print(stall_line(name, statistics.median(stalls)), flush=True)
        shown_stalls = ", ".join(f"{stall:.0f}" for stall in stalls)
        print(f"# {name}: showings {shown_stalls} ms; UI-thread work in one gap {own:.0f} ms")
    pane.show_nothing()
    idle_line += f", {await idle(heartbeat, 1.0) * 1000:.0f} ms in 1 s after"
    heartbeat.stop()
    host.close()
    return idle_line


def main() -> int:
    app = QApplication.instance() or QApplication([])
    app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="satchel-preview-bench-") as folder, loop:
        idle_line = loop.run_until_complete(run(Path(folder)))
    print(idle_line)
    print(f"# {time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
