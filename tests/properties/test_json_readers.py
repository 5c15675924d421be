"""Every reader of a service's JSON, fed generated answers: each ends in a value or the
project's "unreadable answer" error (MalformedResponse), never in another exception."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from satchel.domain.errors import MalformedResponse
from satchel.providers import bearer_wire, jsonapi, productive_wire, trello_wire
from satchel.providers.http import json_body
from tests.properties.answers import bodies, json_objects, json_values

answers = st.one_of(json_objects, json_values)


def _resource(body: Any) -> jsonapi.Resource:
    return jsonapi.read_document(body).one()


READERS: dict[str, Callable[[Any], object]] = {
    "bearer page": bearer_wire.read_page,
    "bearer me": bearer_wire.read_identity,
    "bearer board": bearer_wire.read_board,
    "bearer list": bearer_wire.read_list,
    "bearer card": bearer_wire.read_card,
    "bearer attachment": bearer_wire.read_attachment,
    "bearer upload answer": bearer_wire.read_pending_upload,
    "trello token": trello_wire.read_token_info,
    "trello member": lambda body: trello_wire.read_identity(body, None),
    "trello boards": trello_wire.read_boards,
    "trello lists": trello_wire.read_lists,
    "trello cards": trello_wire.read_cards,
    "trello attachments": lambda body: trello_wire.read_attachments(body, "card"),
    "trello preview": trello_wire.read_preview,
    "json:api document": jsonapi.read_document,
    "json:api errors": jsonapi.read_errors,
    "productive board": lambda body: productive_wire.read_board(_resource(body), None),
    "productive task list": lambda body: productive_wire.read_task_list(_resource(body), "b"),
    "productive task": lambda body: productive_wire.read_task(_resource(body), "l"),
    "productive attachment": lambda body: productive_wire.read_attachment(_resource(body), None),
    "productive upload answer": lambda body: productive_wire.read_pending(
        jsonapi.read_document(body), "https://bucket.example"
    ),
}


def _value_or_unreadable(read: Callable[[Any], object], body: Any) -> None:
    try:
        read(body)
    except MalformedResponse as error:
        assert error.message, "the unreadable-answer error says what was wrong"


@given(body=answers)
def test_every_reader_returns_a_value_or_says_the_answer_is_unreadable(body: Any) -> None:
    """Each generated answer goes to every reader: each reader meets as many examples as
    the profile asks for (1,000 in CI), and the answers are made once for all of them."""
    for name, read in READERS.items():
        try:
            _value_or_unreadable(read, body)
        except Exception as error:
            raise AssertionError(f"the {name} reader raised {error!r}") from error


@given(raw=bodies)
def test_the_body_of_any_answer_is_json_or_unreadable(raw: bytes) -> None:
    _value_or_unreadable(json_body, httpx.Response(200, content=raw))


@given(
    policy=st.one_of(
        st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
        bodies.map(lambda b: base64.b64encode(b).decode()),
        st.text(max_size=60),
    )
)
def test_an_upload_policy_gives_its_expiry_or_none(policy: str) -> None:
    when = productive_wire.policy_expiry({"policy": policy})
    assert when is None or when.tzinfo is not None
