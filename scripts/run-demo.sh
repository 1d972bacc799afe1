#!/usr/bin/env bash
# The demo (`make run`): migrate, load the demo districts, then serve the app on
# 127.0.0.1:PORT with the database task worker beside it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${1:-8000}"
PY="${PYTHON:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"

mkdir -p var
"$PY" manage.py migrate --noinput
# Generates and loads zuid and klein unless present; always prints the demo logins.
"$PY" manage.py load_demo

# --- Solving the demo districts on start: a later issue adds it here. ---

WORKER=""
SERVER=""
stop() {
    trap - EXIT INT TERM
    for pid in $SERVER $WORKER; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PY" manage.py db_worker --no-reload &
WORKER=$!
"$PY" manage.py runserver --noreload "127.0.0.1:$PORT" &
SERVER=$!
echo "Serving http://127.0.0.1:$PORT/admin/ with the task worker (pid $WORKER); Ctrl-C stops both."
# Returns when the server stops (or a signal arrives); `stop` then ends the worker too.
wait "$SERVER"
