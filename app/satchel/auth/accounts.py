"""The account list: which services the user signed in to. Never holds a secret."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from satchel.domain.errors import NotFound, UsageError
from satchel.domain.model import Account
from satchel.local_files import create_new, private_folder, sync_folder, temporary_beside

ACCOUNTS_FILE = "accounts.json"


class AccountStore:
    """accounts.json in the config dir, written atomically."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / ACCOUNTS_FILE

    def load(self) -> list[Account]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as error:
            raise UsageError(
                f"The account list at {self.path} cannot be read ({error}). "
                "Fix or remove that file, then add your accounts again."
            ) from error
        return [
            Account(
                name=str(item["name"]),
                kind=str(item["kind"]),
                url=str(item["url"]),
                options={str(k): str(v) for k, v in dict(item.get("options", {})).items()},
            )
            for item in raw.get("accounts", [])
        ]

    def save(self, accounts: list[Account]) -> None:
        private_folder(self.path.parent)
        payload = json.dumps({"accounts": [asdict(a) for a in accounts]}, indent=2)
        temp_path = temporary_beside(self.path)
        try:
            with create_new(temp_path, 0o600) as temp:
                temp.write(payload.encode("utf-8"))
                temp.flush()
                os.fsync(temp.fileno())  # on the disk before it replaces the old list
            temp_path.replace(self.path)
            sync_folder(self.path.parent)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise

    def add(self, account: Account) -> None:
        accounts = [a for a in self.load() if a.name != account.name]
        self.save([*accounts, account])

    def remove(self, name: str) -> Account:
        accounts = self.load()
        found = self.find(name, accounts)
        self.save([a for a in accounts if a.name != found.name])
        return found

    def find(self, name: str | None, accounts: list[Account] | None = None) -> Account:
        """The named account, or the only one when no name is given."""
        accounts = self.load() if accounts is None else accounts
        if name is None:
            if len(accounts) == 1:
                return accounts[0]
            if not accounts:
                raise NotFound(
                    "No account is set up. Add one with 'satchel account add bearer --url URL'."
                )
            names = ", ".join(a.name for a in accounts)
            raise UsageError(f"There are several accounts ({names}); pick one with --account NAME.")
        for account in accounts:
            if account.name == name:
                return account
        raise NotFound(f"There is no account named {name!r}. 'satchel account list' shows them.")
