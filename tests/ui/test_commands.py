"""Every command of the window, used as a person does: its key pressed on the focused
widget, its toolbar button clicked, its menu item clicked; each time its effect checked.

The keys are literal (the README's table), not the platform's standard keys the actions
were built from: a binding that a desktop drops or two actions share fails here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar

from satchel.domain.model import Attachment
from satchel.sandbox.demo_files import DEMO_FILES
from satchel.sandbox.store import Store
from satchel.transfers.items import State
from satchel.ui.about_dialog import AboutDialog
from satchel.ui.account_dialog import AccountDialog
from satchel.ui.preview.pane import PreviewPage
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant
from tests.ui.person import activate, click_menu, click_toolbar, focus, press, readme_keys
from tests.ui.window_fixtures import WindowRig, bare_window

BOARD, LIST, CARD = "Website Relaunch", "Backlog", "Homepage hero"
IMAGE, PHOTO, LINK = "Homepage hero.png", "Mood board.jpg", "Style guide"


@dataclass
class Context:
    rig: WindowRig
    sandbox: SandboxInfo
    tenant: ModuleTenant
    tmp_path: Path
    #: Runs the command once, by the route under test.
    do: Callable[[], Awaitable[None]]

    @property
    def window(self):  # type: ignore[no-untyped-def]
        return self.rig.window

    def store(self) -> Store:
        return Store(self.sandbox.data_dir / "satchel.db")

    def ids(self, board: str, board_list: str, card: str | None = None) -> tuple[str, str | None]:
        """(list id, card id) of these names in the module's tenant."""
        with self.store() as store:
            found = next(b for b in store.boards(self.tenant.id).items if b.name == board)
            lists = store.lists(self.tenant.id, found.id).items
            list_id = next(x.id for x in lists if x.name == board_list)
            if card is None:
                return list_id, None
            cards = store.cards(self.tenant.id, list_id, limit=500).items
            return list_id, next(c.id for c in cards if c.name == card)

    def add_link(self, card_id: str, name: str) -> str:
        with self.store() as store:
            record = store.create_attachment(
                self.tenant.id, name, "text/uri-list", None, kind="link",
                url="https://example.com/" + name, state="stored", card_id=card_id,
            )  # fmt: skip
            return record.id

    def children(self, *names: str) -> list[str]:
        parent = self.rig.find(*names)
        proxy = self.window.proxy
        return [proxy.index(r, 0, parent).data() for r in range(proxy.rowCount(parent))]

    def unique(self, stem: str) -> str:
        return f"{stem} {uuid.uuid4().hex[:8]}"


def _visible(kind: type) -> list:  # type: ignore[type-arg]
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


# --- what each command does, checked ------------------------------------------------------


async def preview(c: Context) -> None:
    await c.rig.expand(BOARD, LIST, CARD)
    c.rig.select(c.rig.find(BOARD, LIST, CARD, IMAGE))
    await focus(c.window.tree)
    pane = c.window.pane
    assert pane.isVisible()
    await c.do()
    assert not pane.isVisible(), "the first press hides the preview"
    await c.do()
    assert pane.isVisible(), "the second shows it again"
    await wait_until(lambda: pane.page is PreviewPage.IMAGE, what="the image preview")


async def open_(c: Context) -> None:
    await c.rig.expand(BOARD, LIST, CARD)
    c.rig.select(c.rig.find(BOARD, LIST, CARD, LINK))
    await focus(c.window.tree)
    await c.do()
    assert [u.toString() for u in c.rig.opened] == ["https://example.com/style-guide"]

    c.rig.select(c.rig.find(BOARD, LIST, CARD, PHOTO))
    await c.do()
    await wait_until(lambda: len(c.rig.opened) == 2, what="the file to open")
    opened = Path(c.rig.opened[-1].toLocalFile())
    assert opened.name.endswith(".jpg")
    assert opened.read_bytes() == DEMO_FILES["mood"].make()


async def refresh(c: Context) -> None:
    await c.rig.expand(BOARD, "Done", "Site settings")
    c.rig.select(c.rig.find(BOARD, "Done"))
    await focus(c.window.tree)
    list_id, card_id = c.ids(BOARD, "Done", "Site settings")
    assert card_id is not None
    new_card, new_link = c.unique("Fresh card"), c.unique("Fresh link")
    with c.store() as store:
        store.create_card(c.tenant.id, list_id, new_card)
    c.add_link(card_id, new_link)
    await c.do()
    await wait_until(lambda: new_card in c.children(BOARD, "Done"), what="the new card")
    await wait_until(
        lambda: new_link in c.children(BOARD, "Done", "Site settings"),
        what="the new link in the expanded card",
    )
    tree = c.window.tree
    assert tree.isExpanded(c.rig.find(BOARD, "Done")), "the list stays expanded"
    assert tree.isExpanded(c.rig.find(BOARD, "Done", "Site settings")), "so does the card"
    assert tree.currentIndex().data() == "Done", "and the selection stays"


async def find(c: Context) -> None:
    await focus(c.window.tree)
    await c.do()
    edit = c.window.filter_edit
    await wait_until(edit.hasFocus, 10, "the filter to take the focus")
    QTest.keyClicks(edit, "budget")

    def shown() -> bool:
        try:
            index = c.rig.find(BOARD, "In progress", "Launch plan", "Budget.csv")
        except AssertionError:
            return False
        return c.window.tree.isExpanded(index.parent())

    await wait_until(shown, 30, "the match and the path to it")
    assert c.children(BOARD) == ["In progress"], "lists without a match are hidden"


async def save_as(c: Context) -> None:
    folder = c.tmp_path / "saved"
    folder.mkdir()
    c.window.choose_folder = lambda _title: str(folder)
    await c.rig.expand(BOARD, LIST, CARD)
    c.rig.select(c.rig.find(BOARD, LIST, CARD, IMAGE))
    await focus(c.window.tree)
    await c.do()
    saved = folder / IMAGE
    expected = DEMO_FILES["hero"].make()
    await wait_until(lambda: saved.exists() and saved.read_bytes() == expected, 30, "the file")


async def download_all(c: Context) -> None:
    folder = c.tmp_path / "all"
    folder.mkdir()
    c.window.choose_folder = lambda _title: str(folder)
    await c.rig.expand(BOARD, LIST)
    c.rig.select(c.rig.find(BOARD, LIST, CARD))
    await focus(c.window.tree)
    await c.do()
    expected = {IMAGE: DEMO_FILES["hero"].make(), PHOTO: DEMO_FILES["mood"].make()}

    def arrived() -> bool:
        found = {p.name: p for p in folder.rglob("*") if p.is_file()}
        return set(found) == set(expected) and all(
            found[n].read_bytes() == b for n, b in expected.items()
        )

    await wait_until(arrived, 30, "every file of the card, and only the files")


async def upload_files(c: Context) -> None:
    file = c.tmp_path / f"{c.unique('upload')}.txt"
    file.write_text("uploaded with the keyboard")
    asked: list[str] = []
    c.window.choose_files = lambda title: asked.append(title) or [str(file)]
    await c.rig.expand("Brand Assets", "Logos", "Logo pack")
    c.rig.select(c.rig.find("Brand Assets", "Logos", "Logo pack"))
    await focus(c.window.tree)
    await c.do()
    assert asked, "the file chooser opened"
    model = c.window.transfers.model
    await wait_until(
        lambda: any(model.item_at(r).state is State.DONE for r in range(model.rowCount())),
        60, "the upload",
    )  # fmt: skip
    await wait_until(
        lambda: file.name in c.children("Brand Assets", "Logos", "Logo pack"), 30, "the new row"
    )


async def paste(c: Context) -> None:
    file = c.tmp_path / f"{c.unique('pasted')}.txt"
    file.write_text("pasted from the clipboard")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(file))])
    QGuiApplication.clipboard().setMimeData(mime)
    await c.rig.expand("Brand Assets", "Logos", "Logo pack")
    c.rig.select(c.rig.find("Brand Assets", "Logos", "Logo pack"))
    await focus(c.window.tree)
    await c.do()
    await wait_until(
        lambda: file.name in c.children("Brand Assets", "Logos", "Logo pack"), 60, "the new row"
    )


async def delete(c: Context) -> None:
    _list_id, card_id = c.ids("Brand Assets", "Logos", "Logo pack")
    assert card_id is not None
    doomed = c.unique("Doomed link")
    attachment_id = c.add_link(card_id, doomed)
    await c.rig.expand("Brand Assets", "Logos", "Logo pack")
    c.rig.select(c.rig.find("Brand Assets", "Logos", "Logo pack", doomed))
    await focus(c.window.tree)
    asked: list[str] = []
    c.window.confirm = lambda _title, text: asked.append(text) or False
    await c.do()
    assert len(asked) == 1 and doomed in asked[0], "it asks first, naming the attachment"
    with c.store() as store:
        assert store.attachment(c.tenant.id, attachment_id) is not None, "declined: kept"

    c.window.confirm = lambda _title, text: asked.append(text) or True
    await c.do()
    assert len(asked) == 2

    def gone() -> bool:
        with c.store() as store:
            return store.attachment(c.tenant.id, attachment_id) is None

    await wait_until(gone, 30, "the attachment to go from the service")
    await wait_until(
        lambda: doomed not in c.children("Brand Assets", "Logos", "Logo pack"), 30, "the row"
    )


async def add_account(c: Context) -> None:
    await focus(c.window.tree)
    assert not _visible(AccountDialog)
    await c.do()
    await wait_until(lambda: bool(_visible(AccountDialog)), 10, "the account dialog")
    dialog = _visible(AccountDialog)[0]
    assert not dialog.form.url_edit.isReadOnly(), "a new account: every field editable"
    dialog.reject()


async def sign_in_again(c: Context) -> None:
    c.rig.select(c.window.proxy.index(0, 0))
    await focus(c.window.tree)
    await c.do()
    await wait_until(lambda: bool(_visible(AccountDialog)), 10, "the sign-in dialog")
    dialog = _visible(AccountDialog)[0]
    assert dialog.form.url_edit.isReadOnly()
    assert dialog.form.url_edit.text() == c.sandbox.base_url
    dialog.reject()


async def remove_account(c: Context) -> None:
    asked: list[str] = []
    c.window.confirm = lambda _title, text: asked.append(text) or True
    c.rig.select(c.window.proxy.index(0, 0))
    await focus(c.window.tree)
    await c.do()
    assert asked and "Acme" in asked[0]
    await wait_until(lambda: not c.rig.workspace.accounts(), what="the account to go")
    assert c.window.proxy.rowCount() == 0


async def copy_link(c: Context) -> None:
    await c.rig.expand(BOARD, LIST, CARD)
    c.rig.select(c.rig.find(BOARD, LIST, CARD, IMAGE))
    await focus(c.window.tree)
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    await c.do()
    await wait_until(lambda: clipboard.text().startswith("http"), what="a link on the clipboard")
    assert "X-Amz-Signature" in clipboard.text()
    assert c.tenant.read_write_key not in clipboard.text()


async def copy_permanent_link(c: Context) -> None:
    await c.rig.expand(BOARD, LIST, CARD)
    c.rig.select(c.rig.find(BOARD, LIST, CARD, IMAGE))
    await focus(c.window.tree)
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    await c.do()
    _account, attachment = c.window.selected()
    assert isinstance(attachment, Attachment)
    assert clipboard.text() == attachment.download_url
    assert "X-Amz-Signature" not in clipboard.text()


async def toggle_transfers(c: Context) -> None:
    """Shown with the keyboard in it; from there, hidden with the keyboard on the tree."""
    dock = c.window.transfers_dock
    dock.hide()
    await focus(c.window.tree)
    await c.do()
    await wait_until(lambda: dock.isVisible(), 10, "the Transfers panel to show")
    await wait_until(
        lambda: (w := QApplication.focusWidget()) is not None and dock.isAncestorOf(w),
        10,
        "its focus",
    )
    await c.do()
    await wait_until(lambda: not dock.isVisible(), 10, "the Transfers panel to go")
    await wait_until(lambda: QApplication.focusWidget() is c.window.tree, 10, "the tree's focus")


async def show_archived(c: Context) -> None:
    action = c.window.actions_.show_archived
    shown = action.isChecked()
    await c.do()
    await wait_until(lambda: c.rig.workspace.show_closed != shown, 10, "archived items shown")
    assert action.isChecked() != shown
    await c.do()
    await wait_until(lambda: c.rig.workspace.show_closed == shown, 10, "archived items hidden")


async def about(c: Context) -> None:
    await c.do()
    await wait_until(lambda: bool(_visible(AboutDialog)), 10, "the About dialog")
    _visible(AboutDialog)[0].close()


async def quit_(c: Context) -> None:
    await focus(c.window.tree)
    assert c.window.isVisible()
    await c.do()
    await wait_until(lambda: not c.window.isVisible(), 10, "the window to close")


#: action attribute -> its check
SCENARIOS: dict[str, Callable[[Context], Awaitable[None]]] = {
    "preview": preview, "open": open_, "refresh": refresh, "find": find, "save_as": save_as,
    "download_all": download_all, "upload_files": upload_files, "paste": paste, "delete": delete,
    "add_account": add_account, "sign_in_again": sign_in_again,
    "remove_account": remove_account, "copy_link": copy_link,
    "copy_permanent_link": copy_permanent_link, "toggle_transfers": toggle_transfers,
    "show_archived": show_archived, "about": about, "quit": quit_,
}  # fmt: skip

#: The README's keyboard table, and the other keys the menus show.
README_KEYS = {
    "Space": "preview", "Enter": "open", "F5": "refresh", "Ctrl+F": "find",
    "Ctrl+S": "save_as", "Ctrl+U": "upload_files", "Ctrl+V": "paste",
    "Ctrl+Shift+D": "download_all",
    "Delete": "delete", "Ctrl+N": "add_account", "Ctrl+Q": "quit", "Ctrl+C": "copy_link",
    "Ctrl+T": "toggle_transfers",
}  # fmt: skip
OTHER_KEYS = {
    "Return": "open", "Ctrl+Shift+C": "copy_permanent_link",
    "Ctrl+Shift+S": "save_as",  # Linux's own Save As key, which once clashed with Download All
}  # fmt: skip
TOOLBAR = ["add_account", "refresh", "upload_files", "preview", "open", "save_as", "copy_link"]
MENU = [name for name in SCENARIOS]

CASES = (
    [pytest.param(name, "key", key, id=f"{name}-key-{key}") for key, name in README_KEYS.items()]
    + [pytest.param(name, "key", key, id=f"{name}-key-{key}") for key, name in OTHER_KEYS.items()]
    + [pytest.param(name, "toolbar", None, id=f"{name}-toolbar") for name in TOOLBAR]
    + [pytest.param(name, "menu", None, id=f"{name}-menu") for name in MENU]
)


def test_the_readme_keyboard_table_is_what_these_tests_press() -> None:
    assert readme_keys().keys() == README_KEYS.keys()


@pytest.mark.asyncio
@pytest.mark.parametrize(("command", "route", "key"), CASES)
async def test_a_command_used_as_a_person_does(
    command: str,
    route: str,
    key: str | None,
    queue_rig: WindowRig,
    sandbox: SandboxInfo,
    tenant: ModuleTenant,
    tmp_path: Path,
) -> None:
    window = queue_rig.window
    action = getattr(window.actions_, command)
    await activate(window)

    async def do() -> None:
        if route == "key":
            assert key is not None
            press(window, key)
        elif route == "toolbar":
            click_toolbar(window, action)
        else:
            await click_menu(window, action)

    await SCENARIOS[command](Context(queue_rig, sandbox, tenant, tmp_path, do))


def test_every_menu_and_toolbar_action_is_used_here(qtbot, isolated_paths: Path) -> None:
    window = bare_window(qtbot, isolated_paths)
    names = {id(action): name for name, action in vars(window.actions_).items()}
    in_menus = {
        names[id(a)]
        for m in window.menuBar().actions()
        if m.menu() is not None
        for a in m.menu().actions()
        if not a.isSeparator()
    }
    on_toolbar = {
        names[id(a)] for bar in window.findChildren(QToolBar) for a in bar.actions()
        if not a.isSeparator()
    }  # fmt: skip
    assert in_menus == set(MENU)
    assert on_toolbar == set(TOOLBAR)
