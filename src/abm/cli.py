"""The `abm` command: a thin face over the package's public functions.

Each subcommand lives in its own ``abm.cli_<name>`` module exposing ``register(sub)``;
add a module name to ``COMMANDS`` to add a subcommand.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from abm import __version__
from abm.errors import ParameterError

COMMANDS = ["epstein", "run", "analysis", "sweep", "dashboard"]


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


if __name__ == "__main__":
    sys.exit(main())
