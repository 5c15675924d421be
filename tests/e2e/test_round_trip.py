"""Upload → list → download through the client core, against the real service and S3."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from satchel.domain.model import Card
from satchel.providers.bearer import BearerProvider
from satchel.transfers.one_off import upload_file


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("empty.txt", 0),
        ("one-byte.bin", 1),
        ("Übersicht – Café 東京 report.pdf", 4321),
        pytest.param("hundred-megabytes.bin", 100 * 1000 * 1000, marks=pytest.mark.slow),
    ],
)
async def test_round_trip_keeps_every_byte(
    provider: BearerProvider, card: Card, tmp_path: Path, name: str, size: int
) -> None:
    source = tmp_path / name
    with source.open("wb") as handle:
        left = size
        while left:
            piece = os.urandom(min(left, 1 << 22))
            handle.write(piece)
            left -= len(piece)

    attachment = await upload_file(provider, card.id, source)
    assert attachment.name == name
    assert attachment.size == size
    assert attachment.card_id == card.id

    listed = {a.id: a for a in await provider.list_attachments(card.id)}
    assert listed[attachment.id].name == name

    copy = await provider.download(attachment, tmp_path / "copy")
    assert copy.stat().st_size == size
    assert _digest(copy) == _digest(source)
    assert not list(tmp_path.glob("*.part*")), "no temporary file is left behind"

    await provider.delete(attachment)
    assert attachment.id not in {a.id for a in await provider.list_attachments(card.id)}
