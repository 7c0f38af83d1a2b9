"""Check that every pin in requirements.txt and requirements-dev.txt has a binary wheel for each supported Python and platform.

    python scripts/check_wheels.py                          # Pythons 3.10 to 3.14 on four platforms
    python scripts/check_wheels.py --python 3.14 --platform macos-arm64

No interpreter of those versions is needed: pip is asked, for each Python and platform, to
`pip download --only-binary=:all: --python-version X --platform P --no-deps` every pin. So a
learner's `pip install -r requirements.txt` there will download wheels and compile nothing.
It needs the package index, so it is a maintainers' script, not part of the test suite.
Prints a table, then each gap; exits 1 if there is any gap, 2 if pip failed for another reason.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]


def manylinux(arch: str, glibc_minor: int) -> list[str]:
    """pip's --platform values for Linux with glibc 2.glibc_minor: pip itself does not widen manylinux_2_28 to older tags."""
    return [f"manylinux_2_{minor}_{arch}" for minor in range(glibc_minor, 4, -1)] + [f"manylinux2014_{arch}"]


#: The platforms learners use, and the oldest system of each we promise: glibc 2.28 (Debian 10,
#: Ubuntu 20.04, RHEL 8 and later) and macOS 13. pip widens a macOS tag to older releases itself.
PLATFORMS = {
    "linux-x86_64": manylinux("x86_64", 28),
    "linux-aarch64": manylinux("aarch64", 28),
    "macos-arm64": ["macosx_13_0_arm64"],
    "macos-x86_64": ["macosx_13_0_x86_64"],
}
MISSING = re.compile(r"No matching distribution found for (\S+)")


def pins(requirements: Path) -> list[str]:
    """Every `name==version` line of the requirements file and the files it includes with `-r`."""
    text = requirements.read_text()
    included = [pin for name in re.findall(r"(?m)^-r\s+(\S+)", text) for pin in pins(requirements.parent / name)]
    return included + re.findall(r"(?m)^[A-Za-z0-9][A-Za-z0-9_.-]*==\S+", text)


def gaps(python: str, platform: str, wanted: list[str]) -> list[str]:
    """The pins that have no binary wheel for this Python and platform (pip asked again without each gap found)."""
    missing: list[str] = []
    left = list(wanted)
    with tempfile.TemporaryDirectory() as folder:
        while left:
            command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                       "--no-deps", "--only-binary=:all:", "--python-version", python, "--implementation", "cp",
                       *(f"--platform={tag}" for tag in PLATFORMS[platform]), "--dest", folder, *left]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode == 0:
                break
            found = MISSING.search(done.stderr)
            if not found or found.group(1) not in left:
                raise RuntimeError(f"pip failed for Python {python} on {platform}:\n{done.stderr.strip()}")
            missing.append(found.group(1))
            left.remove(found.group(1))
    return missing


def main() -> int:
    """Ask pip about every (Python, platform) pair, print the table and the gaps."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", choices=PYTHONS, help="only this Python (repeatable)")
    parser.add_argument("--platform", action="append", choices=list(PLATFORMS), help="only this platform (repeatable)")
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements-dev.txt",
                        help="default: requirements-dev.txt, which includes requirements.txt")
    args = parser.parse_args()
    pythons, platforms, wanted = args.python or PYTHONS, args.platform or list(PLATFORMS), pins(args.requirements)
    cells = [(python, platform) for platform in platforms for python in pythons]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = dict(zip(cells, pool.map(lambda cell: gaps(*cell, wanted), cells)))
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"{len(wanted)} pins from {args.requirements.name}; each cell: the pins with no binary wheel there\n")
    print(f"| platform | {' | '.join(f'Python {p}' for p in pythons)} |")
    print(f"| --- |{' --- |' * len(pythons)}")
    for platform in platforms:
        row = [f"{len(results[python, platform])} missing" if results[python, platform] else "all wheels"
               for python in pythons]
        print(f"| {platform} | {' | '.join(row)} |")
    missing = [(pin, python, platform) for (python, platform), pins_ in results.items() for pin in pins_]
    for pin, python, platform in missing:
        print(f"no wheel: {pin} for Python {python} on {platform}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
