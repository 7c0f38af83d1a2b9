"""Command line: `python -m workshop checkpoint LESSON DEST` and `python -m workshop audit PATH`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workshop.checkpoints import checkpoint


def main(argv: list[str] | None = None) -> int:
    """Run the subcommand named first in argv."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["audit"]:
        from workshop.audit import main as audit_main

        return audit_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m workshop")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("checkpoint", help="write the project as it stands at the start of a lesson")
    make.add_argument("lesson", help="a lesson number like 02, or 'final' for after the last lesson")
    make.add_argument("dest", type=Path, help="an empty or new folder to write it to")
    commands.add_parser("audit", help="score a Django project against the twelve factors (see audit --help)")
    args = parser.parse_args(argv)
    if args.dest.exists() and any(args.dest.iterdir()):
        parser.error(f"{args.dest} is not empty; give a new or empty folder")
    try:
        checkpoint(args.lesson, args.dest)
    except ValueError as error:
        parser.error(str(error))
    print(f"Wrote the project at the start of lesson {args.lesson} to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
