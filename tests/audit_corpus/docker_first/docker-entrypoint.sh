#!/bin/sh
# Bring the database up to date, then run the container's command.
set -e

python manage.py migrate --noinput

exec "$@"
