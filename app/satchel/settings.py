"""Every non-secret setting in one typed registry, stored with QSettings.

Secrets never come here: they live in the OS keyring (satchel.auth.secrets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

from satchel import paths

T = TypeVar("T", int, bool, str, QByteArray)


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T

    def get(self, settings: QSettings) -> T:
        value = settings.value(self.key, self.default, type=type(self.default))
        return cast(T, value)

    def set(self, settings: QSettings, value: T) -> None:
        settings.setValue(self.key, value)


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray())
WINDOW_STATE = Setting("window/state", QByteArray())
SPLITTER_STATE = Setting("window/splitter", QByteArray())
TREE_HEADER_STATE = Setting("tree/header", QByteArray())
PREVIEW_VISIBLE = Setting("preview/visible", True)
CACHE_MAX_MB = Setting("cache/max_mb", 512)
#: Files up to this size preview by themselves; bigger ones wait for "Preview anyway".
PREVIEW_MAX_MB = Setting("preview/max_mb", 50)
SHOW_CLOSED = Setting("tree/show_closed", False)


def open_settings() -> QSettings:
    """satchel.ini beside the account list, in the config dir (SATCHEL_CONFIG_DIR overrides)."""
    return QSettings(str(paths.config_dir() / "satchel.ini"), QSettings.Format.IniFormat)
