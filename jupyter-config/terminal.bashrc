# The shell of the workshop's JupyterLab terminals (jupyter_server_config.py starts it):
# your own ~/.bashrc first, then the workshop's .venv/ activated, so that python, honcho and
# django-admin are the workshop's. In any other terminal, from the workshop's folder:
#   source .venv/bin/activate
# uv gets the lessons' settings, jupyter-config/uv.toml (the app's packages from .venv/wheels/, no index), and
# the workshop's Python for the environments it makes.
if [ -f ~/.bashrc ]; then
    . ~/.bashrc
fi
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv/bin/activate"
export UV_CONFIG_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/uv.toml"
export UV_PYTHON="$VIRTUAL_ENV/bin/python"
