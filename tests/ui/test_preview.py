"""The preview pane with the demo files, fetched from the real local service through the cache."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtCore import QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QWheelEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from satchel.domain.file_kinds import PreviewKind, file_kind
from satchel.domain.model import Attachment
from satchel.providers.bearer import BearerProvider
from satchel.sandbox.demo_files import DEMO_FILES
from satchel.storage.content_cache import ContentCache
from satchel.ui.preview import PreviewPage, PreviewPane
from satchel.ui.preview.decoding import read_image
from satchel.ui.preview.text_source import decode
from tests.support.sandbox import SandboxInfo

ACCOUNT = "acme"


@pytest_asyncio.fixture
async def provider(sandbox: SandboxInfo, rw_key: str) -> AsyncIterator[BearerProvider]:
    async with BearerProvider(sandbox.base_url, rw_key) as connected:
        yield connected


@pytest_asyncio.fixture
async def demo(provider: BearerProvider) -> dict[str, Attachment]:
    """Tenant 0's attachments by name."""
    found: dict[str, Attachment] = {}
    for board in await provider.list_boards():
        for board_list in await provider.list_lists(board.id):
            for card in await provider.list_cards(board_list.id):
                for attachment in await provider.list_attachments(card.id):
                    found[attachment.name] = attachment
    return found


@pytest.fixture
def cache(tmp_path: Path) -> ContentCache:
    return ContentCache(tmp_path / "cache")


async def _preview(
    pane: PreviewPane,
    cache: ContentCache,
    provider: BearerProvider,
    attachment: Attachment,
) -> Path:
    pane.show_loading(attachment)
    path = await cache.fetch(provider, ACCOUNT, attachment, pane.set_progress)
    await _show(pane, attachment, path)
    return path


async def _show(pane: PreviewPane, attachment: Attachment, path: Path) -> None:
    """`show_file`, and wait while a worker decodes it and the page fills."""
    pane.show_file(attachment, path)
    await _settle(lambda: not pane.is_decoding, timeout=15)


async def _settle(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    """Let the Qt loop run until `condition` holds (no qtbot.wait inside async tests)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def _local(tmp_path: Path, name: str, content_type: str, data: bytes) -> tuple[Attachment, Path]:
    """An attachment whose bytes are made here: for files the demo does not have."""
    path = tmp_path / name
    path.write_bytes(data)
    return Attachment("local-1", name, None, content_type, len(data)), path


# --- images ----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_png_is_fit_to_the_pane_and_zooms(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    await _preview(pane, cache, provider, demo["Homepage hero.png"])

    view = pane.image_view
    assert pane.page is PreviewPage.IMAGE
    assert not view.image().isNull()
    assert (view.image().width(), view.image().height()) == (1280, 720)
    assert view.fit_mode and 0 < view.scale < 1  # 1280 px does not fit in 800

    fit = view.scale
    view.zoom_in()
    assert not view.fit_mode and view.scale == pytest.approx(fit * 1.25)
    view.zoom_out()
    view.zoom_out()
    assert view.scale == pytest.approx(fit / 1.25)
    view.zoom_to_actual()
    assert view.scale == 1.0
    view.zoom_to_fit()
    assert view.fit_mode and view.scale == pytest.approx(fit)


@pytest.mark.asyncio
async def test_image_zoom_keys_and_ctrl_wheel_work_when_the_viewer_has_focus(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    await _preview(pane, cache, provider, demo["Homepage hero.png"])
    view = pane.image_view
    pane.window().activateWindow()
    view.setFocus()
    await _settle(lambda: pane.window().isActiveWindow())
    area = QApplication.focusWidget()
    assert area is not None and area.objectName() == "imageScrollArea"
    fit = view.scale

    QTest.keyClick(area, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.scale == pytest.approx(fit * 1.25)
    QTest.keyClick(area, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(area, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.scale == pytest.approx(fit / 1.25)
    QTest.keyClick(area, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.fit_mode and view.scale == pytest.approx(fit)

    viewport = area.viewport()
    wheel = QWheelEvent(
        QPointF(100, 100), QPointF(viewport.mapToGlobal(QPoint(100, 100))), QPoint(),
        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(viewport, wheel)
    assert not view.fit_mode and view.scale == pytest.approx(fit * 1.25)


@pytest.mark.asyncio
async def test_every_viewer_takes_focus_from_the_keyboard(pane: PreviewPane) -> None:
    for viewer in (
        pane.image_view,
        pane.pdf_view,
        pane.text_view,
        pane.markdown_view,
        pane.csv_view,
    ):
        target = viewer.focusProxy()
        assert target is not None, viewer
        assert target.focusPolicy() & Qt.FocusPolicy.TabFocus, viewer
    for button in (
        pane.facts_view.open_button,
        pane.loading_view.cancel_button,
        pane.error_view.retry_button,
    ):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus


@pytest.mark.asyncio
async def test_jpeg_is_shown_as_an_image(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    await _preview(pane, cache, provider, demo["Mood board.jpg"])

    assert pane.page is PreviewPage.IMAGE
    pixmap = pane.image_view.image()
    assert not pixmap.isNull() and (pixmap.width(), pixmap.height()) == (1600, 1200)
    assert pane.image_view.fit_mode and pane.image_view.scale < 1


@pytest.mark.asyncio
async def test_a_corrupt_image_becomes_a_clear_message(pane: PreviewPane, tmp_path: Path) -> None:
    attachment, path = _local(tmp_path, "broken.png", "image/png", b"these bytes are no PNG" * 50)

    await _show(pane, attachment, path)

    assert pane.page is PreviewPage.FACTS
    assert pane.image_view.image().isNull()
    note = pane.facts_view.note.text()
    assert "cannot be previewed" in note and "image" in note
    assert pane.facts_view.open_button.isVisible()


# --- PDF -------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_pdf_shows_every_page_and_zooms(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    await _preview(pane, cache, provider, demo["Launch plan.pdf"])

    view = pane.pdf_view
    assert pane.page is PreviewPage.PDF
    assert view.document.status() == QPdfDocument.Status.Ready
    assert view.page_count == 3
    assert view.page_label() == "Page 1 of 3"
    assert view.zoom_mode == QPdfView.ZoomMode.FitToWidth

    fit = view.zoom_factor
    view.zoom_in()
    assert view.zoom_mode == QPdfView.ZoomMode.Custom
    assert view.zoom_factor == pytest.approx(fit * 1.25)
    view.zoom_out()
    view.zoom_out()
    assert view.zoom_factor == pytest.approx(fit / 1.25)
    view.fit_width_action.trigger()  # Ctrl+0
    assert view.zoom_mode == QPdfView.ZoomMode.FitToWidth

    pane.show_nothing()  # lets go of the document
    assert view.document.status() == QPdfDocument.Status.Null


@pytest.mark.asyncio
async def test_a_damaged_pdf_becomes_a_clear_message(pane: PreviewPane, tmp_path: Path) -> None:
    attachment, path = _local(tmp_path, "broken.pdf", "application/pdf", b"%PDF-1.4 nothing else")

    await _show(pane, attachment, path)

    assert pane.page is PreviewPage.FACTS
    assert "damaged or not a PDF" in pane.facts_view.note.text()


# --- text, Markdown, JSON, CSV ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_plain_text_and_non_ascii_text(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    path = await _preview(pane, cache, provider, demo["README.txt"])
    assert pane.page is PreviewPage.TEXT
    assert pane.text_view.text() == path.read_text()

    await _preview(pane, cache, provider, demo["Übersicht – Café.txt"])
    assert pane.page is PreviewPage.TEXT
    assert pane.text_view.text().startswith("Übersicht – Café")
    assert "Crème brûlée" in pane.text_view.text()
    assert not pane.text_view.is_monospace()  # prose keeps the normal font
    assert not pane.text_view.note.isVisible()


@pytest.mark.asyncio
async def test_oversize_text_is_capped_with_a_note(pane: PreviewPane, tmp_path: Path) -> None:
    line = "ünïcödé line of a long log file\n"  # multi-byte: the cap must not split a character
    attachment, path = _local(tmp_path, "big.log", "text/plain", (line * 60_000).encode())

    await _show(pane, attachment, path)

    assert pane.page is PreviewPage.TEXT
    text = pane.text_view.text()
    assert len(text.encode()) <= 1024 * 1024 < path.stat().st_size
    assert "\ufffd" not in text
    assert pane.text_view.note.isVisible()
    assert "showing the first 1 MiB" in pane.text_view.note.text()
    assert pane.text_view.is_monospace()  # a log reads like code


@pytest.mark.asyncio
async def test_binary_bytes_named_txt_are_not_shown_as_text(
    pane: PreviewPane, tmp_path: Path
) -> None:
    attachment, path = _local(tmp_path, "data.txt", "text/plain", bytes(range(256)) * 4)
    await _show(pane, attachment, path)
    assert pane.page is PreviewPage.FACTS
    assert "binary" in pane.facts_view.note.text()


@pytest.mark.asyncio
async def test_markdown_is_rendered_and_links_go_out(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    await _preview(pane, cache, provider, demo["Homepage copy.md"])

    assert pane.page is PreviewPage.MARKDOWN
    document = pane.markdown_view.document()
    headings = []
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            headings.append((block.blockFormat().headingLevel(), block.text()))
        block = block.next()
    assert (1, "Homepage copy") in headings and (2, "Headline") in headings
    assert "#" not in document.toPlainText()  # rendered, not shown as source

    opened: list[str] = []
    pane.open_url_requested.connect(opened.append)
    pane.markdown_view.browser.anchorClicked.emit(QUrl("https://example.com/brief"))
    pane.markdown_view.browser.anchorClicked.emit(QUrl("file:///etc/passwd"))  # never handed out
    assert opened == ["https://example.com/brief"]


@pytest.mark.asyncio
async def test_json_is_pretty_printed(
    pane: PreviewPane,
    cache: ContentCache,
    provider: BearerProvider,
    demo: dict[str, Attachment],
    tmp_path: Path,
) -> None:
    path = await _preview(pane, cache, provider, demo["site-config.json"])

    assert pane.page is PreviewPage.JSON
    assert pane.text_view.text() == json.dumps(json.loads(path.read_text()), indent=2)
    assert pane.text_view.is_monospace()

    compact_json = '{"a":[1,{"b":"é"}]}'.encode()
    attachment, compact = _local(tmp_path, "c.json", "application/json", compact_json)
    await _show(pane, attachment, compact)
    assert pane.text_view.text() == '{\n  "a": [\n    1,\n    {\n      "b": "é"\n    }\n  ]\n}'
    assert not pane.text_view.note.isVisible()


@pytest.mark.asyncio
async def test_invalid_json_is_shown_as_text_with_a_note(pane: PreviewPane, tmp_path: Path) -> None:
    attachment, path = _local(tmp_path, "broken.json", "application/json", b'{"a": 1,\n "b": }')

    await _show(pane, attachment, path)

    assert pane.page is PreviewPage.JSON
    assert pane.text_view.text() == '{"a": 1,\n "b": }'
    assert "not valid JSON" in pane.text_view.note.text()
    assert "line 2" in pane.text_view.note.text()


@pytest.mark.asyncio
async def test_csv_is_a_table(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    await _preview(pane, cache, provider, demo["Budget.csv"])

    model = pane.csv_view.model
    assert pane.page is PreviewPage.CSV
    assert (model.rowCount(), model.columnCount()) == (3, 3)
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert header == ["item", "owner", "amount_eur"]
    assert model.data(model.index(0, 0)) == "Photography"
    assert model.data(model.index(2, 2)) == "240"
    assert not pane.csv_view.note.isVisible()


@pytest.mark.asyncio
async def test_csv_dialect_is_sniffed_and_rows_are_capped(
    pane: PreviewPane, tmp_path: Path
) -> None:
    rows = ["name;city;count"] + [f"n{i};Köln;{i}" for i in range(10_050)]
    attachment, path = _local(tmp_path, "many.csv", "text/csv", "\n".join(rows).encode())

    await _show(pane, attachment, path)

    model = pane.csv_view.model
    assert pane.page is PreviewPage.CSV
    assert (model.rowCount(), model.columnCount()) == (10_000, 3)
    assert model.data(model.index(0, 1)) == "Köln"
    assert "first 10,000 rows" in pane.csv_view.note.text()


# --- facts, links, loading, errors -----------------------------------------------------------


@pytest.mark.asyncio
async def test_zip_shows_its_facts_and_opens_with_the_default_app(
    pane: PreviewPane, cache: ContentCache, provider: BearerProvider, demo: dict[str, Attachment]
) -> None:
    logo_pack = demo["Logo pack.zip"]
    await _preview(pane, cache, provider, logo_pack)

    facts = pane.facts_view
    assert pane.page is PreviewPage.FACTS
    assert facts.title_label.text() == "Logo pack.zip"
    assert facts.kind_label.text() == "ZIP archive"
    assert facts.size_label.text().endswith(("bytes", "KB"))
    assert facts.created_label.text() != "unknown"
    assert facts.open_button.isVisible() and not facts.open_url_button.isVisible()

    opened: list[object] = []
    pane.open_requested.connect(opened.append)
    facts.open_button.click()
    assert opened == [logo_pack]


@pytest.mark.asyncio
async def test_a_link_shows_its_url_and_opens_in_the_browser(
    pane: PreviewPane, demo: dict[str, Attachment]
) -> None:
    link = demo["Style guide"]
    assert link.is_link

    pane.show_facts(link)

    facts = pane.facts_view
    assert pane.page is PreviewPage.FACTS
    assert facts.url_label.text() == "https://example.com/style-guide"
    assert facts.open_url_button.isVisible() and not facts.open_button.isVisible()
    urls: list[str] = []
    pane.open_url_requested.connect(urls.append)
    facts.open_url_button.click()
    assert urls == ["https://example.com/style-guide"]


@pytest.mark.asyncio
async def test_loading_shows_progress_and_cancel(pane: PreviewPane, tmp_path: Path) -> None:
    attachment, _ = _local(tmp_path, "big.bin", "application/octet-stream", b"")
    pane.show_loading(attachment)
    loading = pane.loading_view
    assert pane.page is PreviewPage.LOADING
    assert "big.bin" in loading.title.text()

    pane.set_progress(3_000_000, 12_000_000)
    assert loading.bar.value() == 250
    assert loading.progress_text() == "3.0 MB of 12.0 MB"
    pane.set_progress(5 * 1024**3, 10 * 1024**3)  # past what a QProgressBar int holds
    assert loading.bar.value() == 500
    pane.set_progress(1000, 0)  # size unknown: a busy bar
    assert loading.bar.maximum() == 0

    cancels: list[bool] = []
    pane.cancel_requested.connect(lambda: cancels.append(True))
    loading.cancel_button.click()
    assert cancels == [True]


@pytest.mark.asyncio
async def test_error_page_offers_to_try_again(pane: PreviewPane, tmp_path: Path) -> None:
    attachment, _ = _local(tmp_path, "report.pdf", "application/pdf", b"")
    pane.show_error(attachment, "The service is busy. Try again in a minute.")

    assert pane.page is PreviewPage.ERROR
    assert pane.error_view.message.text() == "The service is busy. Try again in a minute."
    retries: list[bool] = []
    pane.retry_requested.connect(lambda: retries.append(True))
    pane.error_view.retry_button.click()
    assert retries == [True]

    await _show(pane, attachment, tmp_path / "gone.pdf")  # evicted under us: worth a retry
    assert pane.page is PreviewPage.ERROR

    pane.show_nothing()
    assert pane.page is PreviewPage.EMPTY and pane.attachment is None
    assert pane.empty_view.label.text() == "Select an attachment to preview it"


# --- choosing and reading, without the service ----------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "name", "kind"),
    [
        ("image/png", "Homepage hero.png", PreviewKind.IMAGE),
        ("application/octet-stream", "photo.JPG", PreviewKind.IMAGE),  # the name decides
        ("image/svg+xml", "logo", PreviewKind.IMAGE),
        ("application/octet-stream", "plan.pdf", PreviewKind.PDF),
        ("text/plain", "notes.md", PreviewKind.MARKDOWN),
        ("application/vnd.api+json", "answer", PreviewKind.JSON),
        ("text/tab-separated-values", "table", PreviewKind.CSV),
        ("text/plain; charset=utf-8", "Übersicht – Café.txt", PreviewKind.TEXT),
        ("application/octet-stream", "main.py", PreviewKind.TEXT),
        ("application/zip", "Logo pack.zip", PreviewKind.FACTS),
        ("application/octet-stream", "Sensor capture (run 42).bin", PreviewKind.FACTS),
    ],
)
def test_the_viewer_is_chosen_by_extension_then_type(
    qapp: QApplication, content_type: str, name: str, kind: PreviewKind
) -> None:
    assert file_kind(name, content_type).preview is kind


def test_a_cap_never_splits_a_character() -> None:
    data = "ab€".encode()  # € is three bytes
    for cut in range(len(data) + 1):
        excerpt = decode(data[:cut], truncated=cut < len(data))
        assert "\ufffd" not in excerpt.text and "ab€".startswith(excerpt.text)
    assert decode("Grüße".encode("cp1252")).text == "Grüße"  # not UTF-8: Windows-1252
    assert decode("Grüße".encode("latin-1"), "iso-8859-1").encoding == "iso-8859-1"
    assert decode(b"\xef\xbb\xbfbom").text == "bom"


@pytest.mark.asyncio
async def test_big_images_are_decoded_scaled_down(tmp_path: Path) -> None:
    (tmp_path / "hero.png").write_bytes(DEMO_FILES["hero"].make())
    image, full_size = read_image(tmp_path / "hero.png", max_pixels=100_000)
    assert image.width() * image.height() <= 100_000
    assert (full_size.width(), full_size.height()) == (1280, 720)
    assert image.width() / image.height() == pytest.approx(1280 / 720, rel=0.02)
