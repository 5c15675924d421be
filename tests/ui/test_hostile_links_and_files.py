"""Other people's links and files: only web pages and mail open; anything that may run asks
first, naming its real extension."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from satchel.domain.addresses import is_openable_link
from satchel.domain.file_kinds import file_kind
from satchel.domain.model import Attachment
from satchel.transfers.one_off import upload_file
from satchel.ui.preview.pane import PreviewPane
from satchel.ui.preview.text_views import MarkdownView
from tests.support.qt import wait_until
from tests.ui.window_fixtures import ACCOUNT, WindowRig

HOSTILE_LINKS = [
    "file:///etc/passwd",
    "file://attacker.example/share/x.exe",
    "smb://attacker.example/share",
    "\\\\attacker.example\\share\\doc.pdf",
    "//attacker.example/share",
    "ms-msdt:/id PCWDiagnostic /skip force",
    "search-ms:query=invoice&crumb=location:\\\\attacker.example",
    "javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "slack://open",
    "ftp://attacker.example/x",
    "https://",
    "  FILE:///C:/Windows/System32/calc.exe",
]
FRIENDLY_LINKS = ["https://example.com/page", "HTTP://example.com", "mailto:someone@example.com"]


@pytest.mark.parametrize("url", HOSTILE_LINKS)
def test_hostile_links_are_never_opened(url: str) -> None:
    assert not is_openable_link(url)


@pytest.mark.parametrize("url", FRIENDLY_LINKS)
def test_web_pages_and_mail_open(url: str) -> None:
    assert is_openable_link(url)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.pdf", True),
        ("photo.JPG", True),
        ("notes.txt", True),
        ("budget.xlsx", True),
        ("logos.zip", True),
        ("setup.exe", False),
        ("run.bat", False),
        ("install.js", False),
        ("Open me.command", False),
        ("app.desktop", False),
        ("tool.jar", False),
        ("invoice.pdf.exe", False),
        ("a\u202efdp.exe", False),  # shown as afdp.exe; without the override "aexe.pdf"
        ("budget.xlsm", False),
        ("page.html", False),
        ("README", False),  # no extension: nobody can tell what the desktop does with it
        ("archive.unknownext", False),
    ],
)
def test_only_known_document_kinds_are_safe_to_open(name: str, safe: bool) -> None:
    attachment = Attachment(id="1", name=name, card_id="c", content_type="", size=1)
    assert file_kind(attachment.local_name, attachment.content_type).safe_to_open is safe


def test_markdown_links_use_the_same_list(qtbot) -> None:
    view = MarkdownView()
    qtbot.addWidget(view)  # closed and deleted with the test, not at exit
    clicked: list[str] = []
    view.link_activated.connect(clicked.append)
    for url in ["file:///etc/passwd", "smb://host/share", "https://example.com"]:
        view._on_browser_anchor_clicked(QUrl(url))
    assert clicked == ["https://example.com"]


def _link(url: str) -> Attachment:
    return Attachment(
        id="l1", name="Style guide", card_id="c", content_type="", size=None, link_url=url
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("url", ["file:///etc/passwd", "smb://attacker.example/s", "ms-msdt:x"])
async def test_link_attachments_with_other_schemes_are_shown_not_opened(
    rig: WindowRig, url: str
) -> None:
    told: list[str] = []
    rig.window.attachments.told.connect(told.append)
    rig.window.attachments.open(ACCOUNT, _link(url))
    assert rig.opened == []
    assert told and "does not open" in told[-1] and url in told[-1]

    pane: PreviewPane = rig.window.pane
    pane.show_facts(_link(url))  # the facts name the link but offer no button to open it
    assert pane.facts_view.url_label.text() == url
    assert pane.facts_view.open_url_button.isHidden()
    pane.facts_view.open_url_button.click()
    assert rig.opened == []


@pytest.mark.asyncio
async def test_files_that_may_run_ask_first_naming_the_real_extension(
    rig: WindowRig, tmp_path: Path
) -> None:
    provider = rig.workspace.provider(ACCOUNT)
    boards = await provider.list_boards()
    lists = await provider.list_lists(boards[0].id)
    card_id = (await provider.list_cards(lists[0].id))[0].id
    source = tmp_path / "invoice.pdf.exe"
    source.write_bytes(b"MZ not really a program")
    attachment = await upload_file(provider, card_id, source)

    asked: list[str] = []
    answers = [False, True]
    rig.window.attachments.confirm_open = lambda _a, why: asked.append(why) or answers.pop(0)
    rig.window.attachments.open(ACCOUNT, attachment)
    assert len(asked) == 1 and "(.exe)" in asked[0] and "invoice.pdf.exe" in asked[0]
    assert rig.opened == []  # declined: not even fetched

    rig.window.attachments.open(ACCOUNT, attachment)
    await wait_until(lambda: len(rig.opened) == 1, what="the file to open once allowed")
    assert rig.opened[0].toLocalFile().endswith(".exe")


def test_names_show_as_text_never_as_html(qtbot) -> None:
    pane = PreviewPane()
    qtbot.addWidget(pane)
    name = '<img src="https://tracker.example/pixel"><b>bold</b>.pdf'
    attachment = Attachment(id="1", name=name, card_id="c", content_type="text/html", size=3)
    pane.show_facts(attachment, note=f"About “{name}”")
    for label in (pane.facts_view.title_label, pane.facts_view.note, pane.facts_view.kind_label):
        assert label.textFormat().name == "PlainText", label
    pane.show_loading(attachment)
    assert pane.loading_view.title.textFormat().name == "PlainText"
    pane.show_error(attachment, f"“{name}” is gone")
    assert pane.error_view.title.textFormat().name == "PlainText"
    assert pane.error_view.message.textFormat().name == "PlainText"
