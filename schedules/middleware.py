"""A ``Server-Timing`` header on every response: the time the server spent on it.

Monitoring (and the coach-week load benchmark) reads ``app;dur=<milliseconds>``,
the time from the request entering Django to the response leaving it, which
leaves out the network and the client's own queueing.
"""

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
