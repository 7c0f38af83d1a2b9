"""workshop.browser keeps a site's cookies, sends the CSRF token with forms and follows redirects, against a real server."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from workshop.browser import Browser

TOKEN = "a-csrf-token-of-this-site"


class Site(BaseHTTPRequestHandler):
    """A form page that sets a CSRF cookie, a form handler that checks it and redirects, and a 404."""

    def do_GET(self) -> None:
        if self.path == "/form/":
            self.answer(200, "<form>...</form>", {"Set-Cookie": f"csrftoken={TOKEN}; Path=/"})
        elif self.path.startswith("/thanks/?"):
            bags = urllib.parse.parse_qs(self.path.partition("?")[2])["bags"][0]
            self.answer(200, f"thanks for {bags} bags, cookie: {self.headers.get('Cookie')}")
        else:
            self.answer(404, "no such page")

    def do_POST(self) -> None:
        fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        if fields.get("csrfmiddlewaretoken") != [TOKEN] or f"csrftoken={TOKEN}" not in self.headers.get("Cookie", ""):
            self.answer(403, "CSRF verification failed")
        else:
            self.answer(302, "", {"Location": f"/thanks/?bags={fields['bags'][0]}"})

    def answer(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        """Send a response with a text body."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The site above, served on a free port of 127.0.0.1 while the tests run: it keeps nothing between requests,
    and each test's Browser keeps its own cookies. (Told to stop, it stops within 0.05 s, not serve_forever's 0.5.)"""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_form_is_posted_with_the_cookie_and_its_token_and_the_redirect_followed(site: str) -> None:
    browser = Browser(site + "/")
    assert browser.get("/form/") == (200, "<form>...</form>")
    status, page = browser.post("/form/", {"bags": "2"})
    assert (status, page) == (200, f"thanks for 2 bags, cookie: csrftoken={TOKEN}")


def test_without_the_cookie_the_form_is_refused_and_the_error_page_returned(site: str) -> None:
    assert Browser(site).post("/form/", {"bags": "2"}) == (403, "CSRF verification failed")


def test_an_error_status_is_returned_not_raised(site: str) -> None:
    assert Browser(site).get("/missing/") == (404, "no such page")
