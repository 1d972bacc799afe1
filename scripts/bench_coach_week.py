"""The coach's week under load (issue 6): 20 signed-in coaches against a multi-process server.

    .venv/bin/python scripts/bench_coach_week.py [--clients 20] [--seconds 30] [--workers 2]

1. The demo district (zuid, ~8,000 pupils) solved and published, in a SQLite file
   of its own (``--source``; built once when missing: migrate, ``load_demo --only
   zuid``, ``solve_district zuid --wait --time-limit 60``, ``publish_schedule
   zuid``; about 2 minutes). Each run copies it to ``--database`` and migrates
   the copy, so the source stays as built.
2. In the copy: ``--clients`` coach accounts, each linked to a coach of the
   district with sessions in the published version (the demo's ``coach``
   first, then by code), all with the same bench password.
3. Starts the server (gunicorn, ``config.wsgi``, settings ``config.settings.bench``:
   DEBUG off, persistent database connections, a ``Server-Timing`` header) on
   the loopback interface, and stops it at the end.
4. Each client signs in through the sign-in form (its own session cookie),
   warms up, then asks for ``/schedules/me/week/`` in a closed loop (no think
   time) on its own connection for ``--seconds``.
5. Prints a Markdown table: client latency (sending the request to the last
   byte of the answer, as the client sees it, queueing included) and server
   time (the ``Server-Timing`` header: Django's own time for the request, from
   the first middleware to the response), p50/p95/p99, requests/s, errors, and
   the server's CPU per request.

The load client is Python threads in this process, on the same cores as the
server: its own CPU is printed too.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "config.settings.bench"
WEEK = "/schedules/me/week/"
LOGIN = "/accounts/login/"
PASSWORD = "bench-coach-week-2026"  # noqa: S105 (the benchmark's own database only)
TARGET_P95_MS = 150
TIMING = re.compile(r"app;dur=([0-9.]+)")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "BENCH_DATABASE": str(database),
        "PYTHONPATH": str(REPO),
    }


def manage(database: Path, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=environment(database), check=True)


def build_demo(source: Path, district: str) -> None:
    """The demo district solved (60 s) and published, as scripts/run-demo.sh does it."""
    print(f"Building {source} (migrate, load_demo, solve 60 s, publish)...", flush=True)
    source.parent.mkdir(parents=True, exist_ok=True)
    manage(source, "migrate", "--noinput", "-v", "0")
    manage(source, "load_demo", "--only", district, "--directory", str(source.parent / "demo"))
    manage(source, "solve_district", district, "--wait", "--time-limit", "60")
    manage(source, "publish_schedule", district)


def copy_database(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)


def prepare_coaches(database: Path, district_code: str, clients: int) -> list[str]:
    """Usernames of ``clients`` coaches with sessions in the published version (made if needed)."""
    os.environ.update(environment(database))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from schedules.models import ScheduleVersion, Session
    from schools.models import Coach, District, Membership

    district = District.objects.get(code=district_code)
    version = ScheduleVersion.objects.filter(
        district=district, status=ScheduleVersion.Status.PUBLISHED
    ).first()
    if version is None:
        sys.exit(f"{district_code} has no published version in {database}.")
    busy = Session.coaches.through.objects.filter(session__version=version).values("coach_id")
    coaches = list(
        Coach.objects.filter(district=district, pk__in=busy).select_related("user").order_by("code")
    )
    coaches.sort(key=lambda c: (c.user is None or c.user.username != "coach", c.code))
    users = get_user_model()
    names = []
    with transaction.atomic():
        for number, coach in enumerate(coaches[:clients], 1):
            user = coach.user or users.objects.create(username=f"bench-coach-{number:02d}")
            user.set_password(PASSWORD)
            user.save()
            if coach.user_id != user.pk:
                coach.user = user
                coach.save(update_fields=["user"])
            Membership.objects.get_or_create(
                user=user, district=district, site=None, role=Membership.Role.COACH
            )
            names.append(user.username)
    sessions = [
        Session.objects.filter(version=version, coaches__user__username=name).count()
        for name in names
    ]
    print(
        f"{len(names)} coach accounts of {district_code} v{version.number}; sessions a week each: "
        f"min {min(sessions)}, median {statistics.median(sessions):g}, max {max(sessions)} "
        f"(the demo's 'coach': {sessions[0] if names and names[0] == 'coach' else '-'})"
    )
    return names


def start_server(args, database: Path) -> subprocess.Popen:
    address = f"127.0.0.1:{args.port}"
    if args.server == "runserver":
        command = [PYTHON, "manage.py", "runserver", "--noreload", address]  # a thread each
    else:
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            address,
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--backlog",
            "256",
            "--log-level",
            "warning",
        ]
    log = open(database.with_suffix(".server.log"), "wb")  # noqa: SIM115 (the server's lifetime)
    process = subprocess.Popen(
        command, cwd=REPO, env=environment(database), stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server stopped at once; see {log.name}.")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            connection.request("GET", LOGIN)
            if connection.getresponse().status == 200:
                connection.close()
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit("The server did not answer within 60 s.")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children still running (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (OSError, IndexError, ValueError):
            continue
    return total


@dataclass
class Client:
    port: int
    username: str
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.connection

    def _headers(self) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, "Accept-Language": "nl"} if cookie else {"Accept-Language": "nl"}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        connection = self._connection()
        try:
            connection.request(
                method, path, body=body, headers={**self._headers(), **(headers or {})}
            )
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            self.connection = None
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            connection.close()
            self.connection = None
        return response, content

    def sign_in(self) -> None:
        response, page = self.request("GET", LOGIN)
        token = CSRF_INPUT.search(page)
        if response.status != 200 or token is None:
            sys.exit(f"GET {LOGIN} answered {response.status} without a form.")
        form = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": self.username,
                "password": PASSWORD,
            }
        )
        response, _ = self.request(
            "POST",
            LOGIN,
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"{self.username} could not sign in (answer {response.status}).")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_load(clients: list[Client], seconds: float):
    latencies: list[float] = []
    server: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def loop(client: Client) -> None:
        mine, theirs, failed = [], [], []
        start_gate.wait()
        while time.monotonic() < deadline[0]:
            started = time.perf_counter()
            try:
                response, _ = client.request("GET", WEEK)
            except (OSError, http.client.HTTPException) as error:
                failed.append(type(error).__name__)
                continue
            elapsed = time.perf_counter() - started
            if response.status != 200:
                failed.append(str(response.status))
                continue
            mine.append(1000 * elapsed)
            found = TIMING.search(response.getheader("Server-Timing") or "")
            if found:
                theirs.append(float(found.group(1)))
        with lock:
            latencies.extend(mine)
            server.extend(theirs)
            errors.extend(failed)

    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds
    began = time.monotonic()
    start_gate.wait()
    for thread in threads:
        thread.join(seconds + 60)
    return latencies, server, errors, time.monotonic() - began


def row(name: str, values: list[float]) -> str:
    if not values:
        return f"| {name} | - | - | - | - | - |"
    return (
        f"| {name} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} | "
        f"{percentile(values, 0.99):.0f} | {statistics.fmean(values):.0f} | {max(values):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=REPO / "var" / "bench-zuid.sqlite3")
    parser.add_argument("--database", type=Path, default=Path("/tmp/bench-coach-week.sqlite3"))  # noqa: S108
    parser.add_argument("--district", default="zuid")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=int, default=5, help="requests per client before timing")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (cores)"
    )
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()

    if not args.source.exists():
        build_demo(args.source, args.district)
    copy_database(args.source, args.database)
    manage(args.database, "migrate", "--noinput", "-v", "0")
    usernames = prepare_coaches(args.database, args.district, args.clients)
    if len(usernames) < args.clients:
        sys.exit(f"Only {len(usernames)} coaches have sessions; asked for {args.clients}.")

    process = start_server(args, args.database)
    try:
        clients = [Client(args.port, name) for name in usernames]
        for client in clients:
            client.sign_in()
        for client in clients:
            for _ in range(args.warmup):
                response, _ = client.request("GET", WEEK)
                if response.status != 200:
                    sys.exit(f"{client.username}: {WEEK} answered {response.status}.")
        load_before = os.getloadavg()
        cpu_before = tree_cpu_seconds(process.pid)
        own_before = time.process_time()
        latencies, server, errors, elapsed = run_load(clients, args.seconds)
        server_cpu = tree_cpu_seconds(process.pid) - cpu_before
        own_cpu = time.process_time() - own_before
        load_after = os.getloadavg()
    finally:
        stop_server(process)

    served = (
        args.server
        if args.server == "runserver"
        else (
            f"gunicorn, {args.workers} {args.worker_class} workers"
            + (f" x {args.threads} threads" if args.worker_class == "gthread" else "")
        )
    )
    count = len(latencies)
    print()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (1 min)"
    )
    print(
        f"{args.clients} clients x {args.seconds:.0f} s, closed loop, GET {WEEK}; server: {served}; "
        f"SQLite (WAL), CONN_MAX_AGE None, DEBUG off"
    )
    print()
    print("| ms | p50 | p95 | p99 | mean | max |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row("client latency", latencies))
    print(row("server time (Server-Timing)", server))
    print()
    print(
        f"{count} requests in {elapsed:.1f} s = {count / elapsed:.1f} requests/s; "
        f"{len(errors)} errors{' (' + ', '.join(sorted(set(errors))) + ')' if errors else ''}; "
        f"server CPU {1000 * server_cpu / max(count, 1):.1f} ms per request "
        f"({server_cpu:.1f} s), load client CPU {own_cpu:.1f} s"
    )
    if server:
        p95 = percentile(server, 0.95)
        client_p95 = percentile(latencies, 0.95)
        print(
            f"Target p95 <= {TARGET_P95_MS} ms server time: "
            f"{'met' if p95 <= TARGET_P95_MS else 'NOT met'} ({p95:.0f} ms); "
            f"client latency p95 {client_p95:.0f} ms "
            f"({'within' if client_p95 <= TARGET_P95_MS else 'above'} {TARGET_P95_MS} ms)"
        )


if __name__ == "__main__":
    main()
