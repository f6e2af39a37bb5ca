"""Fetch a URL with a size and time limit, refusing private and loopback addresses.

Every hop of a redirect is checked, not only the first URL, so a public page cannot bounce the
fetcher to http://127.0.0.1 or a cloud metadata address. (A DNS answer that changes between the
check and the connection is not covered; run behind an egress proxy where that matters.)

The time limit covers the whole fetch: at the deadline the connection's socket is shut down,
which wakes a read that a server trickling one byte at a time would otherwise keep alive.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import threading
import urllib.error
import urllib.request
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from storylens.errors import Code, InputError

USER_AGENT = "storylens/0.1 (+https://github.com/storylens)"

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)://")


def url_scheme(value: str) -> str | None:
    """The scheme of a ``scheme://...`` argument (lower case), or None for a path."""
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else None


def is_url(value: str) -> bool:
    return url_scheme(value) in ("http", "https")


def _host_port(url: str) -> tuple[str, int | None]:
    try:
        parsed = urlsplit(url)
        port = parsed.port
    except ValueError as exc:
        raise InputError(Code.E016, url=url, reason=f"invalid URL ({exc})") from exc
    if parsed.scheme.lower() not in ("http", "https"):
        reason = f"unsupported URL scheme '{parsed.scheme}' (only http and https are fetched)"
        raise InputError(Code.E016, url=url, reason=reason)
    host = parsed.hostname
    if not host:
        raise InputError(Code.E016, url=url, reason="the URL names no host")
    try:
        host.encode("idna")
    except UnicodeError as exc:
        reason = "invalid host name (a label is empty or longer than 63 characters)"
        raise InputError(Code.E016, url=url, reason=reason) from exc
    return host, port


def check_url(url: str, allow_private: bool = False) -> None:
    host, port = _host_port(url)
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(Code.E016, url=url, reason=f"host not found ({exc.strerror})") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            reason = f"{host} is {address}, not public"
            raise InputError(Code.E015, url=url, reason=reason)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        check_url(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Deadline:
    """Shuts down every socket of one fetch when its time is up."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            # The plain socket's shutdown, also for TLS: wakes the reader, whatever its layer.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


class _WatchedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _WatchedHTTPS(_WatchedHTTP, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: Any) -> Any:
        return self.do_open(partial(_WatchedHTTP, deadline=self._deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: Any) -> Any:
        return self.do_open(partial(_WatchedHTTPS, deadline=self._deadline), req)


def _open(url: str, deadline: _Deadline, allow_private: bool, timeout: float, limit: int) -> bytes:
    opener = urllib.request.build_opener(
        _CheckedRedirects(allow_private), _HTTPHandler(deadline), _HTTPSHandler(deadline)
    )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with opener.open(request, timeout=timeout) as response:
        data: bytes = response.read(limit)
    return data


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, http.client.HTTPException):
        return f"invalid HTTP answer: {exc}"
    return str(getattr(exc, "reason", None) or exc) or type(exc).__name__


def fetch(url: str, max_bytes: int, timeout: float = 20.0, allow_private: bool = False,
          total: float = 60.0) -> bytes:
    """The body at ``url``: ``timeout`` seconds per network wait, ``total`` for all of it."""
    check_url(url, allow_private)
    late = f"no complete answer within {total:g} s (input.fetch_timeout)"
    with _Deadline(total) as deadline:
        try:
            data = _open(url, deadline, allow_private, min(timeout, total), max_bytes + 1)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = late if deadline.expired else _reason(exc)
            raise InputError(Code.E016, url=url, reason=reason) from exc
    if deadline.expired:  # the shutdown ended the body early: it is not the whole page
        raise InputError(Code.E016, url=url, reason=late)
    if len(data) > max_bytes:
        raise InputError(Code.E005, path=url, size=f"more than {max_bytes}", limit=max_bytes)
    return data
