"""One Satchel window per user and journal: a second launch hands its files to the first.

The first window listens on a local socket (a Unix socket in the user's runtime dir, a
named pipe on Windows) whose name comes from the user and the data dir, so one journal
never gets two queues; `SATCHEL_DATA_DIR` makes a separate instance, as tests need. A
second launch connects, sends one JSON line `{"files": [...]}`, waits for `ok` and exits;
the first raises its window and takes the files. Command-line commands (`satchel ls`,
`satchel upload`...) never go through here: they keep working beside the window.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

logger = logging.getLogger(__name__)

CONNECT_MS = 500  # a live instance answers at once; a stale socket file refuses at once
REPLY_MS = 3000
#: A hand-over is a list of paths: refuse anything bigger than this from the socket.
MAX_MESSAGE_BYTES = 1024 * 1024


def server_name(data_dir: Path) -> str:
    """Per user and per data dir; a full path in $XDG_RUNTIME_DIR where it exists (private
    to the user), else a name Qt places in the temp dir (Unix) or the pipe namespace."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name (a container without passwd entry)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    digest = hashlib.sha256(f"{user}\0{data_dir.resolve()}".encode()).hexdigest()[:16]
    name = f"satchel-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if sys.platform != "win32" and runtime and Path(runtime).is_dir():
        return str(Path(runtime) / f"{name}.sock")
    return name


def hand_over(name: str, files: list[str]) -> bool:
    """Give the files to the running Satchel and ask it to come forward; False when no
    Satchel listens (this launch then becomes the window)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps({"files": files}).encode() + b"\n")
    socket.flush()
    answered = b""
    while b"\n" not in answered and socket.waitForReadyRead(REPLY_MS):
        answered += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answered.strip() == b"ok"


class InstanceServer(QObject):
    """The first window's end of the socket."""

    #: A later launch asked for the window, with these files (absolute paths, maybe none).
    files_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_server_new_connection)

    def listen(self) -> bool:
        """Take the name; a socket file left by a crashed Satchel is removed first (the
        caller checked that nobody answers on it)."""
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        if self.server.listen(self.name):
            return True
        logger.warning("cannot listen on %s: %s", self.name, self.server.errorString())
        return False

    def close(self) -> None:
        self.server.close()

    def _on_server_new_connection(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            self._serve(socket)

    def _serve(self, socket: QLocalSocket) -> None:
        """Read one line from this launch, answer, and let the socket go. The socket owns
        its buffer through the closure: nothing outside refers to it once it is deleted."""
        buffer = bytearray()

        def on_ready_read() -> None:
            buffer.extend(bytes(socket.readAll().data()))
            if len(buffer) > MAX_MESSAGE_BYTES:
                socket.abort()
            elif b"\n" in buffer:
                socket.readyRead.disconnect(on_ready_read)
                self._answer(socket, bytes(buffer.split(b"\n", 1)[0]))

        socket.readyRead.connect(on_ready_read)
        socket.disconnected.connect(socket.deleteLater)

    def _answer(self, socket: QLocalSocket, line: bytes) -> None:
        try:
            message = json.loads(line)
            files = [str(path) for path in message.get("files", [])]
        except (ValueError, AttributeError, TypeError):
            socket.write(b"bad message\n")
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
        noun = "file" if len(files) == 1 else "files"
        logger.info("another launch handed over %d %s: %s", len(files), noun, ", ".join(files))
        self.files_received.emit(files)
