"""`python -m satchel.sandbox`: the same service as `satchel sandbox`."""

import argparse

from satchel.sandbox.runner import add_arguments, run

parser = argparse.ArgumentParser(
    prog="python -m satchel.sandbox",
    description="Satchel's local service: the bearer-key API over SQLite and a local S3.",
)
add_arguments(parser)
raise SystemExit(run(parser.parse_args()))
