"""Productive end to end against the local dialect: sign-in, the tree, uploads, downloads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from satchel.domain.errors import PermissionDenied, SignInRequired, StorageDenied
from satchel.domain.model import Attachment, Card
from satchel.providers.productive import ProductiveProvider
from satchel.storage.content_cache import ContentCache
from satchel.transfers.one_off import upload_file
from tests.support.productive import ProductiveDemo


@pytest.fixture(scope="module")
def demo(productive_org: ProductiveDemo) -> ProductiveDemo:
    """This module's own organization: its uploads and deletes change no other's."""
    return productive_org


async def _tree(provider: ProductiveProvider) -> dict[str, dict[str, dict[str, list[str]]]]:
    tree: dict[str, dict[str, dict[str, list[str]]]] = {}
    for board in await provider.list_boards():
        lists = tree.setdefault(board.name, {})
        for board_list in await provider.list_lists(board.id):
            cards = lists.setdefault(board_list.name, {})
            for card in await provider.list_cards(board_list.id):
                attachments = await provider.list_attachments(card.id)
                cards[card.name] = sorted(a.name for a in attachments)
    return tree


async def _card(provider: ProductiveProvider, board_name: str, title: str) -> Card:
    for board in await provider.list_boards():
        if board.name != board_name:
            continue
        for board_list in await provider.list_lists(board.id):
            for card in await provider.list_cards(board_list.id):
                if card.name.startswith(title + " #"):
                    return card
    raise AssertionError(f"no task {title!r} on {board_name!r}")


@pytest.mark.asyncio
async def test_sign_in_names_the_organization_and_refuses_bad_tokens(demo: ProductiveDemo) -> None:
    async with demo.provider() as provider:
        identity = await provider.whoami()
    assert identity.name == "Productive Demo Agency"
    assert identity.id == demo.organization_id
    async with demo.provider("not-a-token") as wrong:
        with pytest.raises(SignInRequired, match="Settings → API integrations"):
            await wrong.whoami()


@pytest.mark.asyncio
async def test_the_whole_tree_hides_archived_closed_and_deleted(demo: ProductiveDemo) -> None:
    async with demo.provider() as provider:
        tree = await _tree(provider)
    assert sorted(tree) == [
        "Research Lab › Experiments", "Spring Campaign › Design", "Spring Campaign › Launch",
    ]  # fmt: skip
    assert list(tree["Spring Campaign › Launch"]) == ["Checklist"]  # "Ideas" is archived
    review = tree["Spring Campaign › Design"]["Review"]
    assert list(review) == ["Launch plan #3"]  # "Old banner" is closed
    assert review["Launch plan #3"] == ["Launch plan.pdf", "Übersicht – Café.txt"]
    # "Lab notes.md" was deleted: its row still comes, with deleted_at, and never shows.
    assert tree["Research Lab › Experiments"]["Reports"]["Q3 report #2"] == ["Q3 report.pdf"]

    async with demo.provider(show_closed=True) as everything:
        boards = [b.name for b in await everything.list_boards()]
        assert "Old website › Pages" in boards and "Research Lab › Archive 2025" in boards
        launch = next(b for b in await everything.list_boards() if b.name.endswith("Launch"))
        assert [x.name for x in await everything.list_lists(launch.id)] == ["Checklist", "Ideas"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("name", "size"),
    [("empty.txt", 0), ("Überblick – Café ☕.md", 5_000), ("big.bin", 20 * 1024 * 1024)],
)
async def test_upload_download_and_delete(
    demo: ProductiveDemo, tmp_path: Path, name: str, size: int
) -> None:
    source = tmp_path / name
    source.write_bytes(hashlib.sha256(name.encode()).digest() * (size // 32) + b"x" * (size % 32))
    async with demo.provider() as provider:
        card = await _card(provider, "Spring Campaign › Launch", "Press kit")
        attachment = await upload_file(provider, card.id, source)
        assert (attachment.name, attachment.size, attachment.card_id) == (name, size, card.id)
        listed = await provider.list_attachments(card.id)
        assert [a.id for a in listed].count(attachment.id) == 1
        copy = await provider.download(attachment, tmp_path / "copy")
        assert copy.read_bytes() == source.read_bytes()
        await provider.delete(attachment)
        assert attachment.id not in [a.id for a in await provider.list_attachments(card.id)]


@pytest.mark.asyncio
async def test_copy_link_is_the_tasks_page_and_never_the_token(demo: ProductiveDemo) -> None:
    async with demo.provider() as provider:
        card = await _card(provider, "Spring Campaign › Design", "Homepage hero")
        (first, *_) = await provider.list_attachments(card.id)
        page = provider.shared_page(first)
        assert page == f"{demo.base_url}/{demo.organization_id}/tasks/{card.id}"
        assert provider.permanent_link(first) == page
        link = await provider.resolve_download(first)
    assert demo.token not in link.url and "X-Amz-Signature" in link.url
    assert first.download_url is not None and demo.token not in first.download_url


@pytest.mark.asyncio
async def test_a_read_only_token_browses_and_says_so_at_the_first_write(
    demo: ProductiveDemo, tmp_path: Path
) -> None:
    source = tmp_path / "note.txt"
    source.write_text("read only")
    async with demo.provider(demo.read_only_token) as provider:
        card = await _card(provider, "Spring Campaign › Design", "Brand copy")
        assert await provider.list_attachments(card.id)
        with pytest.raises(PermissionDenied, match="this token is read-only"):
            await upload_file(provider, card.id, source)
        assert (await provider.whoami()).scope == "read"


@pytest.mark.asyncio
async def test_a_file_the_token_may_not_open_is_an_error_not_a_login_page(
    demo: ProductiveDemo, tmp_path: Path
) -> None:
    async with demo.provider() as provider:
        card = await _card(provider, "Spring Campaign › Design", "Homepage hero")
        (first, *_) = await provider.list_attachments(card.id)
    stranger = Attachment(
        id=first.id, name=first.name, card_id=first.card_id, content_type=first.content_type,
        size=first.size, download_url=first.download_url,
    )  # fmt: skip
    async with demo.provider("00000000-0000-0000-0000-000000000000") as outsider:
        with pytest.raises(StorageDenied, match="login"):
            await outsider.download(stranger, tmp_path / "saved")
    assert not (tmp_path / "saved").exists()


@pytest.mark.asyncio
async def test_previews_come_through_the_content_cache_without_the_token(
    demo: ProductiveDemo, tmp_path: Path
) -> None:
    cache = ContentCache(tmp_path / "cache")
    async with demo.provider() as provider:
        card = await _card(provider, "Spring Campaign › Design", "Homepage hero")
        picture = next(
            a for a in await provider.list_attachments(card.id) if a.name.endswith(".png")
        )
        path = await cache.fetch(provider, "Demo: Productive", picture)
        again = await cache.fetch(provider, "Demo: Productive", picture)
    assert path == again and path.read_bytes().startswith(b"\x89PNG")
    for item in (tmp_path / "cache").rglob("*"):
        assert demo.token not in item.name
        if item.is_file():
            assert demo.token.encode() not in item.read_bytes()
