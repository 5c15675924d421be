"""Where Satchel keeps things on this machine. Overridable for tests and scripts."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "satchel"


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value) if value else None


def config_dir() -> Path:
    """Settings and the account list (never secrets). `SATCHEL_CONFIG_DIR` overrides."""
    return _override("SATCHEL_CONFIG_DIR") or Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The journal, the demo service's data. `SATCHEL_DATA_DIR` overrides."""
    return _override("SATCHEL_DATA_DIR") or Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Fetched previews; safe to delete. `SATCHEL_CACHE_DIR` overrides."""
    return _override("SATCHEL_CACHE_DIR") or Path(platformdirs.user_cache_dir(APP_NAME))


def pasted_dir() -> Path:
    """Images pasted onto cards, kept until their upload has landed or left the queue."""
    return data_dir() / "pasted"


def drag_out_dir() -> Path:
    """What drags to a file manager fetch, one folder per drag; swept when a day old."""
    return cache_dir() / "drag-out"


def log_dir() -> Path:
    return _override("SATCHEL_LOG_DIR") or Path(platformdirs.user_log_dir(APP_NAME))


def sandbox_data_dir() -> Path:
    """The demo service's own data, reused across runs."""
    return data_dir() / "sandbox"


def resources_dir() -> Path:
    """`resources/`: inside the wheel as satchel/resources, or beside `app/` in a checkout."""
    packaged = Path(str(resources.files("satchel"))) / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"
