"""One small reader of JSON:API documents (data, included, meta, links, errors).

Every call of a JSON:API dialect (Productive) reads its answer through `read_document`,
never by hand: resources come out with typed attributes (a JsonObject), their
relationships as ids, and side-loaded resources found by type and id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from satchel.providers.http import malformed
from satchel.providers.json_fields import JsonObject


@dataclass(frozen=True, slots=True)
class Ref:
    type: str
    id: str


@dataclass(frozen=True, slots=True)
class Resource:
    type: str
    id: str
    attributes: JsonObject
    #: name -> the related refs; absent when the service did not include the relation's data.
    relationships: dict[str, list[Ref]] = field(default_factory=dict)
    #: names of to-one relations (their list holds at most one ref)
    to_one: frozenset[str] = frozenset()

    def related_id(self, name: str) -> str | None:
        """The id of a to-one relation, or None when it is empty or was not included."""
        refs = self.relationships.get(name)
        return refs[0].id if refs else None

    def related_ids(self, name: str) -> list[str] | None:
        """The ids of a relation, or None when the service did not include them."""
        refs = self.relationships.get(name)
        return None if refs is None else [ref.id for ref in refs]


@dataclass(frozen=True, slots=True)
class Document:
    data: list[Resource]
    #: True when `data` was one object (or null), not an array.
    single: bool
    included: dict[tuple[str, str], Resource]
    meta: dict[str, Any]
    links: dict[str, Any]

    def one(self) -> Resource:
        if not self.data:
            raise malformed("a document with no resource in it")
        return self.data[0]

    def find(self, ref_type: str, ref_id: str | None) -> Resource | None:
        return None if ref_id is None else self.included.get((ref_type, ref_id))

    @property
    def next_link(self) -> str | None:
        link = self.links.get("next")
        if isinstance(link, dict):  # JSON:API allows a link object
            link = link.get("href")
        return link if isinstance(link, str) and link else None


def _ref(raw: Any, what: str) -> Ref:
    item = JsonObject(raw, what)
    return Ref(item.text("type"), _id_text(raw, what))


def _id_text(raw: Any, what: str) -> str:
    value = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # ids are strings in JSON:API; be lenient with numbers
    if not isinstance(value, str) or not value:
        raise malformed(f"{what}.id is missing")
    return value


def read_resource(raw: Any, what: str = "resource") -> Resource:
    item = JsonObject(raw, what)
    attributes = raw.get("attributes") if isinstance(raw, dict) else None
    relationships: dict[str, list[Ref]] = {}
    to_one: set[str] = set()
    raw_relations = raw.get("relationships") or {}
    if not isinstance(raw_relations, dict):
        raise malformed(f"{what}.relationships is not an object")
    for name, relation in raw_relations.items():
        if not isinstance(relation, dict) or "data" not in relation:
            continue  # {"meta": {"included": false}}: the ids were not sent
        data = relation["data"]
        if data is None:
            relationships[name] = []
            to_one.add(name)
        elif isinstance(data, list):
            relationships[name] = [_ref(ref, f"{what}.{name}") for ref in data]
        else:
            relationships[name] = [_ref(data, f"{what}.{name}")]
            to_one.add(name)
    return Resource(
        type=item.text("type"),
        id=_id_text(raw, what),
        attributes=JsonObject(attributes if attributes is not None else {}, f"{what} attributes"),
        relationships=relationships,
        to_one=frozenset(to_one),
    )


def read_document(body: Any) -> Document:
    """A JSON:API document of a successful answer; MalformedResponse when it is not one."""
    if not isinstance(body, dict) or "data" not in body:
        raise malformed("a JSON:API document without data")
    raw = body["data"]
    single = not isinstance(raw, list)
    items = [] if raw is None else [raw] if single else raw
    data = [read_resource(item) for item in items]
    included: dict[tuple[str, str], Resource] = {}
    raw_included = body.get("included") or []
    if not isinstance(raw_included, list):
        raise malformed("included is not a list")
    for item in raw_included:
        resource = read_resource(item, "included resource")
        included[(resource.type, resource.id)] = resource
    meta = body.get("meta")
    links = body.get("links")
    return Document(
        data=data,
        single=single,
        included=included,
        meta=meta if isinstance(meta, dict) else {},
        links=links if isinstance(links, dict) else {},
    )


@dataclass(frozen=True, slots=True)
class ErrorItem:
    status: int | None
    title: str
    detail: str
    pointer: str | None
    code: str | None

    @property
    def attribute(self) -> str | None:
        """The refused attribute a pointer names: "data/attributes/temp_url" -> "temp_url"."""
        if not self.pointer:
            return None
        return self.pointer.rstrip("/").rsplit("/", 1)[-1] or None


def _status(value: Any) -> int | None:
    """`status` is an int on some answers and a string on others."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def read_errors(body: Any) -> list[ErrorItem]:
    """The `errors` of an error answer; empty when the body holds none (or is not JSON:API)."""
    raw = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(raw, list):
        return []
    items: list[ErrorItem] = []
    for error in raw:
        if not isinstance(error, dict):
            continue
        raw_source = error.get("source")
        source: dict[str, Any] = raw_source if isinstance(raw_source, dict) else {}
        pointer = source.get("pointer") or source.get("parameter")
        title, detail, code = error.get("title"), error.get("detail"), error.get("code")
        items.append(
            ErrorItem(
                status=_status(error.get("status")),
                title=title if isinstance(title, str) else "",
                detail=detail if isinstance(detail, str) else "",
                pointer=pointer if isinstance(pointer, str) else None,
                code=code if isinstance(code, str) else None,
            )
        )
    return items
