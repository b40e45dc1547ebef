"""The `abm` command: a thin face over the package's public functions.

Each subcommand lives in its own ``abm.cli_<name>`` module exposing ``register(sub)``;
add a module name to ``COMMANDS`` to add a subcommand.

Bad input ends in one line naming the field, the value and what is allowed (exit 2), as do
the operating system's refusals (a full disk, a folder without permission); any other
exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from abm import __version__
from abm.errors import ParameterError

COMMANDS = ["epstein", "run", "branch", "analysis", "sweep", "calibrate", "dashboard"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="abm",
        description="Agent-based simulation of Belarus's choice in Russia's war on Ukraine.",
    )
    parser.add_argument("--version", action="version", version=f"abm {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"abm.cli_{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ParameterError as exc:
        print(f"abm {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        # a file that is not UTF-8 text; commands that read files name them in a
        # ParameterError, this is the net for any other reader
        print(f"abm {args.command}: error: a file is not UTF-8 text ({exc})", file=sys.stderr)
        return 2
    except OSError as exc:
        # the machine's refusal (disk full, permission denied, a path that is a file): one
        # line naming the file; any other exception is a bug and keeps its traceback
        print(f"abm {args.command}: error: {_describe(exc)}", file=sys.stderr)
        return 2


def _describe(exc: OSError) -> str:
    if exc.filename is None:
        return str(exc)
    return f"{exc.strerror or exc}: {exc.filename}"


if __name__ == "__main__":
    sys.exit(main())
