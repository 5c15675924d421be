"""An import-linter contract for what its own "forbidden" type cannot say: grimp keeps an
external package as one module, so "models import no PySide6.QtWidgets" needs the import
lines. Registered in pyproject.toml under [tool.importlinter] contract_types."""

from __future__ import annotations

from typing import Any

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ForbiddenSubmoduleContract(Contract):
    """No module under `source_modules` imports `forbidden_submodule` of an external package."""

    source_modules = fields.ListField(subfield=fields.StringField())
    forbidden_submodule = fields.StringField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        package = self.forbidden_submodule.split(".")[0]
        offenders: list[dict[str, Any]] = []
        for source in self.source_modules:
            for module in sorted({source, *graph.find_descendants(source)}):
                for detail in graph.get_import_details(importer=module, imported=package):
                    if self.forbidden_submodule in detail["line_contents"]:
                        offenders.append(detail)
        return ContractCheck(kept=not offenders, metadata={"offenders": offenders})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for detail in check.metadata["offenders"]:
            output.print_error(
                f"{detail['importer']}:{detail['line_number']}: {detail['line_contents']}"
            )
