"""The local service's Productive organization, for tests: its handout and a few calls."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any

import httpx

from satchel.providers.pacing import Pacer
from satchel.providers.productive import ProductiveProvider
from satchel.sandbox.productive.demo import create_organization
from satchel.sandbox.productive.store import ProductiveStore
from satchel.sandbox.store import Store
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import put_demo_files

MEDIA = "application/vnd.api+json"


@dataclass(frozen=True)
class ProductiveDemo:
    base_url: str
    organization_id: str
    token: str
    read_only_token: str
    storage_url: str
    files_url: str

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/v2"

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {
            "Content-Type": MEDIA,
            "X-Auth-Token": token or self.token,
            "X-Organization-Id": self.organization_id,
        }
        return httpx.Client(base_url=self.api_url, headers=headers, timeout=30)

    def provider(self, token: str | None = None, **kwargs: Any) -> ProductiveProvider:
        """A provider on this organization; generous pacers (the service still limits)."""
        kwargs.setdefault("pacers", (Pacer(10_000, 1.0),))
        return ProductiveProvider(
            self.base_url,
            token or self.token,
            self.organization_id,
            storage_url=self.storage_url,
            app_url=self.base_url,
            **kwargs,
        )

    def task_id(self, api: httpx.Client, title: str) -> str:
        tasks = api.get("/tasks", params={"page[size]": "200"}).json()["data"]
        return str(next(t["id"] for t in tasks if t["attributes"]["title"] == title))

    def attachment_ids(self, api: httpx.Client, task_id: str) -> list[str]:
        rows = api.get(
            "/attachments", params={"filter[task_id]": task_id, "page[size]": "200"}
        ).json()["data"]
        return [r["id"] for r in rows if r["attributes"]["deleted_at"] is None]

    def create(self, api: httpx.Client, name: str, content: bytes) -> dict[str, Any]:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        attributes = {
            "name": name, "content_type": content_type, "size": len(content),
            "attachable_type": "task",
        }  # fmt: skip
        answer = api.post(
            "/attachments", json={"data": {"type": "attachments", "attributes": attributes}}
        )
        assert answer.status_code == 201, answer.text
        data: dict[str, Any] = answer.json()["data"]
        return data

    def link(self, api: httpx.Client, task_id: str, ids: list[str]) -> None:
        data = [{"type": "attachments", "id": i} for i in ids]
        body = {
            "data": {
                "type": "tasks",
                "id": task_id,
                "relationships": {"attachments": {"data": data}},
            }
        }
        answer = api.patch(f"/tasks/{task_id}", json=body)
        assert answer.status_code == 200, answer.text

    def upload_by_hand(self, api: httpx.Client, task_id: str, name: str, content: bytes) -> str:
        """Another client's whole upload: the four steps, linking by read–merge–write."""
        created = self.create(api, name, content)
        fields = created["attributes"]["aws_policy"]
        with httpx.Client(timeout=30) as storage:
            sent = storage.post(self.storage_url, data=fields, files={"file": (name, content)})
            assert sent.status_code == 201, sent.text
        confirm = {
            "data": {
                "type": "attachments", "id": created["id"],
                "attributes": {"temp_url": f"{self.storage_url}/{fields['key']}"},
            }
        }  # fmt: skip
        assert api.patch(f"/attachments/{created['id']}", json=confirm).status_code == 200
        self.link(api, task_id, [*self.attachment_ids(api, task_id), created["id"]])
        return str(created["id"])


def demo_of(service: SandboxInfo) -> ProductiveDemo:
    handout = service.ready["productive"]
    return ProductiveDemo(
        base_url=service.base_url,
        organization_id=handout["organization_id"],
        token=handout["token"],
        read_only_token=handout["read_only_token"],
        storage_url=handout["storage_url"],
        files_url=handout["files_url"],
    )


def new_organization(service: SandboxInfo) -> ProductiveDemo:
    """A new organization with the demo's projects, tasks and files and its own tokens,
    made in the service's store as Productive makes one for a new customer: a test module
    that changes it changes what no other module reads."""
    with Store(service.data_dir / "satchel.db") as store:
        made = create_organization(ProductiveStore(store))
    put_demo_files(service, made.pending)
    handout = service.ready["productive"]
    return ProductiveDemo(
        base_url=service.base_url,
        organization_id=made.id,
        token=made.token,
        read_only_token=made.read_only_token,
        storage_url=handout["storage_url"],
        files_url=handout["files_url"],
    )
