"""``manage.py bench_timetables --district CODE``: the timetable targets of issue 6.

(a) Times the take-home PDF of every pupil of the district: the pupil-pages
function the school's "all pupils" download uses, once per school, as the view
does it (the school's published sessions, the sessions per pupil, one A4 page
per pupil in Dutch). Prints pages and seconds per school and in total.

(b) The coach's week page under load. The command starts no server; it prints
a session cookie of the demo user ``coach`` (``--cookie-for`` another user) so a
load tool can sign in, and with ``--load URL`` it runs a bounded load itself
against a server that is already running: ``--clients`` threads, each with its
own keep-alive ``http.client`` connection, for ``--seconds`` seconds against
``/schedules/me/week/``; it prints requests, errors and p50/p95/p99 of the
time from sending a request to the last byte of its response. On the loopback
interface that is server time plus well under a millisecond. Only loopback
addresses are accepted. See docs/benchmarks.md ("Timetables for people").
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from schedules.pdf import school_pupil_pages
from schools.models import District, Pupil, Site

PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
TARGET_PDF_SECONDS = 60
TARGET_WEEK_P95_MS = 150


def pdf_pages(content: bytes) -> int:
    """Pages of a reportlab PDF (its page objects are plain, uncompressed dictionaries)."""
    return len(PAGE.findall(content))


def session_cookie(username: str) -> str:
    """A new signed-in session of the user, as django.contrib.auth.login would store it."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f'No user "{username}" (the demo loads one: make run / load_demo).')
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmarks issue 6: every pupil's PDF of a district; the coach's week under load."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="the district's code")
        parser.add_argument("--skip-pdf", action="store_true", help="skip the pupil PDF timing")
        parser.add_argument(
            "--cookie-for",
            default="coach",
            metavar="USERNAME",
            help="whose session cookie to print (default: the demo coach, 'coach')",
        )
        parser.add_argument(
            "--load",
            metavar="URL",
            help="run the bounded load against this running server, e.g. http://127.0.0.1:8799",
        )
        parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
        parser.add_argument("--seconds", type=float, default=20.0, help="load duration (20)")

    def handle(self, *args, district, skip_pdf, cookie_for, load, clients, seconds, **options):
        found = District.objects.filter(code=district).first()
        if found is None:
            raise CommandError(f'No district has the code "{district}".')
        if not skip_pdf:
            self.pupil_pdfs(found)
        cookie = session_cookie(cookie_for)
        path = reverse("schedules:coach_week")
        self.stdout.write(
            f"\nSession cookie of {cookie_for}: {settings.SESSION_COOKIE_NAME}={cookie}"
        )
        self.stdout.write(
            "Load the week page with a server running, e.g.:\n"
            f"  wrk -t4 -c{clients} -d{int(seconds)}s --latency "
            f"-H 'Cookie: {settings.SESSION_COOKIE_NAME}={cookie}' http://127.0.0.1:8799{path}\n"
            f"  manage.py bench_timetables --district {district} --skip-pdf "
            f"--load http://127.0.0.1:8799"
        )
        if load:
            self.week_load(load, path, cookie, clients=clients, seconds=seconds)

    def pupil_pdfs(self, district: District) -> None:
        schools = Site.objects.filter(district=district, kind=Site.Kind.SCHOOL).order_by("code")
        total_pages = total_pupils = 0
        total_seconds = 0.0
        self.stdout.write(f"Pupil PDFs of {district.code} ({district.name}):")
        for site in schools:
            started = time.perf_counter()
            pupils = list(
                Pupil.objects.filter(school=site)
                .select_related("class_group")
                .order_by("class_group__name", "surname", "given_name")
            )
            content = school_pupil_pages(site=site, pupils=pupils)
            spent = time.perf_counter() - started
            pages = pdf_pages(content)
            total_pages += pages
            total_pupils += len(pupils)
            total_seconds += spent
            self.stdout.write(
                f"  {site.code:<8} {len(pupils):>6} pupils {pages:>6} pages "
                f"{len(content) / 1e6:>7.1f} MB {spent:>7.2f} s"
            )
        verdict = "met" if total_seconds <= TARGET_PDF_SECONDS else "NOT met"
        self.stdout.write(
            f"  total    {total_pupils:>6} pupils {total_pages:>6} pages "
            f"{total_seconds:>7.2f} s (target {TARGET_PDF_SECONDS} s: {verdict}; "
            f"{total_pages / total_seconds if total_seconds else 0:.0f} pages/s)"
        )

    def week_load(self, url: str, path: str, cookie: str, *, clients: int, seconds: float):
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK:
            raise CommandError("--load takes an http:// address on the loopback interface only.")
        host, port = parts.hostname, parts.port or 80
        headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
            "Accept-Language": "nl",
            "Connection": "keep-alive",
        }
        probe = http.client.HTTPConnection(host, port, timeout=30)
        probe.request("GET", path, headers=headers)
        answer = probe.getresponse()
        body = answer.read()
        probe.close()
        if answer.status != 200:
            raise CommandError(f"GET {path} answered {answer.status}, not 200 (signed in?).")
        self.stdout.write(
            f"\nLoad: {clients} clients x {seconds:.0f} s on {url}{path} ({len(body)} bytes)"
        )
        deadline = time.monotonic() + seconds
        timings: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client() -> None:
            connection = http.client.HTTPConnection(host, port, timeout=30)
            mine: list[float] = []
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = response_of(connection)
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=30)
                    with lock:
                        errors.append(type(error).__name__)
                    continue
                if response != 200:
                    with lock:
                        errors.append(str(response))
                    continue
                mine.append(time.perf_counter() - started)
            connection.close()
            with lock:
                timings.extend(mine)

        def response_of(connection) -> int:
            response = connection.getresponse()
            response.read()
            if response.will_close:
                connection.close()
            return response.status

        started = time.monotonic()
        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)
        elapsed = time.monotonic() - started
        if not timings:
            raise CommandError(f"No successful request ({len(errors)} errors).")
        ms = [1000 * t for t in timings]
        p95 = percentile(ms, 0.95)
        verdict = "met" if p95 <= TARGET_WEEK_P95_MS else "NOT met"
        self.stdout.write(
            f"  {len(ms)} requests in {elapsed:.1f} s ({len(ms) / elapsed:.1f}/s), "
            f"{len(errors)} errors\n"
            f"  p50 {percentile(ms, 0.5):.0f} ms, p95 {p95:.0f} ms, p99 {percentile(ms, 0.99):.0f} ms, "
            f"mean {statistics.fmean(ms):.0f} ms, max {max(ms):.0f} ms "
            f"(target p95 {TARGET_WEEK_P95_MS} ms: {verdict})"
        )
