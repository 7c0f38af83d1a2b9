"""A small web browser for the notebooks: it keeps the site's cookies and sends Django's CSRF token with forms."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


class Browser:
    """Visit one site as a browser would: cookies kept between requests, redirects followed."""

    def __init__(self, site: str) -> None:
        self.site = site.rstrip("/")
        self.cookies = CookieJar()
        # Never through a proxy: the workshop's sites all run on this machine.
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def get(self, path: str) -> tuple[int, str]:
        """Fetch the page at path; return the status code and the body as text."""
        return self.send(urllib.request.Request(self.site + path))

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """Submit a form to path with Django's CSRF token from the cookie; return the status and the page reached."""
        token = next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return self.send(urllib.request.Request(self.site + path, data=data))

    def send(self, request: urllib.request.Request, timeout: float = 5) -> tuple[int, str]:
        """Send a request; return the status code and the body as text, for error pages too."""
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
