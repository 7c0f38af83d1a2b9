#!/bin/sh
# Set everything up in .venv/, then either open the workshop or run its whole test suite.
#   ./run.sh lab    set up, then open the notebooks in JupyterLab (options go to jupyter lab)
#   ./run.sh test   set up, then run every test and notebook (as CI does)
set -eu
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 13)))' 2>/dev/null; then
    echo "The workshop needs Python 3.10 to 3.13; '$PYTHON' is not one of them." >&2
    echo "Install one, then run for example: PYTHON=python3.12 ./run.sh $*" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# Install again only when requirements.txt has changed since the last install.
if ! cmp -s requirements.txt .venv/installed-requirements.txt; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    cp requirements.txt .venv/installed-requirements.txt
fi

case "${1:-}" in
    lab)
        shift
        # Jupyter refuses to run as root unless told to (as in many containers).
        if [ "$(id -u)" = 0 ]; then set -- --allow-root "$@"; fi
        exec .venv/bin/jupyter lab "$@" notebooks/00_welcome.ipynb ;;
    test)
        shift
        exec .venv/bin/python -m pytest -n auto --dist loadscope --report-checks "$@" ;;
    *)
        echo "usage: ./run.sh lab | ./run.sh test [pytest options]" >&2
        exit 2 ;;
esac
