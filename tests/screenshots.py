"""Launch Satchel in a real window and save screenshots of its main flows.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/screenshots.py [OUT_DIR]

(needs Debian's xvfb, xauth and fonts-dejavu-core). It runs with its own empty
config, cache and data dirs, starts the local demo service, and saves:
01-first-run.png, 02-demo-tree.png, 03-image-preview.png, 04-pdf-preview.png,
05-error-state.png, 06-transfers.png, 07-card-picker.png (files opened with Satchel),
08-paste-landing.png (a pasted image landed on its card), 09-dark-mode.png; with
`--bundle DIST/satchel/satchel` (from packaging/build.py) also 10-bundle-window.png, the
bundle's own window listing an account of the service.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QModelIndex

from satchel.domain.model import Account


async def _until(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the window did not get there")
        await asyncio.sleep(0.05)


def card_id(window, index: QModelIndex) -> str:  # type: ignore[no-untyped-def]
    return str(window.model.node_at(window.proxy.mapToSource(index)).id)


def _child(proxy, parent: QModelIndex, name: str) -> QModelIndex:  # type: ignore[no-untyped-def]
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, 0, parent)
        if index.data() == name:
            return index
    raise LookupError(name)


async def _expand(window, *names: str) -> QModelIndex:  # type: ignore[no-untyped-def]
    proxy, model, tree = window.proxy, window.model, window.tree
    index = proxy.index(0, 0)
    for name in [None, *names]:
        if name is not None:
            index = _child(proxy, index, name)
        tree.expand(index)
        source = proxy.mapToSource(index)
        await _until(lambda s=source: model.load_state(s).name == "LOADED")
    return index


async def _opened_and_pasted(desktop, shot, account: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtTest import QTest

    from satchel.ui.preview.pane import PreviewPage

    window = desktop.window
    opened = Path(tempfile.mkdtemp(prefix="satchel-opened-"))
    for name in ("Budget 2027.csv", "Venue contract.pdf"):
        (opened / name).write_bytes(b"opened with Satchel\n")
    window.receive_files([str(path) for path in sorted(opened.iterdir())])
    picker = window.card_picker
    await _until(lambda: not picker.model.loading and picker.model.rowCount())
    QTest.keyClicks(picker.search, "launch")
    await shot("07-card-picker.png")
    QTest.keyClick(picker.search, Qt.Key.Key_Return)

    # A screenshot copied to the clipboard, pasted onto a card, previewed where it landed.
    image = QImage(640, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4efe6"))
    painter = QPainter(image)
    painter.fillRect(40, 40, 560, 70, QColor("#2f6db5"))
    painter.fillRect(40, 140, 260, 220, QColor("#b5692f"))
    painter.fillRect(340, 140, 260, 220, QColor("#2f8a4c"))
    painter.end()
    QGuiApplication.clipboard().setImage(image)
    card = await _expand(window, "Website Relaunch", "Backlog", "Homepage hero")
    window.tree.setCurrentIndex(card)
    window.actions_.paste.trigger()
    transfers = window.transfers
    await _until(lambda: not transfers.queue.totals().unfinished, 60)

    def pasted():  # type: ignore[no-untyped-def]
        rows = [window.proxy.index(r, 0, card) for r in range(window.proxy.rowCount(card))]
        return next((i for i in rows if str(i.data()).startswith("Pasted image")), None)

    await _until(lambda: pasted() is not None)
    window.tree.setCurrentIndex(pasted())
    await _until(lambda: window.pane.page is PreviewPage.IMAGE)
    await shot("08-paste-landing.png")

    desktop.app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    await shot("09-dark-mode.png")
    desktop.app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)


def _bundle_shot(bundle: Path, service, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The bundle, started as a person would (no venv), pictures its own window."""
    import subprocess

    home = Path(tempfile.mkdtemp(prefix="satchel-bundle-"))
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
        "DISPLAY": os.environ.get("DISPLAY", ""), "XAUTHORITY": os.environ.get("XAUTHORITY", ""),
        "SATCHEL_URL": service.base_url, "SATCHEL_SECRET": service.tenants[0]["read_write_key"],
        "SATCHEL_SELF_CHECK": str(out / "10-bundle-window.png"),
        **{f"SATCHEL_{v}_DIR": str(home / v.lower()) for v in ("CONFIG", "DATA", "CACHE")},
    }  # fmt: skip
    result = subprocess.run([str(bundle)], env=env, capture_output=True, text=True, timeout=120)
    print(result.stdout.strip() or result.stderr[-2000:])
    print(out / "10-bundle-window.png")


async def _scenario(desktop, out: Path, bundle: Path | None) -> None:  # type: ignore[no-untyped-def]
    from satchel.local_service import start_local_service
    from satchel.ui.preview.pane import PreviewPage

    window = desktop.window
    screen = desktop.app.primaryScreen()

    async def shot(name: str) -> None:
        await asyncio.sleep(0.6)  # let layouts and images settle
        screen.grabWindow(0).save(str(out / name))
        print(out / name)

    await shot("01-first-run.png")

    loop = asyncio.get_running_loop()
    data = Path(os.environ["SATCHEL_DATA_DIR"]) / "sandbox"
    service = await loop.run_in_executor(None, start_local_service, data)
    try:
        tenant = service.tenants[0]
        account = Account(f"Demo: {tenant['name']}", "bearer", service.base_url)
        await desktop.workspace.sign_in(account, tenant["read_write_key"], remember=False)
        window.add_account_row(account.name)
        card = await _expand(window, "Website Relaunch", "Backlog", "Homepage hero")
        await _expand(window, "Website Relaunch", "In progress", "Launch plan")
        window.tree.setCurrentIndex(card)
        await shot("02-demo-tree.png")

        window.tree.setCurrentIndex(_child(window.proxy, card, "Homepage hero.png"))
        await _until(lambda: window.pane.page is PreviewPage.IMAGE)
        await shot("03-image-preview.png")

        plan = await _expand(window, "Website Relaunch", "In progress", "Launch plan")
        window.tree.setCurrentIndex(_child(window.proxy, plan, "Launch plan.pdf"))
        await _until(lambda: window.pane.page is PreviewPage.PDF)
        await shot("04-pdf-preview.png")

        # Files dropped on a card go through the transfer queue; the panel shows them.
        drops = Path(tempfile.mkdtemp(prefix="satchel-drops-"))
        for number in range(1, 6):
            (drops / f"Sketch {number}.bin").write_bytes(os.urandom(number * 3_000_000))
        window.upload_to(account.name, card_id(window, card), sorted(drops.iterdir()))
        transfers = window.transfers
        await _until(lambda: transfers is not None and transfers.model.rowCount() == 5)
        await asyncio.sleep(0.8)
        await shot("06-transfers.png")
        await _until(lambda: not transfers.queue.totals().unfinished, 120)
        await _opened_and_pasted(desktop, shot, account.name)
        if bundle is not None:
            await loop.run_in_executor(None, _bundle_shot, bundle, service, out)
    finally:
        service.stop()

    # The service is gone: refreshing shows what a person sees when it is down.
    window.tree.setCurrentIndex(window.proxy.index(0, 0))
    window.model.refresh(None)
    await _until(lambda: window.error_bar.isVisible() or window.model.is_failure_row(
        window.model.index(0, 0, window.model.index(0, 0))))  # fmt: skip
    await shot("05-error-state.png")


def main() -> int:
    arguments = sys.argv[1:]
    bundle = None
    if "--bundle" in arguments:
        at = arguments.index("--bundle")
        bundle = Path(arguments[at + 1]).resolve()
        del arguments[at : at + 2]
    out = Path(arguments[0] if arguments else "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="satchel-shots-"))
    for variable in ("CONFIG", "DATA", "CACHE"):
        os.environ[f"SATCHEL_{variable}_DIR"] = str(home / variable.lower())

    from satchel import main as desktop_main

    desktop = desktop_main.build(["satchel"])
    desktop.window.resize(1280, 760)
    desktop.window.move(0, 0)
    desktop.window.show()
    desktop.attach_transfers()
    with desktop.loop:
        desktop.loop.run_until_complete(_scenario(desktop, out, bundle))
        desktop.loop.run_until_complete(desktop.close())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
