"""The sandbox store's tables, and each row read back as its record (see `store.py`)."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from typing import cast

from satchel.sandbox import records

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tenants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    api_access INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id),
    scope TEXT NOT NULL CHECK (scope IN ('read', 'read_write')),
    created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS boards (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id), name TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lists (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id), board_id TEXT NOT NULL REFERENCES boards(id),
    name TEXT NOT NULL, position INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id), board_id TEXT NOT NULL REFERENCES boards(id),
    list_id TEXT NOT NULL REFERENCES lists(id), name TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attachments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id), card_id TEXT REFERENCES cards(id),
    name TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'link')), url TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'stored')), object_key TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lists_by_board ON lists (board_id, seq);
CREATE INDEX IF NOT EXISTS cards_by_list ON cards (list_id, seq);
CREATE INDEX IF NOT EXISTS attachments_by_card ON attachments (card_id, seq);
CREATE INDEX IF NOT EXISTS attachments_unlinked ON attachments (created_at) WHERE card_id IS NULL;
"""


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def new_key() -> str:
    """`ixk_` and 40 URL-safe random characters."""
    return "ixk_" + secrets.token_urlsafe(30)


def tenant_from(row: sqlite3.Row) -> records.Tenant:
    return records.Tenant(row["id"], row["name"], bool(row["api_access"]), row["created_at"])


def board_from(row: sqlite3.Row) -> records.Board:
    return records.Board(row["seq"], row["id"], row["name"], row["created_at"], row["updated_at"])


def list_from(row: sqlite3.Row) -> records.BoardList:
    return records.BoardList(
        row["seq"], row["id"], row["board_id"], row["name"], row["position"],
        row["created_at"], row["updated_at"],
    )  # fmt: skip


def card_from(row: sqlite3.Row) -> records.Card:
    return records.Card(
        row["seq"], row["id"], row["board_id"], row["list_id"], row["name"],
        row["created_at"], row["updated_at"],
    )  # fmt: skip


def attachment_from(row: sqlite3.Row) -> records.Attachment:
    return records.Attachment(
        row["seq"], row["id"], row["tenant_id"], row["card_id"], row["name"],
        row["content_type"], row["size"], cast(records.AttachmentKind, row["kind"]), row["url"],
        cast(records.AttachmentState, row["state"]), row["object_key"],
        row["created_at"], row["updated_at"],
    )  # fmt: skip
