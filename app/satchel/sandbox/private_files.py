"""Small JSON files that hold secrets: readable by this user only, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from satchel.local_files import temporary_beside


def write_private_json(path: Path, data: Any) -> None:
    """Write with mode 0600 from the first byte, then rename over the old file."""
    temporary = temporary_beside(path, "private")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
