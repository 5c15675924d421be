"""The window's commands as QActions, with standard shortcuts, for menus and toolbar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenuBar, QStyle, QToolBar


def _action(
    window: QMainWindow,
    text: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    icon: QStyle.StandardPixmap | None = None,
    tip: str | None = None,
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        action.setIcon(window.style().standardIcon(icon))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    window.addAction(action)
    return action


class WindowActions:
    def __init__(self, window: QMainWindow, app_icon: QIcon) -> None:
        sp = QStyle.StandardPixmap
        keys = QKeySequence.StandardKey
        self.add_account = _action(window, "&Add Account…", keys.New, sp.SP_FileDialogNewFolder,
                                   "Sign in to a service")  # fmt: skip
        self.sign_in_again = _action(
            window, "Sign &In Again…", None, None, "Give the selected account a new key"
        )
        self.remove_account = _action(
            window, "&Remove Account…", None, None,
            "Forget the selected account and delete its secret",
        )  # fmt: skip
        self.refresh = _action(window, "&Refresh", keys.Refresh, sp.SP_BrowserReload,
                               "Load the selected item again (F5)")  # fmt: skip
        self.find = _action(window, "&Filter…", keys.Find, None, "Filter the tree (Ctrl+F)")
        # Space and Enter belong to the tree (typing in the filter must not trigger them):
        # the menu only names them.
        self.preview = _action(window, "&Preview\tSpace", None, sp.SP_FileDialogContentsView,
                               "Show or hide the preview (Space)")  # fmt: skip
        self.open = _action(window, "&Open\tEnter", None, sp.SP_DialogOpenButton,
                            "Open with the default app (Enter)")  # fmt: skip
        self.preview.setIconText("Preview")
        self.open.setIconText("Open")
        self.save_as = _action(window, "&Save As…", keys.SaveAs, sp.SP_DialogSaveButton,
                               "Download the attachment to a file")  # fmt: skip
        self.save_as.setShortcuts([QKeySequence(keys.Save), QKeySequence(keys.SaveAs)])
        self.copy_link = _action(
            window, "&Copy Link", keys.Copy, None,
            "Copy a fresh link that works without signing in, for a while",
        )  # fmt: skip
        self.copy_permanent_link = _action(
            window, "Copy &Permanent Link", "Ctrl+Shift+C", None,
            "Copy the service's own link (asks to sign in)",
        )  # fmt: skip
        self.paste = _action(
            window, "&Paste", keys.Paste, None,
            "Upload the clipboard's files or image to the selected card (Ctrl+V)",
        )  # fmt: skip
        self.delete = _action(window, "&Delete…", keys.Delete, sp.SP_TrashIcon,
                              "Delete the attachment from its card")  # fmt: skip
        self.upload_files = _action(
            window, "&Upload Files…", "Ctrl+U", sp.SP_ArrowUp, "Attach files to the selected card"
        )
        self.download_all = _action(
            window, "&Download All…", "Ctrl+Shift+S", sp.SP_ArrowDown,
            "Save every attachment of the selected card, list or board into a folder",
        )  # fmt: skip
        self.retry = _action(window, "&Try Again", None, None, "Load the failed item again")
        self.quit = _action(window, "&Quit", keys.Quit)
        self.about = _action(window, "&About Satchel", None, None)
        self.about.setIcon(app_icon)
        self.toggle_transfers = _action(window, "&Transfers", "Ctrl+T")
        self.toggle_transfers.setCheckable(True)

    def attachment_commands(self) -> list[QAction]:
        return [self.preview, self.open, self.save_as, self.copy_link,
                self.copy_permanent_link, self.delete]  # fmt: skip

    def fill_menus(self, bar: QMenuBar) -> None:
        menus: list[tuple[str, list[QAction | None]]] = [
            ("&File", [self.add_account, self.sign_in_again, self.remove_account, None,
                       self.upload_files, self.save_as, self.download_all, None, self.quit]),
            ("&Edit", [self.copy_link, self.copy_permanent_link, self.paste, None, self.delete,
                       None, self.find]),
            ("&View", [self.refresh, self.preview, self.open, None, self.toggle_transfers]),
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
