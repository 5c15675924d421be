"""Talking to Trello: the OAuth header, pacing with 429 retries, and Trello's errors.

Every request carries `Authorization: OAuth oauth_consumer_key="…", oauth_token="…"`,
and only to the API's own origin; never `?key=&token=` (attachment downloads refuse
query auth, and a URL ends up in logs and histories). Trello's errors are short plain
text ("invalid token", "expired token", "unauthorized permission requested") or, for
429, JSON: each becomes a domain error with a message a person can act on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from satchel import log as satchel_log
from satchel.domain.errors import (
    NotFound,
    PermissionDenied,
    RateLimited,
    SatchelError,
    SignInRequired,
    TooLarge,
)
from satchel.domain.units import human_duration, human_limit
from satchel.providers.http import (
    HeaderAuth,
    decoded_json,
    error_for_response,
    malformed,
    network_error,
    read_answer,
)
from satchel.providers.pacing import Budget, PacedBudget, Pacer, announce_wait
from satchel.providers.retries import RetryPolicy, retrying_rate_limits
from satchel.storage.bounded_read import answered
from satchel.storage.client import read_capped
from satchel.storage.s3_answers import retry_after_seconds

log = logging.getLogger(__name__)

_DETAIL_LIMIT = 500
_SIGN_IN_AGAIN = "Sign in to Trello again to continue."
#: The plain-text 401s that say the credential itself is bad (PROTOCOLS.md §1).
_CREDENTIAL_REFUSALS = {
    "expired token": f"Your Trello sign-in has expired. {_SIGN_IN_AGAIN}",
    "invalid token": (
        f"Trello no longer accepts this sign-in: it was revoked or is not valid. {_SIGN_IN_AGAIN}"
    ),
    "invalid key": (
        "Trello does not know this application key. Check the key on "
        "https://trello.com/power-ups/admin and sign in again."
    ),
}
_STAYS = "The account stays signed in."
#: The other 401s: this one board, card, preview or upload is not allowed.
_ITEM_REFUSALS = {
    "unauthorized permission requested": (
        "Trello does not let this account see or change this item: it may be another "
        "member's board, restricted by an Enterprise, or the sign-in may only read. "
        f"{_STAYS}"
    ),
    "unauthorized card permission requested": (
        f"Trello does not let this account see or change this card. {_STAYS}"
    ),
    "unauthorized member permission requested": (
        f"Trello does not let this account see that member's details. {_STAYS}"
    ),
    "unauthorized organization": (
        f"Trello does not let this account see this workspace's boards. {_STAYS}"
    ),
    "auth in query params for attachments is not allowed": (
        f"Trello refused a download that carried its credentials in the address. {_STAYS}"
    ),
}
_NOT_ALLOWED = f"Trello does not allow this account to do that here. {_STAYS}"
#: A 401 on these routes is about the credential whatever its text says.
_CREDENTIAL_ROUTES = re.compile(r"/1/(members/me|tokens/[^/]+)/?")
#: How Trello words a refused file when the status is not 413 (PROTOCOLS.md §1).
_TOO_LARGE_WORDS = re.compile(r"too (large|big)|file ?size|exceeds? the .*limit|entity too large")


def oauth_header(key: str, token: str) -> str:
    return f'OAuth oauth_consumer_key="{key}", oauth_token="{token}"'


def trello_auth(api_url: str, key: str, token: str) -> HeaderAuth:
    """The header, for requests to the API's own origin only; key and token kept out of logs."""
    satchel_log.register_secret(key)
    satchel_log.register_secret(token)
    return HeaderAuth(api_url, "Authorization", oauth_header(key, token))


def too_large(limit: int | None = None, name: str | None = None) -> TooLarge:
    """The one message for a file over the upload limit, Satchel's own or Trello's."""
    what = f"“{name}”" if name else "The file"
    where = (
        f"this account's upload limit of {human_limit(limit)}"
        if limit is not None
        else "the upload limit of this board's workspace"
    )
    return TooLarge(
        f"{what} is larger than {where} (free workspaces take 10 MB, paid ones 250 MB). "
        "Share a smaller file, or a link to it; if the workspace is on a paid plan, "
        "raise the account's upload limit."
    )


def _path_of(response: httpx.Response) -> str:
    try:
        return response.request.url.path
    except RuntimeError:  # a response made without its request (tests)
        return ""


def _rate_code(response: httpx.Response) -> str:
    try:
        body = decoded_json(response)
    except ValueError:
        return ""
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else ""


def trello_error(response: httpx.Response, *, upload_limit: int | None = None) -> SatchelError:
    """The domain error for a Trello error answer whose body has been read."""
    text = response.text.strip()
    said = text.lower().rstrip(".")
    detail = satchel_log.redact(text)[:_DETAIL_LIMIT] or None
    status = response.status_code
    if said in _CREDENTIAL_REFUSALS:
        return SignInRequired(_CREDENTIAL_REFUSALS[said], detail=detail)
    if status == 401 and _CREDENTIAL_ROUTES.fullmatch(_path_of(response)):
        return SignInRequired(
            f"Trello no longer accepts this sign-in. {_SIGN_IN_AGAIN}", detail=detail
        )
    if status == 401 or said in _ITEM_REFUSALS:
        return PermissionDenied(_ITEM_REFUSALS.get(said, _NOT_ALLOWED), detail=detail)
    if status == 429:
        return RateLimited(
            "Trello asks Satchel to slow down (too many requests). Try again in a few seconds.",
            detail=detail,
            retry_after=retry_after_seconds(response.headers),
        )
    if status == 413 or (400 <= status < 500 and _TOO_LARGE_WORDS.search(said)):
        error = too_large(upload_limit)
        error.detail = detail
        return error
    if status == 404 or (status == 400 and said in {"invalid id", "invalid objectid"}):
        return NotFound(
            "It is no longer on Trello, or this account cannot see it. Refresh to see what "
            "Trello holds now.",
            detail=detail,
        )
    return error_for_response(response, credential_noun="token")


Attempt = Callable[[], Awaitable[httpx.Response]]

#: Trello's budgets (PROTOCOLS.md §1 and Trello's rate-limit guide). The members budget
#: counts `/1/members/{id}` itself; nested routes such as /1/members/me/boards do not.
TRELLO_BUDGETS = (
    Budget("token", 100, 10.0, "token", exhausted="API_TOKEN_LIMIT_EXCEEDED"),
    Budget("key", 300, 10.0, "key", exhausted="API_KEY_LIMIT_EXCEEDED"),
    Budget(
        "members",
        100,
        900.0,
        "token",
        paths=re.compile(r"/1/members/[^/]+/?"),
        exhausted="MEMBER_LIMIT_EXCEEDED",
        wait_out=True,
    ),
)


def paced_budgets(
    key: str, token: str, budgets: Sequence[Budget] = TRELLO_BUDGETS
) -> list[PacedBudget]:
    """Each budget with its process-wide pacer: the key's is shared by every account on it."""
    values = {"key": key, "token": token}
    return [PacedBudget(b, b.pacer(values[b.credential])) for b in budgets]


def everywhere(pacers: Sequence[Pacer]) -> list[PacedBudget]:
    """Pacers that count every request (tests and callers with their own budgets)."""
    return [PacedBudget(Budget(repr(p), p.limit, p.window, "token"), p) for p in pacers]


#: How many times one request waits out a long budget before it gives up.
MAX_WAITS_OUT = 3


class TrelloHttp:
    """Sends requests through the budgets that count them, retries 429s, maps errors."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        auth: HeaderAuth,
        budgets: Sequence[PacedBudget],
        backoff: RetryPolicy,
    ) -> None:
        self.client = client
        self.auth = auth
        self.budgets = tuple(budgets)
        self.backoff = backoff
        #: Checked before every request (an expired sign-in fails before it is sent).
        self.before_request: Callable[[], None] = lambda: None
        self.upload_limit: int | None = None

    async def send(
        self, method: str, url: str, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One request (redirects not followed); a 2xx or 3xx answer, else a domain error.

        With `stream=True` the body is not read: the caller closes the answer.
        """

        async def attempt() -> httpx.Response:
            request = self.client.build_request(method, url, **kwargs)
            return await self.client.send(
                request, auth=self.auth, follow_redirects=False, stream=True
            )

        response = await self.retrying(attempt, path=httpx.URL(url).path, what=method)
        return response if stream else await read_answer(response)

    async def retrying(
        self, attempt: Attempt, *, path: str = "", what: str = "request"
    ) -> httpx.Response:
        """Run `attempt` when the budgets counting `path` allow; again after a 429, as the
        policy allows. A 429 of a budget with a long window (Trello's members route) is no
        failed try: the request waits until that window has room, and says so.
        `attempt` sends with `stream=True`; a successful answer comes back unread."""
        budgets = [b for b in self.budgets if b.budget.covers(path)]

        async def once() -> httpx.Response:
            waits = 0
            while True:
                self.before_request()
                try:
                    response = await attempt()
                except httpx.TransportError as error:
                    raise network_error(error, "Trello") from None
                except httpx.DecodingError as error:
                    raise malformed("undecodable body", str(error)) from None
                log.debug("%s %s -> %s", what, satchel_log.redact(path), response.status_code)
                if response.status_code < 400:
                    return response
                response = await _read_error_body(response)
                spent = _spent_budget(budgets, response)
                if spent is None or not spent.budget.wait_out or waits >= MAX_WAITS_OUT:
                    raise trello_error(response, upload_limit=self.upload_limit)
                waits += 1
                _wait_out(spent)
                for paced in budgets:
                    await paced.pacer.acquire()

        return await retrying_rate_limits(
            self.backoff,
            f"Trello {what} {satchel_log.redact(path)}",
            once,
            pacers=tuple(b.pacer for b in budgets),
        )


def _spent_budget(budgets: Sequence[PacedBudget], response: httpx.Response) -> PacedBudget | None:
    """The budget a 429 says ran out (by its `error` code), if one of these."""
    code = _rate_code(response) if response.status_code == 429 else ""
    return next((b for b in budgets if code and b.budget.exhausted == code), None)


def _wait_out(paced: PacedBudget) -> None:
    seconds = max(1.0, paced.pacer.until_room())
    paced.pacer.hold_off(seconds)
    announce_wait(
        f"Trello's limit of {paced.budget.limit} {paced.budget.name} requests per "
        f"{human_duration(paced.budget.window)} is used up: Satchel waits "
        f"{human_duration(seconds)} before asking again.",
        seconds,
    )


async def _read_error_body(response: httpx.Response) -> httpx.Response:
    """The error answer with its body read (capped, for a streamed one) and closed."""
    if response.is_stream_consumed:
        return response
    try:
        body = await read_capped(response)
    except httpx.HTTPError:
        body = b""
    finally:
        await response.aclose()
    return answered(response, body)
