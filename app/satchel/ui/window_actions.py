"""The window's commands as QActions, with their keys, for menus and toolbar.

Each command has literal keys, the same on every platform (the README's table), and may
add the platform's own key for it (Save As, Refresh, Quit...) unless another command
holds that key already: two actions on one key make Qt run neither ("Ambiguous shortcut
overload"), and the platform's keys differ by desktop (GNOME's Refresh is Ctrl+R).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenuBar, QStyle, QToolBar

from satchel.domain.model import Account, Attachment, Board, BoardList, Card
from satchel.paths import resources_dir
from satchel.ui.window_selection import card_of

#: A command's keys: literal sequences ("Ctrl+S"), the same on every platform.
Keys = str | list[str] | None


def _action(
    window: QMainWindow,
    text: str,
    shortcut: Keys = None,
    icon: QStyle.StandardPixmap | None = None,
    tip: str | None = None,
) -> QAction:
    action = QAction(text, window)
    literal = [shortcut] if isinstance(shortcut, str) else shortcut or []
    action.setShortcuts([QKeySequence(key) for key in literal])
    if icon is not None:
        action.setIcon(window.style().standardIcon(icon))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    window.addAction(action)
    return action


def _add_platform_keys(
    window: QMainWindow, wanted: list[tuple[QAction, QKeySequence.StandardKey]]
) -> None:
    """Add each platform key that no command holds yet (literal keys were given first)."""
    taken = {sequence for action in window.actions() for sequence in action.shortcuts()}
    for action, standard in wanted:
        extra = [
            s for s in QKeySequence.keyBindings(standard) if not s.isEmpty() and s not in taken
        ]
        taken.update(extra)
        action.setShortcuts(action.shortcuts() + extra)


def _svg_icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))


class WindowActions:
    def __init__(self, window: QMainWindow, app_icon: QIcon) -> None:
        sp = QStyle.StandardPixmap
        keys = QKeySequence.StandardKey
        self.add_account = _action(window, "&Add Account…", "Ctrl+N",
                                   sp.SP_FileDialogNewFolder, "Sign in to a service")  # fmt: skip
        self.sign_in_again = _action(
            window, "Sign &In Again…", None, None, "Give the selected account a new key"
        )
        self.remove_account = _action(
            window, "&Remove Account…", None, None,
            "Forget the selected account and delete its secret",
        )  # fmt: skip
        self.refresh = _action(window, "&Refresh", "F5", None,
                               "Load the selected item again (F5)")  # fmt: skip
        # Our own SVGs where the style's icons stop at 32 px: blurry on a 24 px toolbar at 200 %.
        self.refresh.setIcon(_svg_icon("refresh"))
        self.find = _action(window, "&Filter…", "Ctrl+F", None, "Filter the tree (Ctrl+F)")
        # Space and Enter belong to the tree (typing in the filter must not trigger them):
        # the menu only names them.
        self.preview = _action(window, "&Preview\tSpace", None, sp.SP_FileDialogContentsView,
                               "Show or hide the preview (Space)")  # fmt: skip
        self.open = _action(window, "&Open\tEnter", None, sp.SP_DialogOpenButton,
                            "Open with the default app (Enter)")  # fmt: skip
        self.preview.setIconText("Preview")
        self.open.setIconText("Open")
        self.download_all = _action(
            window, "&Download All…", "Ctrl+Shift+D", None,
            "Save every attachment of the selected card, list or board into a folder",
        )  # fmt: skip
        self.download_all.setIcon(_svg_icon("download"))
        self.save_as = _action(
            window, "&Save As…", "Ctrl+S", sp.SP_DialogSaveButton,
            "Download the attachment to a file",
        )  # fmt: skip
        self.copy_link = _action(
            window, "&Copy Link", "Ctrl+C", None,
            "Copy a fresh link that works without signing in, for a while",
        )  # fmt: skip
        self.copy_permanent_link = _action(
            window, "Copy &Permanent Link", "Ctrl+Shift+C", None,
            "Copy the service's own link (asks to sign in)",
        )  # fmt: skip
        self.paste = _action(
            window, "&Paste", "Ctrl+V", None,
            "Upload the clipboard's files or image to the selected card (Ctrl+V)",
        )  # fmt: skip
        self.delete = _action(window, "&Delete…", "Del", sp.SP_TrashIcon,
                              "Delete the attachment from its card")  # fmt: skip
        self.upload_files = _action(
            window, "&Upload Files…", "Ctrl+U", None, "Attach files to the selected card"
        )
        self.upload_files.setIcon(_svg_icon("upload"))
        self.retry = _action(window, "&Try Again", None, None, "Load the failed item again")
        self.quit = _action(window, "&Quit", "Ctrl+Q")
        self.about = _action(window, "&About Satchel", None, None)
        self.about.setIcon(app_icon)
        self.toggle_transfers = _action(window, "&Transfers", "Ctrl+T")
        self.toggle_transfers.setCheckable(True)
        self.show_archived = _action(
            window, "Show &Archived Items", None, None,
            "Show archived boards, lists and cards too (Trello asks for them only then)",
        )  # fmt: skip
        self.show_archived.setCheckable(True)
        # The platform's own keys too, where free: Save As gets Ctrl+Shift+S on Linux and
        # macOS (none on Windows), Refresh Ctrl+R on GNOME, Delete Ctrl+D on X11.
        _add_platform_keys(window, [
            (self.add_account, keys.New), (self.refresh, keys.Refresh), (self.find, keys.Find),
            (self.save_as, keys.SaveAs), (self.copy_link, keys.Copy), (self.paste, keys.Paste),
            (self.delete, keys.Delete), (self.quit, keys.Quit),
        ])  # fmt: skip

    def attachment_actions(self) -> list[QAction]:
        return [self.preview, self.open, self.save_as, self.copy_link,
                self.copy_permanent_link, self.delete]  # fmt: skip

    def enable_for(self, account: str | None, node: object, *, transfers: bool) -> None:
        """Enable what applies to the current row (`transfers`: the queue is there)."""
        for action in self.attachment_actions():
            action.setEnabled(isinstance(node, Attachment))
        if isinstance(node, Attachment) and node.is_link:
            for action in (self.save_as, self.copy_link):
                action.setEnabled(False)
        self.refresh.setEnabled(True)
        can_receive = transfers and card_of(node) is not None
        self.upload_files.setEnabled(can_receive)
        self.paste.setEnabled(can_receive)
        self.download_all.setEnabled(transfers and isinstance(node, Board | BoardList | Card))
        self.sign_in_again.setEnabled(account is not None)
        self.remove_account.setEnabled(account is not None)

    def for_row(self, node: object, *, failed: bool) -> list[QAction | None]:
        """The context menu of a tree row (None: a separator)."""
        if failed:
            return [self.retry]
        if isinstance(node, Attachment):
            return [self.preview, self.open, self.save_as, None, self.copy_link,
                    self.copy_permanent_link, None, self.delete, None, self.refresh]  # fmt: skip
        if isinstance(node, Account):
            return [self.refresh, self.sign_in_again, self.remove_account]
        if isinstance(node, Card):
            return [self.upload_files, self.paste, self.download_all, None, self.refresh]
        if isinstance(node, Board | BoardList):
            return [self.download_all, None, self.refresh]
        return []

    def fill_menus(self, bar: QMenuBar) -> None:
        menus: list[tuple[str, list[QAction | None]]] = [
            ("&File", [self.add_account, self.sign_in_again, self.remove_account, None,
                       self.upload_files, self.save_as, self.download_all, None, self.quit]),
            ("&Edit", [self.copy_link, self.copy_permanent_link, self.paste, None, self.delete,
                       None, self.find]),
            ("&View", [self.refresh, self.preview, self.open, None, self.show_archived,
                       self.toggle_transfers]),
            ("&Help", [self.about]),
        ]  # fmt: skip
        for title, actions in menus:
            menu = bar.addMenu(title)
            for action in actions:
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)

    def make_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for item in (self.add_account, self.refresh, None, self.upload_files, self.preview,
                     self.open, self.save_as, self.copy_link):  # fmt: skip
            if item is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(item)
        return toolbar
