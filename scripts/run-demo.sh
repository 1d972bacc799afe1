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
# Generates zuid and klein, writes each as a workbook and imports it (unless present); prints the demo logins.
"$PY" manage.py load_demo

# Solve and publish each demo district once (skipped when a version is
# published), in this process, before the worker starts, so the pages show a
# published schedule. DEMO_SOLVE_WAIT="klein" solves only klein here and queues
# zuid for the worker instead (publish its draft at /schedules/zuid/).
DEMO_SOLVE_WAIT="${DEMO_SOLVE_WAIT:-klein zuid}"
for spec in klein:30 zuid:60; do
    code="${spec%%:*}"
    limit="${DEMO_TIME_LIMIT:-${spec##*:}}"
    if [[ " $DEMO_SOLVE_WAIT " == *" $code "* ]]; then
        "$PY" manage.py solve_district "$code" --wait --skip-if-published \
            --time-limit "$limit" \
            && "$PY" manage.py publish_schedule "$code" --skip-if-published \
            || echo "Could not solve and publish $code; solve it at /schedules/$code/." >&2
    else
        "$PY" manage.py solve_district "$code" --skip-if-published --skip-if-pending \
            --time-limit "$limit" \
            || echo "Could not queue a solve of $code; solve it at /schedules/$code/." >&2
    fi
done

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
echo "Serving http://127.0.0.1:$PORT/admin/ (schedules: /schedules/zuid/) with the task worker (pid $WORKER); Ctrl-C stops both."
# Returns when the server stops (or a signal arrives); `stop` then ends the worker too.
wait "$SERVER"
