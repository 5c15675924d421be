"""The main window: accounts tree on the left, preview on the right, transfers below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from satchel import settings
from satchel.domain.errors import NetworkError, SatchelError, ServiceUnavailable, SignInRequired
from satchel.domain.model import Account, Attachment, Board, BoardList, Card
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.thumbnails import ThumbnailCache
from satchel.models.tree_filter import TreeFilterModel
from satchel.models.workspace_changes import WorkspaceChanges
from satchel.ui.about_dialog import AboutDialog
from satchel.ui.accessible import described
from satchel.ui.account_dialog import AccountDialog
from satchel.ui.attachment_commands import AttachmentCommands
from satchel.ui.error_bar import ErrorBarWidget
from satchel.ui.preview import PreviewPane
from satchel.ui.tree_view import BoardTreeView
from satchel.ui.welcome import WelcomeWidget
from satchel.ui.window_actions import WindowActions
from satchel.ui.window_opening import WindowOpeningMixin
from satchel.ui.window_transfers import WindowTransfersMixin
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService

if TYPE_CHECKING:  # the transfer modules load after the window shows (start-up time)
    from satchel.ui.transfer_commands import TransferCommands

PREVIEW_DELAY_MS = 150  # arrowing through the tree should not fetch every file on the way
EXPAND_MS = 500
FIRST_SCREEN_SHARE = 0.8
FIRST_MAX_WIDTH, FIRST_MAX_HEIGHT = (
    1400,
    900,
)  # while a crawl feeds the filter, open the paths to new matches this often


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


class MainWindow(WindowOpeningMixin, WindowTransfersMixin, QMainWindow):
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
        self.confirm: Callable[[str, str], bool] = lambda title, text: _confirm(self, title, text)
        self.choose_save_path: Callable[[str], str] = lambda name: QFileDialog.getSaveFileName(
            self, "Save attachment as", str(Path.home() / name)
        )[0]
        self.choose_folder: Callable[[str], str] = lambda title: QFileDialog.getExistingDirectory(
            self, title, str(Path.home())
        )
        self.choose_files: Callable[[str], list[str]] = lambda title: QFileDialog.getOpenFileNames(
            self, title, str(Path.home())
        )[0]
        self.transfers: TransferCommands | None = None
        self.changes = WorkspaceChanges(workspace, self)

        self.thumbnails = ThumbnailCache(content, parent=self)
        self.model = BoardTreeModel(workspace, runner, self, thumbnails=self.thumbnails)
        self.proxy = TreeFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.tree = BoardTreeView()
        self.tree.setModel(self.proxy)
        self.filter_edit = QLineEdit(
            placeholderText="Filter by name (Ctrl+F)", clearButtonEnabled=True
        )
        described(
            self.filter_edit, "Filter", "Show only rows whose name contains the text, at any depth"
        )
        self.error_bar = ErrorBarWidget()
        self.pane = PreviewPane()
        self.attachments = AttachmentCommands(
            content, runner, self.pane, parent=self, thumbnails=self.thumbnails
        )
        self.actions_ = WindowActions(self, app_icon)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._preview_current)
        self._expand_timer = QTimer(self, singleShot=True, interval=EXPAND_MS)
        self._expand_timer.timeout.connect(self._expand_paths_to_matches)

        self._build_layout()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self._connect()
        self._restore_state()
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
        self.welcome.add_account_requested.connect(self.add_account)
        return self.welcome

    def offer_demo(self, start_demo: Callable[[], object]) -> None:
        """Show "Try the Demo" on the welcome; only where the demo service can run."""
        self.welcome.demo_button.show()
        self.welcome.demo_requested.connect(start_demo)

    def _build_menus_and_toolbar(self) -> None:
        self.actions_.fill_menus(self.menuBar())
        self.addToolBar(self.actions_.make_toolbar())

    def _build_status_bar(self) -> None:
        self.activity_label = QLabel()
        self.activity_bar = QProgressBar(maximum=0, textVisible=False)
        self.activity_bar.setMaximumWidth(120)
        self.activity_bar.hide()
        self.connection_label = QLabel()
        self.connection_label.setAccessibleName("Accounts")
        self._offline = False
        status = self.statusBar()
        status.addWidget(self.activity_bar)
        status.addWidget(self.activity_label, 1)
        self.transfer_label = QLabel()
        status.addPermanentWidget(self.transfer_label)
        status.addPermanentWidget(self.connection_label)
        # A service's budget ran out (Trello's member look-ups): say how long Satchel waits.
        self._stop_hearing_waits = self.workspace.listen_for_waits(
            lambda text, seconds: status.showMessage(text, int(seconds * 1000) + 2000)
        )

    def _connect(self) -> None:
        a = self.actions_
        a.add_account.triggered.connect(self.add_account)
        a.sign_in_again.triggered.connect(lambda: self._for_account(self.sign_in_again))
        a.remove_account.triggered.connect(lambda: self._for_account(self.remove_account))
        a.refresh.triggered.connect(self.refresh)
        a.find.triggered.connect(self._focus_filter)
        a.preview.triggered.connect(self.toggle_preview)
        a.open.triggered.connect(lambda: self._open_index(self.tree.currentIndex()))
        a.save_as.triggered.connect(lambda: self._for_attachment(self.save_as))
        a.copy_link.triggered.connect(lambda: self._for_attachment(self.attachments.copy_link))
        a.copy_permanent_link.triggered.connect(
            lambda: self._for_attachment(self.attachments.copy_permanent_link)
        )
        a.delete.triggered.connect(lambda: self._for_attachment(self.delete))
        a.retry.triggered.connect(lambda: self.model.retry(self._source(self.tree.currentIndex())))
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(lambda: AboutDialog(self.app_icon, self).open())
        a.toggle_transfers.toggled.connect(self.transfers_dock.setVisible)
        self.transfers_dock.visibilityChanged.connect(a.toggle_transfers.setChecked)
        a.upload_files.triggered.connect(self.upload_files)
        a.paste.triggered.connect(self.paste_files)
        a.download_all.triggered.connect(self.download_all)
        self.tree.drop_policy = self._drop_refusal
        self.tree.files_dropped.connect(self._on_tree_files_dropped)
        self.tree.drop_refused.connect(lambda reason: self.statusBar().showMessage(reason, 6000))
        self.pane.setAcceptDrops(True)
        self.pane.installEventFilter(self)

        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.proxy.filter_applied.connect(lambda _text: self._expand_paths_to_matches())
        self.tree.preview_toggled.connect(self.toggle_preview)
        self.tree.open_requested.connect(self._open_index)
        self.tree.menu_requested.connect(self._on_tree_menu_requested)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.changes.sign_in_required.connect(self._on_sign_in_required)
        self.model.loaded.connect(self._on_model_loaded)
        self.attachments.told.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.runner.failed.connect(self.show_error)
        self.runner.busy_changed.connect(self._on_runner_busy_changed)

    def attach_transfers(self, transfers: TransferCommands) -> None:
        """The queue's panel and commands; the app attaches them once the window shows."""
        self.transfers = transfers
        self.transfers_dock.setWidget(transfers.panel)
        transfers.told.connect(lambda text: self.statusBar().showMessage(text, 8000))
        transfers.model.totals_changed.connect(self._on_transfer_totals_changed)
        self._update_actions()

    # --- state -------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        store = settings.open_settings()
        if geometry := settings.WINDOW_GEOMETRY.get(store):
            self.restoreGeometry(geometry)
        else:
            self._first_size()
        if state := settings.WINDOW_STATE.get(store):
            self.restoreState(state)
        if splitter := settings.SPLITTER_STATE.get(store):
            self.splitter.restoreState(splitter)
        if header := settings.TREE_HEADER_STATE.get(store):
            self.tree.header().restoreState(header)
        else:
            self.tree.setColumnWidth(0, 300)
            self.tree.setColumnWidth(1, 80)
            self.tree.setColumnWidth(2, 130)
            self.splitter.setSizes([560, 540])
        self.pane.setVisible(settings.PREVIEW_VISIBLE.get(store))

    def _first_size(self) -> None:
        """The first start: about 80% of the screen, so every column shows, at most
        1400×900; later starts restore the person's own size."""
        screen = self.screen().availableGeometry()
        width = min(FIRST_MAX_WIDTH, round(screen.width() * FIRST_SCREEN_SHARE))
        height = min(FIRST_MAX_HEIGHT, round(screen.height() * FIRST_SCREEN_SHARE))
        self.resize(width, height)
        self.move(screen.center().x() - width // 2, screen.center().y() - height // 2)

    def save_state(self) -> None:
        store = settings.open_settings()
        settings.WINDOW_GEOMETRY.set(store, self.saveGeometry())
        settings.WINDOW_STATE.set(store, self.saveState())
        settings.SPLITTER_STATE.set(store, self.splitter.saveState())
        settings.TREE_HEADER_STATE.set(store, self.tree.header().saveState())
        settings.PREVIEW_VISIBLE.set(store, self.pane.isVisibleTo(self))
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        self.save_state()
        self._stop_hearing_waits()
        self.runner.cancel_all()
        self.thumbnails.cancel_all()
        super().closeEvent(event)

    # --- selection ---------------------------------------------------------------------------

    def _source(self, index: QModelIndex) -> QModelIndex:
        return self.proxy.mapToSource(index) if index.isValid() else QModelIndex()

    def selected(self) -> tuple[str | None, object]:
        """(account name, domain object or Account) of the current row."""
        index = self._source(self.tree.currentIndex())
        if not index.isValid():
            return None, None
        return self.model.account_of(index), self.model.node_at(index)

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
        is_file = isinstance(node, Attachment)
        for action in self.actions_.attachment_commands():
            action.setEnabled(is_file)
        if isinstance(node, Attachment) and node.is_link:
            for action in (self.actions_.save_as, self.actions_.copy_link, self.actions_.delete):
                action.setEnabled(action is self.actions_.delete)
        self.actions_.refresh.setEnabled(True)
        can_receive = self._card_of(node) is not None and self.transfers is not None
        self.actions_.upload_files.setEnabled(can_receive)
        self.actions_.paste.setEnabled(can_receive)
        self.actions_.download_all.setEnabled(
            isinstance(node, Board | BoardList | Card) and self.transfers is not None
        )
        self.actions_.sign_in_again.setEnabled(account is not None)
        self.actions_.remove_account.setEnabled(account is not None)

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
        index = self._source(proxy_index)
        if not index.isValid():
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

    def add_account(self) -> AccountDialog:
        dialog = AccountDialog(self.workspace, self.runner, self)
        dialog.signed_in.connect(self._on_account_added)
        dialog.open()
        return dialog

    def sign_in_again(self, name: str) -> AccountDialog:
        dialog = AccountDialog(
            self.workspace, self.runner, self, again=self.workspace.account(name)
        )
        dialog.signed_in.connect(self._on_signed_in_again)
        dialog.open()
        return dialog

    def remove_account(self, name: str) -> None:
        if not self.confirm(
            "Remove account",
            f"Remove the account {name!r} from Satchel and delete its saved secret? "
            "Nothing on the service is deleted.",
        ):
            return
        self.model.remove_account(name)
        self.runner.run(
            self.workspace.remove(name),
            f"Removing {name}",
            on_done=lambda _none: self._on_account_removed(name),
        )

    def _on_account_removed(self, name: str) -> None:
        self.statusBar().showMessage(f"Removed {name}.", 5000)
        self._show_first_run_hint()

    def refresh(self) -> None:
        index = self._source(self.tree.currentIndex())
        account, node = self.model.account_of(index), self.model.node_at(index)
        self.workspace.forget_cached(
            account, node if isinstance(node, Board | BoardList | Card) else None
        )
        self.model.refresh(index if index.isValid() else None)

    def save_as(self, account: str, attachment: Attachment) -> None:
        if self.transfers is not None:  # through the queue: resumable, never overwrites
            folder = self.choose_folder(f"Save “{attachment.local_name}” in")
            if folder:
                self.transfers.save(account, attachment, Path(folder))
            return
        chosen = self.choose_save_path(attachment.local_name)
        if chosen:
            self.attachments.save_as(account, attachment, Path(chosen))

    def delete(self, account: str, attachment: Attachment) -> None:
        if self.confirm(
            "Delete attachment",
            f"Delete “{attachment.name}” from its card? This cannot be undone.",
        ):
            self.attachments.delete(account, attachment)

    def show_error(self, error: SatchelError) -> None:
        if isinstance(error, NetworkError | ServiceUnavailable):
            self._offline = True
            self._update_account_count()
        if isinstance(error, SignInRequired):
            return  # the sign-in request says it, with its button
        self.error_bar.show_message(error.message)

    def show_unexpected(self, message: str, details: str) -> None:
        self.error_bar.show_message(
            message, "Details…", lambda: QMessageBox.information(self, "Details", details)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if watched is self.pane and isinstance(
            event, QDragEnterEvent | QDragMoveEvent | QDropEvent
        ):
            self._on_pane_drag_event(event)
            return True
        return super().eventFilter(watched, event)

    # --- reactions ---------------------------------------------------------------------------

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        if text:
            self.model.load_all(None)  # matches at any depth: load what is not loaded yet

    def _expand_paths_to_matches(self) -> None:
        # Only the paths to matches: expandAll would lay out every one of 25,000 rows.
        for index in self.proxy.paths_to_matches():
            self.tree.expand(index)

    def _on_model_loaded(self, _parent: QModelIndex) -> None:
        self._offline = False  # the service answered
        self._update_account_count()
        if self.proxy.filter_text():
            self._expand_timer.start()  # a crawl loads thousands of nodes: expand once in a while

    def _on_tree_menu_requested(self, proxy_index: QModelIndex, position: QPoint) -> None:
        index = self._source(proxy_index)
        node = self.model.node_at(index)
        menu = QMenu(self)
        a = self.actions_
        if self.model.is_failure_row(index):
            menu.addAction(a.retry)
        elif isinstance(node, Attachment):
            for action in (a.preview, a.open, a.save_as, None, a.copy_link, a.copy_permanent_link,
                           None, a.delete, None, a.refresh):  # fmt: skip
                menu.addSeparator() if action is None else menu.addAction(action)
        elif isinstance(node, Account):
            for action in (a.refresh, a.sign_in_again, a.remove_account):
                menu.addAction(action)
        elif isinstance(node, Card):
            for action in (a.upload_files, a.paste, a.download_all, None, a.refresh):
                menu.addSeparator() if action is None else menu.addAction(action)
        elif isinstance(node, Board | BoardList):
            for action in (a.download_all, None, a.refresh):
                menu.addSeparator() if action is None else menu.addAction(action)
        if not menu.isEmpty():
            menu.popup(self.tree.viewport().mapToGlobal(position))

    def _on_sign_in_required(self, name: str) -> None:
        self.error_bar.show_message(
            f"{name}: the service no longer accepts the saved key. Sign in again to go on; "
            "the tree and your queued work are kept.",
            "Sign in again…",
            lambda: self.sign_in_again(name),
        )

    def _on_account_added(self, name: str) -> None:
        self.add_account_row(name)
        self.statusBar().showMessage(f"Signed in to {name}.", 5000)

    def add_account_row(self, name: str) -> None:
        """Show a newly signed-in account in the tree."""
        self.model.add_account(name)
        self._show_first_run_hint()

    def _on_signed_in_again(self, name: str) -> None:
        self.error_bar.dismiss()
        self.model.account_signed_in(name)
        self.statusBar().showMessage(f"Signed in to {name} again.", 5000)

    def _on_runner_busy_changed(self, busy: bool, label: str) -> None:
        self.activity_bar.setVisible(busy)
        self.activity_label.setText(f"{label}…" if busy else "")

    def _show_first_run_hint(self) -> None:
        """The welcome instead of the tree while there is no account."""
        first_run = not self.workspace.accounts() and self.model.rowCount() == 0
        self.tree_stack.setCurrentIndex(1 if first_run else 0)
        self.filter_edit.setEnabled(not first_run)
        self._update_account_count()

    def _update_account_count(self) -> None:
        """The status bar's count of accounts, right whenever one comes or goes (the demo's
        accounts too), with the offline mark after a network failure."""
        accounts = len(self.workspace.accounts())
        if not accounts:
            text = "No account yet"
        else:
            mark = "⚠ Offline or unavailable ·" if self._offline else "●"
            text = f"{mark} {accounts} account{'s' * (accounts != 1)}"
        self.connection_label.setText(text)
