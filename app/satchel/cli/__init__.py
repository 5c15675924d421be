"""The `satchel` command: one parser, one sub-command per module."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from satchel import __version__, log, tuning
from satchel.domain.errors import SatchelError
from satchel.domain.file_names import terminal_lines


def build_parser() -> argparse.ArgumentParser:
    # Here, not at the top: opening the window needs none of the commands' imports.
    from satchel.cli import accounts, browse, desktop, queue_commands, transfer

    parser = argparse.ArgumentParser(
        prog="satchel",
        description="The files attached to your boards and cards. No command: the window opens.",
        epilog="Exit codes: 0 ok, 1 unexpected, 2 usage, 3 sign in again, 4 not allowed, "
        "5 not found, 6 refused by the service, 7 service or network down (retry), "
        "8 malformed answer, 9 storage refused, 10 local file problem, 11 no keyring, "
        "130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"satchel {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open Satchel on the local demo service (a terminal tour where no display exists)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    accounts.register(commands)
    browse.register(commands)
    transfer.register(commands)
    queue_commands.register(commands)
    desktop.register(commands)
    # The service's own parser reads its flags: its imports (boto3, uvicorn) are heavy, and
    # only `satchel sandbox` should pay for them.
    sandbox = commands.add_parser(
        "sandbox", help="run the local service (demo and tests)", add_help=False
    )
    sandbox.set_defaults(handler=lambda _args: _run_sandbox([]))
    return parser


def _run_sandbox(sandbox_args: list[str]) -> int:
    try:
        from satchel.sandbox import runner
    except ImportError:
        print(
            "The local service needs the sandbox extra: pip install 'satchel[sandbox]'",
            file=sys.stderr,
        )
        return 2
    parser = argparse.ArgumentParser(
        prog="satchel sandbox", description="Satchel's local service over a real S3 store."
    )
    runner.add_arguments(parser)
    return runner.run(parser.parse_args(sandbox_args))


def _open_files(files: list[str], demo: bool) -> int:
    missing = [name for name in files if not Path(name).exists()]
    if missing:
        print(f"satchel: no such file: {', '.join(missing)}", file=sys.stderr)
        return 10
    if not _has_display():
        print(
            "satchel: opening files needs the window, and there is no display here. "
            "Use 'satchel upload CARD FILE…' instead.",
            file=sys.stderr,
        )
        return 2
    from satchel import main as desktop

    return desktop.run(sys.argv[:1], demo=demo, files=files)


def _has_display() -> bool:
    """Whether a window can be shown: a desktop session, or a Qt platform chosen by hand."""
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


#: Flags of the window itself (no command).
WINDOW_FLAGS = frozenset({"--demo", "-v", "-vv", "--verbose"})


def _wants_window(arguments: list[str]) -> bool:
    """No command, just the window's own flags, and a display: open the window right away,
    before the command line's parser and its imports (start-up time is measured)."""
    return _has_display() and all(a in WINDOW_FLAGS for a in arguments)


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _opened_files(arguments: list[str]) -> list[str] | None:
    """`satchel FILE…` ("Open with Satchel", the .desktop entry's %F): the arguments name
    files, not a command. None when they are a command line."""
    positional = [a for a in arguments if a not in WINDOW_FLAGS]
    if not positional or any(a.startswith("-") for a in positional):
        return None
    if all(Path(a).exists() for a in positional) or any(
        sep in positional[0] for sep in ("/", "\\", ".")
    ):
        return None if positional[0] in _command_names(build_parser()) else positional
    return None


def main(argv: Sequence[str] | None = None) -> int:
    tuning.tune_allocator()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sandbox"]:
        return _run_sandbox(arguments[1:])
    if _wants_window(arguments):
        from satchel import main as desktop

        return desktop.run(sys.argv[:1], demo="--demo" in arguments)
    if (files := _opened_files(arguments)) is not None:
        return _open_files(files, demo="--demo" in arguments)
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.command != "sandbox":
        log.configure([logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)])
    try:
        if args.command is None:
            if not _has_display():
                if args.demo:
                    from satchel.cli import demo
                    from satchel.local_service import no_demo_reason

                    no_demo = no_demo_reason()
                    if no_demo:
                        print(no_demo, file=sys.stderr)
                        return 2

                    print("No display here: showing the command-line tour instead.\n")
                    return demo.run(args)
                parser.print_help()
                return 0
            from satchel import main as desktop

            return desktop.run(sys.argv[:1], demo=args.demo)
        code: int = args.handler(args)
        return code
    except SatchelError as error:
        print(f"satchel: {terminal_lines(error.message)}", file=sys.stderr)
        if error.detail and args.verbose:
            said = terminal_lines(log.redact(error.detail))
            print(f"satchel: the service said: {said}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("satchel: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line says so; --verbose shows the traceback
        print(
            f"satchel: unexpected failure ({type(error).__name__}: {log.redact(str(error))}). "
            "This is a bug in Satchel: please report it, with the output of --verbose.",
            file=sys.stderr,
        )
        if args.verbose:
            import traceback

            print(log.redact(traceback.format_exc()), file=sys.stderr)
        return 1
