"""Typed reads from a decoded JSON object; anything missing or mistyped is MalformedResponse."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from satchel.domain.errors import MalformedResponse
from satchel.providers.http import malformed


class JsonObject:
    """A JSON object read field by field; `what` names it in the error ("attachment")."""

    def __init__(self, data: Any, what: str) -> None:
        if not isinstance(data, dict):
            raise malformed(f"{what} is not an object")
        self._data: dict[str, Any] = data
        self.what = what

    def _missing(self, key: str, wanted: str) -> MalformedResponse:
        return malformed(f"{self.what}.{key} is missing or not {wanted}")

    def raw(self, key: str) -> Any:
        """The value as decoded, for fields whose type varies (read it with care)."""
        return self._data.get(key)

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def text(self, key: str) -> str:
        value = self._data.get(key)
        if not isinstance(value, str):
            raise self._missing(key, "text")
        return value

    def opt_text(self, key: str) -> str | None:
        return None if self._data.get(key) is None else self.text(key)

    def integer(self, key: str) -> int:
        value = self._data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._missing(key, "a whole number")
        return value

    def opt_integer(self, key: str) -> int | None:
        return None if self._data.get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self._data.get(key)
        if not isinstance(value, bool):
            raise self._missing(key, "true or false")
        return value

    def time(self, key: str) -> datetime:
        text = self.text(key)
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise self._missing(key, "an ISO-8601 time") from None
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    def opt_time(self, key: str) -> datetime | None:
        return None if self._data.get(key) is None else self.time(key)

    def obj(self, key: str) -> JsonObject:
        return JsonObject(self._data.get(key), f"{self.what}.{key}")

    def array(self, key: str) -> list[Any]:
        value = self._data.get(key)
        if not isinstance(value, list):
            raise self._missing(key, "a list")
        return value

    def text_map(self, key: str) -> dict[str, str]:
        value = self._data.get(key)
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise self._missing(key, "an object of text values")
        return dict(value)
