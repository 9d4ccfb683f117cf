#!/usr/bin/env sh
# Refuse to serve an unsafe configuration, then run the container's command:
#   migrate  the release step (docker-compose `migrate` service, run once per release):
#            apply the migrations, collect the static files, exit
#   worker   the background worker (docker-compose `worker`): runs queued tasks
#   anything else, e.g. the image's CMD (daphne): run as given
# Serving containers never migrate: with several replicas they would race on the schema.
set -eu
python manage.py check --deploy --fail-level ERROR
case "${1:-}" in
  migrate)
    shift
    python manage.py migrate --noinput "$@"
    # The daily certificate round, kept going by the worker (queued once if none waits).
    python manage.py training_certificates
    # The daily round of meeting action reminders, likewise.
    python manage.py meeting_reminders
    exec python manage.py collectstatic --noinput --verbosity 0
    ;;
  worker)
    shift
    exec python manage.py db_worker --interval 1 "$@"
    ;;
esac
exec "$@"
