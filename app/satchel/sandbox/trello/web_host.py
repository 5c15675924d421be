"""The stand-in for trello.com: the web host that attachment `url`s point at.

On the real service an attachment's `url` is on trello.com, which wants a browser
session; API clients rewrite it to api.trello.com and send the OAuth header there
(PROTOCOLS.md §1). So this host, on its own port, serves a download only for a valid
`signature` (the URL as handed out, good for one hour) and refuses API credentials:
a client that sends its key and token here has leaked them to the wrong host.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from satchel.sandbox.trello.auth import TrelloError
from satchel.sandbox.trello.files import TrelloFiles

#: What this host says to API credentials (Trello's own words for a refused request).
CREDENTIALS_REFUSED = "unauthorized permission requested"


def web_app(files: TrelloFiles) -> Starlette:
    async def download(request: Request) -> Response:
        query = request.query_params
        if "authorization" in request.headers or "key" in query or "token" in query:
            return PlainTextResponse(CREDENTIALS_REFUSED, 401)
        try:
            attachment = files.signed_target(request)
            return await files.answer_download(request, attachment, bytes_here=False)
        except TrelloError as error:
            return error.response()

    async def not_here(_request: Request) -> Response:
        return PlainTextResponse("Not Found", 404)

    attachment = "/1/cards/{card}/attachments/{attachment}"
    return Starlette(
        routes=[
            Route(attachment + "/download/{file_name:path}", download, methods=["GET"]),
            Route("/{rest:path}", not_here, methods=["GET", "POST", "PUT", "DELETE"]),
        ]
    )
