"""Entry point of the `renubu` command."""

from __future__ import annotations

import argparse
import sys

from cli import apikey, approvals, user
from cli.errors import EPILOG, OK, CliError


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="renubu", description="Renubu from the command line.", epilog=EPILOG)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    approvals.register(commands)
    apikey.register(commands)
    user.register(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.handler(args)
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.code
    return OK


if __name__ == "__main__":
    sys.exit(main())
