#!/usr/bin/env sh
# Refuse to serve an unsafe configuration, then migrate and start.
set -eu
python manage.py check --deploy --fail-level ERROR
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
exec "$@"
