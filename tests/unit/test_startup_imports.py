"""What the window's start-up imports: nothing the first window does not need.

The HTTP stack, the providers, the keyring backends and the local service's code load
after the window shows (issue 13: shown within 400 ms). A new top-level import that
pulls one of them in again fails here; `python -X importtime -m satchel` shows the chain.
"""

from __future__ import annotations

import subprocess
import sys

DEFERRED = (
    "httpx",
    "httpcore",
    "keyring",
    "satchel.providers.bearer",
    "satchel.providers.trello",
    "satchel.providers.productive",
    "satchel.storage.client",
    "satchel.transfers.queue",
    "satchel.sandbox.store",
    "ctypes.util",
    "satchel.ui.account_dialog",
    "satchel.ui.card_picker",
)


def test_the_window_module_imports_no_http_stack() -> None:
    probe = (
        "import sys, satchel.cli, satchel.main\n"
        f"print(' '.join(name for name in {DEFERRED!r} if name in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == []
