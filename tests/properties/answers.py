"""Generated service answers: any JSON, JSON shaped like the dialects' (their field names
and value types, mixed freely), raw bytes, deep nesting, and header values."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

#: Field names the readers look for, across the dialects: generated objects use them, so
#: the readers get past their first check and meet wrong types, gaps and odd values deep in.
FIELDS = [
    # bearer
    "id", "name", "created_at", "updated_at", "board_id", "list_id", "card_id", "kind", "url",
    "content_type", "size", "state", "download_url", "upload", "fields", "key",
    "upload_expires_at", "tenant", "scope", "limits", "max_upload_size", "data", "next",
    "code", "title", "detail", "message", "error",
    # Trello
    "idMember", "identifier", "dateCreated", "dateExpires", "permissions", "read", "write",
    "username", "fullName", "closed", "idBoard", "idList", "dateLastActivity", "attachments",
    "isUpload", "bytes", "fileName", "mimeType", "date", "previews", "_id", "width", "height",
    # JSON:API and Productive
    "type", "attributes", "relationships", "included", "meta", "links", "errors", "status",
    "source", "pointer", "parameter", "href", "task_number", "position", "archived_at",
    "deleted_at", "aws_policy", "policy", "expiration", "board", "folder", "task_list",
    "task", "project",
]  # fmt: skip

times = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-12-02T10:00:00Z", "2026-12-02", "yesterday", "", "T", "9999-99-99"]),
)
texts = st.one_of(st.text(max_size=12), times, st.sampled_from(["link", "file", "https://x/y"]))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    texts,
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=6))
    return st.one_of(st.lists(children, max_size=3), st.dictionaries(keys, children, max_size=6))


#: Any JSON value, leaning to objects with the dialects' field names.
json_values = st.recursive(scalars, _containers, max_leaves=16)
json_objects = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


#: The bytes of an answer: JSON text of the values above, deep nesting, or any bytes.
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(min_value=500, max_value=200_000).map(nested),
    st.integers(min_value=500, max_value=200_000).map(lambda n: b'{"a":' * n),
    st.binary(max_size=300),
    st.text(max_size=200).map(str.encode),
)

#: Header values as a server might send them (latin-1 text, numbers, dates, junk).
header_values = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
    st.sampled_from(
        ["inf", "-inf", "nan", "1e400", "²", "٣", " 7 ", "Wed, 31 Dec 9999 23:59:59 GMT"]
    ),
)
statuses = st.integers(min_value=100, max_value=599)
