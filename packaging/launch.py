"""The bundle's entry point: the same `satchel` command a pip install gives."""

from satchel.cli import main

raise SystemExit(main())
