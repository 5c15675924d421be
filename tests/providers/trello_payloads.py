"""Payloads of the real Trello API, as its documentation and seeds show them (PROTOCOLS.md §1).

Ids are Mongo ObjectIds; attachment URLs live on trello.com while the API is on
api.trello.com; link attachments have `bytes: null`, `mimeType: ""`, `fileName: null`.
"""

from __future__ import annotations

from typing import Any

API = "https://api.trello.com"
KEY = "0123456789abcdef0123456789abcdef"  # 32 hex, like a real application key
LEGACY_TOKEN = "7d3c9b2e" * 8  # 64 hex: the tokens Trello gave before its ATTA ones
NEW_TOKEN = "ATTA" + "9a" * 32 + "C0FFEE42"  # ATTA + 64 lowercase hex + 8 uppercase hex
MEMBER_ID = "5abbe4b7ddc1b351ef961414"
BOARD_ID = "4d5ea62fd76aa1136000000c"
CLOSED_BOARD_ID = "5e7a1b2c3d4e5f6a7b8c9d0e"
LIST_ID = "4d5ea62fd76aa1136000000d"
CLOSED_LIST_ID = "4d5ea62fd76aa1136000000e"
CARD_ID = "5ef22a20ebdb1b2f5e4dd0c7"
ARCHIVED_CARD_ID = "5ef22a20ebdb1b2f5e4dd0c8"
FILE_ID = "5ef22a288dcee602857a9990"
LINK_ID = "5ef22a288dcee602857a9991"
PREVIEW_SMALL = "5ef22a288dcee602857a9992"
PREVIEW_LARGE = "5ef22a288dcee602857a9993"
FILE_NAME = "Screen_Shot_2020-06-23_at_11.13.18_AM.png"
DOWNLOAD_PATH = f"/1/cards/{CARD_ID}/attachments/{FILE_ID}/download/{FILE_NAME}"
S3_LOCATION = (
    "https://trello-attachments.s3.amazonaws.com/5ef22a20/1200x800/abc/" + FILE_NAME
    + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20300101%2Fus-east-1%2Fs3"
    "%2Faws4_request&X-Amz-Date=20300101T120000Z&X-Amz-Expires=3600"
    "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + "ab" * 32
)  # fmt: skip

MEMBER: dict[str, Any] = {
    "id": MEMBER_ID,
    "username": "trelloworkspace",
    "fullName": "Trello Workspace",
    "initials": "TW",
    "avatarUrl": "https://trello-members.s3.amazonaws.com/5abbe4b7/abc/170.png",
    "url": "https://trello.com/trelloworkspace",
}


def token_info(
    expires: str | None = "2030-02-01T12:00:00.000Z", write: bool = True
) -> dict[str, Any]:
    return {
        "id": "63c6f2a1b2c3d4e5f6a7b8c9",
        "identifier": "Satchel",
        "idMember": MEMBER_ID,
        "dateCreated": "2030-01-02T12:00:00.000Z",
        "dateExpires": expires,
        "permissions": [
            {"idModel": "*", "modelType": "Board", "read": True, "write": write},
            {"idModel": "*", "modelType": "Organization", "read": True, "write": write},
        ],
    }


def board(
    board_id: str = BOARD_ID, name: str = "Trello Development", closed: bool = False
) -> dict[str, Any]:
    return {
        "id": board_id,
        "name": name,
        "desc": "Trello board used by the Trello team to track work on Trello.  How meta!",
        "closed": closed,
        "idOrganization": "4e1452614e4b8698470000e0",
        "url": f"https://trello.com/b/nC8QJJoZ/{name.lower().replace(' ', '-')}",
        "prefs": {"voting": "public", "permissionLevel": "public", "comments": "public"},
        "dateLastActivity": "2030-01-05T09:30:00.000Z",
    }


def board_list(list_id: str = LIST_ID, name: str = "To Do", closed: bool = False) -> dict[str, Any]:
    return {"id": list_id, "name": name, "closed": closed, "pos": 16384, "idBoard": BOARD_ID,
            "subscribed": False}  # fmt: skip


def file_attachment() -> dict[str, Any]:
    preview_url = f"https://trello.com/1/cards/{CARD_ID}/attachments/{FILE_ID}/previews"
    return {
        "id": FILE_ID,
        "bytes": 91203,
        "date": "2020-06-23T16:13:28.462Z",
        "edgeColor": "#f4f4f4",
        "idMember": MEMBER_ID,
        "isUpload": True,
        "mimeType": "image/png",
        "name": "Screen Shot 2020-06-23 at 11.13.18 AM.png",
        "previews": [
            {
                "_id": PREVIEW_SMALL,
                "id": PREVIEW_SMALL,
                "scaled": True,
                "bytes": 4583,
                "height": 50,
                "width": 70,
                "url": f"{preview_url}/{PREVIEW_SMALL}/download/{FILE_NAME}",
            },
            {
                "_id": PREVIEW_LARGE,
                "id": PREVIEW_LARGE,
                "scaled": False,
                "bytes": 91203,
                "height": 800,
                "width": 1200,
                "url": f"{preview_url}/{PREVIEW_LARGE}/download/{FILE_NAME}",
            },
        ],
        "url": f"https://trello.com{DOWNLOAD_PATH}",
        "pos": 16384,
        "fileName": FILE_NAME,
        "isMalicious": False,
        "limits": {},
    }


def link_attachment() -> dict[str, Any]:
    return {
        "id": LINK_ID,
        "bytes": None,
        "date": "2020-06-24T08:00:00.000Z",
        "edgeColor": None,
        "idMember": MEMBER_ID,
        "isUpload": False,
        "mimeType": "",
        "name": "Design spec",
        "previews": [],
        "url": "https://docs.example.com/spec",
        "pos": 32768,
        "fileName": None,
    }


def card(
    card_id: str = CARD_ID,
    name: str = "Screenshots",
    closed: bool = False,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": card_id,
        "name": name,
        "desc": "",
        "idBoard": BOARD_ID,
        "idList": LIST_ID,
        "pos": 65535,
        "closed": closed,
        "shortUrl": f"https://trello.com/c/{card_id[:8]}",
        "url": f"https://trello.com/c/{card_id[:8]}/1-{name.lower()}",
        "dateLastActivity": "2020-06-24T08:00:00.000Z",
        "badges": {"attachments": len(attachments or [])},
        "cover": {"idAttachment": None, "color": None},
    }
    if attachments is not None:
        body["attachments"] = attachments
    return body
