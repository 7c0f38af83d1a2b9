#!/bin/sh
# Set everything up in .venv/, then open the workshop, check this machine, or run the test suite.
#   ./run.sh lab     set up, then open JupyterLab on lesson 00 (options go to jupyter lab)
#   ./run.sh check   set up, then check that this machine is ready for the workshop
#   ./run.sh test    set up, then run every test and notebook, as CI does (options go to pytest)
# Which Python makes .venv/: $PYTHON if you set it; otherwise the one .venv/ was made with;
# otherwise the first of python3, python3.14, ..., python3.10 that runs and is 3.10 to 3.14.
set -eu
cd "$(dirname "$0")"

case "${1:-}" in
    lab | check | test) ;;
    *)
        echo "usage: ./run.sh lab [jupyter lab options] | ./run.sh check | ./run.sh test [pytest options]" >&2
        exit 2 ;;
esac
command="$1"
shift

# The version ("3.12.1") of the interpreter named $1, in $version; or why it won't do, in $why.
usable() {
    if ! command -v "$1" >/dev/null 2>&1; then
        why="'$1' is not on PATH."
        return 1
    fi
    if ! version=$("$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>&1); then
        why="'$1' ($(command -v "$1")) is there but does not run. It says:
$(printf '%s\n' "$version" | head -n 6 | sed 's/^/    /')"
        return 1
    fi
    case "$version" in
        3.1[0-4].*) return 0 ;;
        *) why="'$1' is Python $version; the workshop needs Python 3.10 to 3.14."; return 1 ;;
    esac
}

# The Pythons on PATH that would do, for the error messages: "python3.12 (3.12.1), ...".
others_that_work() {
    found=""
    for candidate in python3 python3.14 python3.13 python3.12 python3.11 python3.10; do
        if usable "$candidate"; then found="$found${found:+, }$candidate ($version)"; fi
    done
    printf '%s' "$found"
}

refuse() {  # $1: why the Python asked for won't do
    echo "$1" >&2
    working=$(others_that_work)
    if [ -n "$working" ]; then
        echo "Pythons here that will do: $working. For example: PYTHON=${working%% *} ./run.sh $command" >&2
    else
        echo "No Python 3.10 to 3.14 is on PATH. Install one (docs/setup.md says how), then run ./run.sh $command again." >&2
    fi
    exit 1
}

# What .venv/ holds now: $venv is "none", "broken", or its Python's version.
venv=none
if [ -e .venv ]; then
    if [ -x .venv/bin/python ] && venv=$(.venv/bin/python -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null); then
        case "$venv" in 3.1[0-4].*) ;; *) venv="broken: it has Python $venv" ;; esac
    else
        venv="broken: its Python does not run"
    fi
fi
minor() { echo "$1" | cut -d. -f1-2; }

if [ -n "${PYTHON:-}" ]; then
    usable "$PYTHON" || refuse "$why"
    case "$venv" in
        none) ;;
        broken*) echo "The environment in .venv/ is $venv; making it anew with $PYTHON (Python $version)." >&2
                 rm -rf .venv ;;
        *) if [ "$(minor "$venv")" != "$(minor "$version")" ]; then
               echo "The environment in .venv/ has Python $venv; PYTHON=$PYTHON is Python $version: making .venv/ anew with it." >&2
               rm -rf .venv
           fi ;;
    esac
elif [ "$venv" = none ] || [ "${venv#broken}" != "$venv" ]; then
    if [ "$venv" != none ]; then
        echo "The environment in .venv/ is $venv; making it anew." >&2
        rm -rf .venv
    fi
    if usable python3; then
        PYTHON=python3
    else
        first_why="$why"
        for candidate in python3.14 python3.13 python3.12 python3.11 python3.10; do
            if usable "$candidate"; then PYTHON=$candidate; break; fi
        done
        [ -n "${PYTHON:-}" ] || refuse "$first_why"
        echo "Using $PYTHON (Python $version): $first_why" >&2
    fi
fi

if [ ! -e .venv ]; then
    echo "Making the workshop's environment in .venv/ with $PYTHON (Python $version)..." >&2
    if ! "$PYTHON" -m venv .venv; then
        rm -rf .venv
        echo "Could not make .venv/ with $PYTHON: its error is above. On Debian or Ubuntu, install the venv module first: sudo apt install python$(minor "$version")-venv" >&2
        exit 1
    fi
fi
# Install again only when a requirements file has changed since its last install. The test suite
# also needs the maintainers' tools in requirements-dev.txt (a browser driver, linters).
install() {  # $1: the requirements file
    if ! cmp -s "$1" ".venv/installed-$1"; then
        echo "Installing the pinned $1 into .venv/ (the first time takes a few minutes)..." >&2
        if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"; then
            echo "Installing $1 failed: pip's error is above. Behind a proxy? docs/setup.md says what to set." >&2
            exit 1
        fi
        if [ "$1" = requirements.txt ]; then app_wheels; fi
        cp "$1" ".venv/installed-$1"
    fi
}
# The wheels of the lessons' app, at the versions requirements.txt pins (its lines ending in "# app"), in
# .venv/wheels/: lesson 05 installs the app from there alone, with no package index (jupyter-config/uv.toml
# says so to uv), so that it needs no network and installs the same versions everywhere. pip's cache holds
# them already, from the install above.
app_wheels() {
    sed -n '/# app$/p' requirements.txt > .venv/app-requirements.txt
    rm -rf .venv/wheels
    if ! .venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
            --dest .venv/wheels -r .venv/app-requirements.txt; then
        echo "Downloading the app's wheels into .venv/wheels/ failed: pip's error is above." >&2
        exit 1
    fi
}
install requirements.txt
if [ "$command" = test ]; then install requirements-dev.txt; fi

case "$command" in
    lab)
        # jupyter-config/ holds the workshop's JupyterLab settings: the repository served, dotfiles
        # shown, terminals with .venv/ active. Your own Jupyter config is read as well.
        JUPYTER_CONFIG_PATH="$PWD/jupyter-config${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
        VIRTUAL_ENV="$PWD/.venv"
        PATH="$VIRTUAL_ENV/bin:$PATH"
        export JUPYTER_CONFIG_PATH VIRTUAL_ENV PATH
        # Jupyter refuses to run as root unless told to (as in many containers).
        if [ "$(id -u)" = 0 ]; then set -- --allow-root "$@"; fi
        exec .venv/bin/jupyter lab "$@" ;;
    check)
        exec .venv/bin/python -m workshop.preflight "$@" ;;
    test)
        exec .venv/bin/python -m pytest -n auto --dist loadscope --no-loadscope-reorder --report-checks "$@" ;;
esac
