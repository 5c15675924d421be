"""Reading Productive resources into JSON:API documents: filters, sorts, pages, include."""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from starlette.datastructures import URL

from satchel.sandbox.productive import jsonapi
from satchel.sandbox.productive.jsonapi import JsonApiError, Query, bad_parameter
from satchel.sandbox.productive.resources import KINDS, Context, Kind
from satchel.sandbox.productive.store import ProductiveStore


class Reader:
    """One organization's view of the resources."""

    def __init__(self, store: ProductiveStore, tenant_id: str, context: Context) -> None:
        self.store = store
        self.tenant_id = tenant_id
        self.context = context

    # -- SQL ----------------------------------------------------------------------

    def _where(self, kind: Kind, query: Query) -> tuple[str, list[object]]:
        clauses = ["tenant_id = ?"]
        params: list[object] = [self.tenant_id]
        for name, value in query.filters.items():
            condition = kind.filters.get(name)
            if condition is None:
                raise bad_parameter(
                    "Unsupported Filter",
                    f"{name} is not a supported filter for {kind.type}.",
                    f"filter[{name}]",
                )
            sql, values = condition(value)
            clauses.append(sql)
            params.extend(values)
        return " AND ".join(clauses), params

    def _order(self, kind: Kind, query: Query) -> str:
        parts = []
        for item in query.sort:
            column = kind.sorts.get(item.lstrip("-"))
            if column is None:
                raise bad_parameter(
                    "Unsupported Sort", f"{item} is not a supported sort for {kind.type}.", "sort"
                )
            parts.append(f"{column} {'DESC' if item.startswith('-') else 'ASC'}")
        return ", ".join([*parts, "rid ASC"])

    def rows_by_id(self, kind: Kind, ids: list[int]) -> list[sqlite3.Row]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.store.rows(
            f"SELECT * FROM ({kind.sql}) WHERE tenant_id = ? AND rid IN ({marks}) ORDER BY rid",  # noqa: S608 - our SQL, values bound
            (self.tenant_id, *ids),
        )

    # -- documents ------------------------------------------------------------------

    def collection(self, type_name: str, query: Query, url: URL) -> dict[str, Any]:
        kind = KINDS[type_name]
        where, params = self._where(kind, query)
        self._check_include(kind, query.include)
        base = f"SELECT * FROM ({kind.sql}) WHERE {where}"  # noqa: S608 - our SQL, values bound
        size = query.page_size
        links: dict[str, str] = {}
        if query.after is not None:
            if query.sort:
                raise JsonApiError(
                    400, "Unsupported Sort", "Cursor pages are ordered by id only.",
                    parameter="sort", status_as_text=True,
                    extra={"code": "keyset_unsupported_sort"},
                )  # fmt: skip
            after = jsonapi.decode_cursor(query.after)
            rows = self.store.rows(
                f"{base} AND rid > ? ORDER BY rid LIMIT ?", (*params, after, size + 1)
            )
            more, rows = len(rows) > size, rows[:size]
            if more:
                cursor = jsonapi.encode_cursor(rows[-1]["rid"])
                links["next"] = str(url.include_query_params(**{"page[after]": cursor}))
            meta: dict[str, Any] = {"page_size": size}
        else:
            counted = self.store.one(f"SELECT COUNT(*) AS n FROM ({base})", tuple(params))  # noqa: S608
            total = int(counted["n"]) if counted else 0
            pages = max(1, math.ceil(total / size))
            number = query.page_number
            rows = self.store.rows(
                f"{base} ORDER BY {self._order(kind, query)} LIMIT ? OFFSET ?",
                (*params, size, (number - 1) * size),
            )
            meta = {
                "current_page": number, "total_pages": pages, "total_count": total,
                "page_size": size, "max_page_size": jsonapi.MAX_PAGE_SIZE,
            }  # fmt: skip
            links = self._page_links(url, number, pages)
        return self._document(kind, rows, query, many=True, meta=meta, links=links)

    def single(self, type_name: str, rid: int, query: Query) -> dict[str, Any]:
        kind = KINDS[type_name]
        self._check_include(kind, query.include)
        rows = self.rows_by_id(kind, [rid])
        if not rows:
            raise jsonapi.not_found()
        return self._document(kind, rows, query, many=False)

    def row(self, type_name: str, rid: int) -> sqlite3.Row:
        rows = self.rows_by_id(KINDS[type_name], [rid])
        if not rows:
            raise jsonapi.not_found()
        return rows[0]

    @staticmethod
    def _page_links(url: URL, number: int, pages: int) -> dict[str, str]:
        def at(page: int) -> str:
            return str(url.include_query_params(**{"page[number]": page}))

        links = {"first": at(1), "last": at(pages)}
        if number < pages:
            links["next"] = at(number + 1)
        if number > 1:
            links["prev"] = at(number - 1)
        return links

    def _check_include(self, kind: Kind, include: list[str]) -> None:
        for path in include:
            current = kind
            for name in path.split("."):
                relation = current.relations.get(name)
                if relation is None:
                    raise bad_parameter(
                        "Unsupported Include",
                        f"{path} is not a supported include for {kind.type}.",
                        "include",
                    )
                current = KINDS[relation.type]

    def _document(
        self,
        kind: Kind,
        rows: list[sqlite3.Row],
        query: Query,
        *,
        many: bool,
        meta: dict[str, Any] | None = None,
        links: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        included: dict[tuple[str, int], dict[str, Any]] = {}
        data = [self._resource(kind, row, query, query.include, included) for row in rows]
        body: dict[str, Any] = {"data": data if many else data[0]}
        if query.include:
            body["included"] = list(included.values())
        if meta:
            body["meta"] = meta
        if links:
            body["links"] = links
        return body

    def _related_ids(self, kind: Kind, name: str, row: sqlite3.Row) -> list[int] | int | None:
        relation = kind.relations[name]
        if relation.column is not None:
            value = row[relation.column]
            return None if value is None else int(value)
        assert relation.many_sql is not None
        return [int(r[0]) for r in self.store.rows(relation.many_sql, (row["rid"],))]

    def _resource(
        self,
        kind: Kind,
        row: sqlite3.Row,
        query: Query,
        include: list[str],
        included: dict[tuple[str, int], dict[str, Any]],
    ) -> dict[str, Any]:
        wanted = query.fields.get(kind.type)
        heads = {path.split(".")[0] for path in include}
        attributes = kind.attributes(row, self.context)
        relationships: dict[str, Any] = {}
        for name, relation in kind.relations.items():
            if name not in heads:
                relationships[name] = {"meta": {"included": False}}
                continue
            ids = self._related_ids(kind, name, row)
            if isinstance(ids, list):
                relationships[name] = {"data": [{"type": relation.type, "id": str(i)} for i in ids]}
            else:
                ref = None if ids is None else {"type": relation.type, "id": str(ids)}
                relationships[name] = {"data": ref}
            related = KINDS[relation.type]
            rest = [p.split(".", 1)[1] for p in include if p.startswith(name + ".")]
            id_list = ids if isinstance(ids, list) else [] if ids is None else [ids]
            for related_row in self.rows_by_id(related, id_list):
                key = (related.type, int(related_row["rid"]))
                if key not in included:
                    included[key] = {}  # placeholder first: a cycle ends here
                    included[key] = self._resource(related, related_row, query, rest, included)
        if wanted is not None:
            attributes = {k: v for k, v in attributes.items() if k in wanted}
            relationships = {k: v for k, v in relationships.items() if k in wanted}
        resource: dict[str, Any] = {
            "id": str(row["rid"]),
            "type": kind.type,
            "attributes": attributes,
            "relationships": relationships,
        }
        return resource
