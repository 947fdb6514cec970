"""A real S3 server for the tests: moto's, on a free loopback port, in the test process; nothing
leaves the machine. It keeps a log of the keys PUT to it, and can be told to refuse object PUTs
after so many (as a host does whose credentials are revoked mid-way) or to answer each slowly."""

from __future__ import annotations

import threading
import time
from urllib.parse import unquote

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'
)


class _Quiet(MotoRequestHandler):
    def log_request(self, *args) -> None:  # one line per request would bury a failing test's output
        pass


class S3Server:
    def __init__(self) -> None:
        self._moto = DomainDispatcherApplication(create_backend_app)
        self._lock = threading.Lock()
        self.puts: list[str] = []
        """Keys (bucket/key) of every object PUT that was answered, in the order they came."""
        self.headers: list[dict[str, str]] = []
        """The HTTP headers of each of those PUTs."""
        self.refuse_after: int | None = None
        """Object PUTs still let through before the rest are refused (None: all are)."""
        self.spared = ".storefront-deploy.json"
        """A key that is never refused (the deploy's manifest), so a refusal hits only site files."""
        self.delay = 0.0
        self._busy = 0
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> S3Server:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def settled(self, timeout: float = 10) -> None:
        """Wait until no request is being answered (those of a client killed mid-way still land)."""
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline:
            time.sleep(0.01)

    def _app(self, environ, start_response):
        with self._lock:
            self._busy += 1
        try:
            return self._answer(environ, start_response)
        finally:
            with self._lock:
                self._busy -= 1

    def _answer(self, environ, start_response):
        path = unquote(environ.get("PATH_INFO", "")).lstrip("/")
        if environ["REQUEST_METHOD"] == "PUT" and "/" in path.rstrip("/"):  # an object, not a bucket
            time.sleep(self.delay)
            with self._lock:
                if self.refuse_after is not None and not path.endswith(self.spared):
                    if self.refuse_after <= 0:
                        start_response("403 Forbidden", [("Content-Type", "application/xml")])
                        return [DENIED]
                    self.refuse_after -= 1
                self.puts.append(path)
                sent = {name[5:].lower().replace("_", "-"): v for name, v in environ.items() if name[:5] == "HTTP_"}
                self.headers.append(sent)
        return self._moto(environ, start_response)
