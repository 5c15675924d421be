"""The main window: accounts tree on the left, preview on the right, transfers below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from satchel import log, settings
from satchel.domain.errors import NetworkError, SatchelError, ServiceUnavailable, SignInRequired
from satchel.domain.model import Attachment, Board, BoardList, Card
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.thumbnails import ThumbnailCache
from satchel.models.tree_filter import TreeFilterModel
from satchel.models.workspace_changes import WorkspaceChanges
from satchel.ui.about_dialog import AboutDialog
from satchel.ui.account_commands import AccountCommands
from satchel.ui.attachment_commands import AttachmentCommands
from satchel.ui.error_bar import ErrorBarWidget
from satchel.ui.file_opening import OpenedFiles
from satchel.ui.filter_box import FilterBox
from satchel.ui.plain_text import tell
from satchel.ui.preview import PreviewPane
from satchel.ui.tree_view import BoardTreeView
from satchel.ui.upload_commands import UploadCommands
from satchel.ui.welcome import WelcomeWidget
from satchel.ui.window_actions import WindowActions
from satchel.ui.window_questions import Questions
from satchel.ui.window_selection import TreeSelection
from satchel.ui.window_state import restore_state, save_state
from satchel.ui.window_status import WindowStatus
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService

if TYPE_CHECKING:  # these load after the window shows, or at first use (start-up time)
    from satchel.ui.account_dialog import AccountDialog
    from satchel.ui.card_picker import CardPickerDialog
    from satchel.ui.transfer_commands import TransferCommands

PREVIEW_DELAY_MS = 150  # arrowing through the tree should not fetch every file on the way


def _asked(name: str) -> Any:
    """A window attribute that reads and replaces the Questions object's one."""
    return property(
        lambda self: getattr(self.ask, name), lambda self, value: setattr(self.ask, name, value)
    )


class MainWindow(QMainWindow):
    """The tree and its selection, the preview, the menus; each other job is one object:
    `accounts` (account commands), `uploads` (drops, uploads, downloads), `opened`
    (files opened with Satchel), `attachments` (what is done with one attachment)."""

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        content: ContentService,
        app_icon: QIcon,
        transfers: TransferCommands | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.runner = runner
        self.app_icon = app_icon
        self.setWindowTitle("Satchel")
        self.setWindowIcon(app_icon)
        #: Questions and file choosers, replaceable in tests (modal dialogs block them).
        self.ask = Questions(self)
        self.transfers: TransferCommands | None = None
        self.changes = WorkspaceChanges(workspace, self)

        self.thumbnails = ThumbnailCache(content, parent=self)
        self.model = BoardTreeModel(workspace, runner, self, thumbnails=self.thumbnails)
        self.proxy = TreeFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.tree = BoardTreeView()
        self.tree.setModel(self.proxy)
        self.filter_edit = FilterBox(self.tree, self.proxy, self.model)
        self.error_bar = ErrorBarWidget()
        self.pane = PreviewPane()
        self.attachments = AttachmentCommands(
            content, runner, self.pane, parent=self, thumbnails=self.thumbnails
        )
        self.actions_ = WindowActions(self, app_icon)
        self.selection = TreeSelection(self.tree, self.proxy, self.model)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._preview_current)

        self._build_layout()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self.accounts = AccountCommands(
            self, workspace, runner, self.model, ask=self.ask, error_bar=self.error_bar,
            status=self.statusBar(), changes=self.changes,
        )  # fmt: skip
        self.uploads = UploadCommands(
            workspace, self.selection, ask=self.ask, status=self.statusBar(),
            transfer_label=self.transfer_label, attachments=self.attachments, parent=self,
        )  # fmt: skip
        self.opened = OpenedFiles(self, workspace, self.uploads, self.statusBar())
        self._connect()
        restore_state(self, self.splitter, self.tree, self.pane)
        limit = settings.PREVIEW_MAX_MB.get(settings.open_settings())
        self.attachments.preview_limit = limit * 1_000_000
        if transfers is not None:
            self.attach_transfers(transfers)
        self._update_actions()
        self._show_first_run_hint()

    # --- building ----------------------------------------------------------------------------

    def _build_layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(4, 4, 0, 4)
        column.addWidget(self.error_bar)
        column.addWidget(self.filter_edit)
        self.tree_stack = QStackedWidget()
        self.tree_stack.addWidget(self.tree)
        self.tree_stack.addWidget(self._welcome())
        column.addWidget(self.tree_stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.transfers_dock = QDockWidget("Transfers", self)
        self.transfers_dock.setObjectName("transfersDock")
        placeholder = QLabel("Uploads and downloads show here.")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setEnabled(False)
        self.transfers_dock.setWidget(placeholder)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.transfers_dock)

    def _welcome(self) -> QWidget:
        self.welcome = WelcomeWidget()
        self.welcome.add_account_requested.connect(lambda: self.accounts.add_account())
        return self.welcome

    def offer_demo(self, start_demo: Callable[[], object]) -> None:
        """Show "Try the Demo" on the welcome; only where the demo service can run."""
        self.welcome.demo_button.show()
        self.welcome.demo_requested.connect(start_demo)

    def _build_menus_and_toolbar(self) -> None:
        self.actions_.fill_menus(self.menuBar())
        self.addToolBar(self.actions_.make_toolbar())

    def _build_status_bar(self) -> None:
        self.status = WindowStatus(self.statusBar(), self.workspace)
        self.connection_label = self.status.connection_label
        self.transfer_label = self.status.transfer_label

    def _connect(self) -> None:
        a = self.actions_
        a.add_account.triggered.connect(self.accounts.add_account)
        a.sign_in_again.triggered.connect(lambda: self._for_account(self.accounts.sign_in_again))
        a.remove_account.triggered.connect(lambda: self._for_account(self.accounts.remove_account))
        a.refresh.triggered.connect(self.refresh)
        a.find.triggered.connect(self.filter_edit.focus_all)
        a.preview.triggered.connect(self.toggle_preview)
        a.open.triggered.connect(lambda: self._open_index(self.tree.currentIndex()))
        a.save_as.triggered.connect(lambda: self._for_attachment(self.uploads.save_as))
        a.copy_link.triggered.connect(lambda: self._for_attachment(self.attachments.copy_link))
        a.copy_permanent_link.triggered.connect(
            lambda: self._for_attachment(self.attachments.copy_permanent_link)
        )
        a.delete.triggered.connect(lambda: self._for_attachment(self.delete))
        a.retry.triggered.connect(
            lambda: self.model.retry(self.selection.source(self.tree.currentIndex()))
        )
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(lambda: AboutDialog(self.app_icon, self).open())
        a.show_archived.setChecked(settings.SHOW_CLOSED.get(settings.open_settings()))
        self.workspace.set_show_closed(a.show_archived.isChecked())
        a.show_archived.toggled.connect(self._on_show_archived_toggled)
        a.toggle_transfers.triggered.connect(self._on_toggle_transfers_triggered)
        self.transfers_dock.visibilityChanged.connect(a.toggle_transfers.setChecked)
        a.upload_files.triggered.connect(self.uploads.upload_files)
        a.paste.triggered.connect(self.uploads.paste_files)
        a.download_all.triggered.connect(self.uploads.download_all)
        self.tree.drop_policy = self.uploads.drop_refusal
        self.tree.drag_source = self.uploads.drag_out_mime
        self.tree.files_dropped.connect(self.uploads.on_tree_files_dropped)
        self.tree.drop_refused.connect(lambda reason: self.statusBar().showMessage(reason, 6000))
        self.pane.setAcceptDrops(True)
        self.pane.sign_in_requested.connect(self.accounts.sign_in_again)
        self.pane.installEventFilter(self)

        self.tree.preview_toggled.connect(self.toggle_preview)
        self.tree.open_requested.connect(self._open_index)
        self.tree.menu_requested.connect(self._on_tree_menu_requested)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.accounts.accounts_changed.connect(self._show_first_run_hint)
        self.model.loaded.connect(self._on_model_loaded)
        self.attachments.told.connect(self._on_told)
        self.runner.failed.connect(self.show_error)
        self.runner.busy_changed.connect(self.status.show_busy)

    def attach_transfers(self, transfers: TransferCommands) -> None:
        """The queue's panel and commands; the app attaches them once the window shows."""
        self.transfers = transfers
        transfers.model.follow(self.changes, self.workspace.needs_sign_in)
        self.transfers_dock.setWidget(transfers.panel)
        transfers.told.connect(self._on_told)
        self.uploads.attach(transfers)
        self._update_actions()

    # --- what others ask of the window (the app, a second launch, tests) ---------------------

    # Questions and file choosers are the `ask` object's; tests replace them on the window.
    confirm = _asked("confirm")
    choose_folder = _asked("choose_folder")
    choose_files = _asked("choose_files")
    choose_save_path = _asked("choose_save_path")

    @property
    def card_picker(self) -> CardPickerDialog | None:
        return self.opened.card_picker

    def receive_files(self, files: list[str]) -> None:
        self.opened.receive_files(files)

    def upload_to(self, account: str, card_id: str, files: list[Path]) -> bool:
        return self.uploads.upload_to(account, card_id, files)

    def paste_files(self) -> None:
        self.uploads.paste_files()

    def add_account_row(self, name: str) -> None:
        self.accounts.add_account_row(name)

    def sign_in_again(self, name: str) -> AccountDialog:
        return self.accounts.sign_in_again(name)

    def _on_show_archived_toggled(self, show: bool) -> None:
        settings.SHOW_CLOSED.set(settings.open_settings(), show)
        self.workspace.set_show_closed(show)
        self.model.refresh()

    def save_state(self) -> None:
        save_state(self, self.splitter, self.tree, self.pane)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        self.save_state()
        self.status.stop_hearing_waits()
        self.runner.cancel_all()
        self.thumbnails.cancel_all()
        super().closeEvent(event)

    # --- selection ---------------------------------------------------------------------------

    def selected(self) -> tuple[str | None, object]:
        """(account name, domain object or Account) of the current row."""
        return self.selection.current()

    def _for_attachment(self, act: Callable[[str, Attachment], None]) -> None:
        account, node = self.selected()
        if account is not None and isinstance(node, Attachment):
            act(account, node)

    def _for_account(self, act: Callable[[str], object]) -> None:
        account, _node = self.selected()
        if account is not None:
            act(account)

    def _update_actions(self) -> None:
        account, node = self.selected()
        self.actions_.enable_for(account, node, transfers=self.transfers is not None)

    def _on_tree_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()
        if self.pane.isVisible():
            self._preview_timer.start()

    def _preview_current(self) -> None:
        account, node = self.selected()
        if account is not None and isinstance(node, Attachment):
            previewing = self.attachments.previewing
            if previewing is None or previewing[1] != node:
                self.attachments.preview(account, node)
        else:
            self.attachments.clear_preview()

    def toggle_preview(self) -> None:
        if self.pane.isVisible():
            self.attachments.clear_preview()
            self.pane.hide()
        else:
            self.pane.show()
            self._preview_current()

    def _open_index(self, proxy_index: QModelIndex) -> None:
        index = self.selection.source(proxy_index)
        if not index.isValid() or self.model.show_more(index):  # a long list's next page
            return
        if self.model.is_failure_row(index):
            self.model.retry(index.parent())
            return
        account, node = self.model.account_of(index), self.model.node_at(index)
        if account is not None and isinstance(node, Attachment):
            self.attachments.open(account, node)
        elif self.proxy.hasChildren(proxy_index):
            self.tree.setExpanded(proxy_index, not self.tree.isExpanded(proxy_index))

    # --- commands ----------------------------------------------------------------------------

    def _on_toggle_transfers_triggered(self) -> None:
        """Ctrl+T takes the keyboard to the Transfers panel (showing it if hidden); from
        inside the panel it hides it, and the keyboard goes back to the tree."""
        dock, focus = self.transfers_dock, QApplication.focusWidget()
        if dock.isVisible() and focus is not None and dock.isAncestorOf(focus):
            dock.hide()
            self.tree.setFocus()
        else:
            dock.show()
            dock.raise_()
            dock.widget().setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.actions_.toggle_transfers.setChecked(dock.isVisible())

    def refresh(self) -> None:
        index = self.selection.source(self.tree.currentIndex())
        account, node = self.model.account_of(index), self.model.node_at(index)
        self.workspace.forget_cached(
            account, node if isinstance(node, Board | BoardList | Card) else None
        )
        self.model.refresh(index if index.isValid() else None)

    def delete(self, account: str, attachment: Attachment) -> None:
        if self.ask.confirm(
            "Delete attachment",
            f"Delete “{attachment.name}” from its card? This cannot be undone.",
        ):
            self.attachments.delete(account, attachment)

    def show_error(self, error: SatchelError) -> None:
        if isinstance(error, NetworkError | ServiceUnavailable):
            self.status.set_offline(True)
        if isinstance(error, SignInRequired):
            return  # the sign-in request says it, with its button
        self.error_bar.show_message(error.message)

    def show_unexpected(self, message: str, details: str) -> None:
        self.error_bar.show_message(
            message, "Details…", lambda: tell(self, "Details", log.redact(details))
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if watched is self.pane and isinstance(
            event, QDragEnterEvent | QDragMoveEvent | QDropEvent
        ):
            self.uploads.on_pane_drag_event(event)
            return True
        return super().eventFilter(watched, event)

    # --- reactions ---------------------------------------------------------------------------

    def _on_model_loaded(self, _parent: QModelIndex) -> None:
        self.status.set_offline(False)  # the service answered

    def _on_tree_menu_requested(self, proxy_index: QModelIndex, position: QPoint) -> None:
        index = self.selection.source(proxy_index)
        menu = QMenu(self)
        for action in self.actions_.for_row(
            self.model.node_at(index), failed=self.model.is_failure_row(index)
        ):
            menu.addSeparator() if action is None else menu.addAction(action)
        if not menu.isEmpty():
            menu.popup(self.tree.viewport().mapToGlobal(position))

    def _on_told(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _show_first_run_hint(self) -> None:
        """The welcome instead of the tree while there is no account."""
        first_run = not self.workspace.accounts() and self.model.rowCount() == 0
        self.tree_stack.setCurrentIndex(1 if first_run else 0)
        self.filter_edit.setEnabled(not first_run)
        self.status.update_account_count()
