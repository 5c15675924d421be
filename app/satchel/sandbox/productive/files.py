"""Productive's files host, on its own origin: `?token=` buys a short-lived storage link.

`GET /attachments/files/000/002/592/959/original/NAME?VERSION&token=TOKEN` answers a
302 to a presigned GET when the token may see the attachment; anything else gets a
302 to an HTML login page, as files.productive.io does.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from satchel.sandbox import problems
from satchel.sandbox.productive.resources import rid_of_file_path
from satchel.sandbox.productive.store import ProductiveStore
from satchel.sandbox.storage_gate import StorageGate

LINK_TTL = timedelta(minutes=5)
_LOGIN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Log in - Productive</title></head>
<body><h1>Log in to Productive</h1>
<form method="post" action="/login"><label>Email <input name="email"></label>
<label>Password <input name="password" type="password"></label>
<button>Log in</button></form></body></html>
"""


def _to_login() -> Response:
    return RedirectResponse("/login", status_code=302, headers={"Cache-Control": "no-store"})


class FilesHost:
    def __init__(self, pstore: ProductiveStore, storage: StorageGate) -> None:
        self.pstore = pstore
        self.storage = storage

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/login", self.login, methods=["GET"]),
                Route("/attachments/files/{rest:path}", self.file, methods=["GET"]),
            ]
        )

    async def login(self, _request: Request) -> Response:
        return HTMLResponse(_LOGIN_PAGE)

    async def file(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        caller = self.pstore.caller(token) if token else None
        rid = rid_of_file_path(request.url.path)
        if caller is None or rid is None:
            return _to_login()
        row = self.pstore.one(
            "SELECT a.object_key, a.name, a.content_type, a.state, pa.deleted_at"
            " FROM attachments a JOIN productive_attachments pa ON pa.attachment_id = a.id"
            " WHERE a.seq = ? AND a.tenant_id = ?",
            (rid, caller.tenant_id),
        )
        if row is None or row["state"] != "stored" or row["deleted_at"] is not None:
            return _to_login()
        try:
            url = await self.storage.call(
                self.storage.gateway.download_link,
                row["object_key"], row["name"], row["content_type"], LINK_TTL,
            )  # fmt: skip
        except problems.Problem as problem:
            return problem.response()
        return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})
