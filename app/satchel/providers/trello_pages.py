"""A board's (or a list's) cards, in pages Trello can answer in bounded time.

Trello answers a board of thousands of cards and attachments slowly, and documents time
limits for expensive requests. So cards come in pages of at most 1,000 (`limit`), each
page older than the last (`before` = the oldest id seen), with only the fields Satchel
shows (`fields`, `attachment_fields`), open cards only unless archived ones are wanted.

How many cards there are in all is not something Trello says. Ids are ObjectIds whose
first four bytes are their creation time: the first page spans the newest cards, and
the board's own id says when it began, so the share of that time span one page covers
gives an estimate ("1,000 of about 5,000 cards").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from satchel.domain.progress import CountProgress, no_count
from satchel.providers.http import json_body, malformed
from satchel.providers.paging import PageGuard
from satchel.providers.trello_http import TrelloHttp
from satchel.providers.trello_wire import CardWithAttachments, created_at, read_cards

#: Trello's largest page of cards.
MAX_PAGE = 1000
#: Two million cards in pages of 1,000; a service whose pages go on past that is broken.
MAX_PAGES = 2_000
CARD_FIELDS = "id,name,idList,idBoard,closed,dateLastActivity"
ATTACHMENT_FIELDS = "id,name,bytes,date,fileName,isUpload,mimeType,previews,url"
#: httpx's read timeout counts from one piece of the body to the next, so a long answer
#: still arriving never hits it; this one bounds how long Trello may think before it
#: starts answering an expensive page (its own limit for those is about this long).
PAGE_TIMEOUT = httpx.Timeout(30.0, connect=10.0, read=120.0)


class CardPages:
    def __init__(self, http: TrelloHttp, url: Callable[[str], str], page_size: int) -> None:
        self._http = http
        self._url = url
        self.page_size = max(1, min(page_size, MAX_PAGE))

    async def all(
        self,
        path: str,
        *,
        closed: bool,
        since: datetime | None = None,
        progress: CountProgress = no_count,
    ) -> list[CardWithAttachments]:
        """Every card under `path` (archived ones too when `closed`), with attachments.

        `since` is when the board began, for the estimate of how many there are.
        """
        params: dict[str, Any] = {
            "filter": "all" if closed else "visible",
            "fields": CARD_FIELDS,
            "attachments": "true",
            "attachment_fields": ATTACHMENT_FIELDS,
            "limit": self.page_size,
        }
        cards: list[CardWithAttachments] = []
        guard = PageGuard(MAX_PAGES)
        while True:
            response = await self._http.send(
                "GET", self._url(path), params=params, timeout=PAGE_TIMEOUT
            )
            if response.status_code >= 300:
                raise malformed(f"an unexpected redirect ({response.status_code})")
            page = read_cards(json_body(response))
            cards.extend(guard.fresh(page, _card_id))
            # A short page is the last; a longer one than asked for is everything at once.
            if len(page) != self.page_size:
                break
            params["before"] = guard.follow(min(item.card.id for item in page))
            progress(len(cards), about_how_many(cards, since))
        progress(len(cards), len(cards))
        return cards


def _card_id(item: CardWithAttachments) -> str:
    return item.card.id


def about_how_many(cards: list[CardWithAttachments], since: datetime | None) -> int | None:
    """An estimate of all the cards from those seen so far (the newest ones), or None."""
    times = [t for t in (created_at(item.card.id) for item in cards) if t is not None]
    if since is None or len(times) < 2:
        return None
    newest, oldest = max(times), min(times)
    covered = (newest - oldest).total_seconds()
    if covered <= 0:
        return None
    ratio = max(1.0, (newest - since).total_seconds() / covered)
    estimate = len(cards) * ratio
    rounded = round(estimate, -2) if estimate >= 1000 else round(estimate)
    return max(len(cards) + 1, int(rounded))
