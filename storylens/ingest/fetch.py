"""Fetch a URL with a size and time limit, refusing private and loopback addresses.

Every hop of a redirect is checked, not only the first URL, so a public page cannot bounce the
fetcher to http://127.0.0.1 or a cloud metadata address, and every address a connection is
made to is checked again, so a DNS answer that changes after the check cannot reach one either.

The time limit covers the whole fetch: host lookups and connects get what is left of it, and
at the deadline the connection's socket is shut down, which wakes a TLS handshake or a read
that a server trickling one byte at a time would otherwise keep alive.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from storylens.config import settings
from storylens.errors import Code, InputError

USER_AGENT = "storylens/0.1 (+https://github.com/storylens)"

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)://")


def url_scheme(value: str) -> str | None:
    """The scheme of a ``scheme://...`` argument (lower case), or None for a path."""
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else None


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


def _resolve(url: str, host: str, port: int, seconds: float, late: str | None = None) -> list[Any]:
    """The TCP addresses of ``host``, or an error when the lookup fails or takes longer than
    ``seconds`` (the reason ``late``); ``getaddrinfo`` itself cannot be interrupted, so a slow
    lookup is left behind in a daemon thread."""
    found: list[Any] = []
    failed: list[OSError] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP))
        except OSError as exc:
            failed.append(exc)

    worker = threading.Thread(target=lookup, daemon=True, name=f"resolve {host}")
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        raise InputError(Code.E016, url=url, reason=late or f"{host} was not resolved within {seconds:g} s")
    if failed:
        reason = getattr(failed[0], "strerror", None) or failed[0]
        raise InputError(Code.E016, url=url, reason=f"host not found ({reason})") from failed[0]
    return found


def _refuse_private(url: str, host: str, infos: list[Any]) -> None:
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            where = f"{host} is {address}," if host.strip("[]") != str(address) else f"{address} is"
            raise InputError(Code.E015, url=url, reason=f"{where} not a public address")


def check_url(url: str, allow_private: bool = False, seconds: float = 60.0, late: str | None = None) -> None:
    """Refuse a URL that is malformed, not http(s), or (unless allowed) names a host that is
    not public; the host lookup takes at most ``seconds`` (else the reason ``late``)."""
    host, port = _host_port(url)
    if not allow_private:
        _refuse_private(url, host, _resolve(url, host, port or 443, seconds, late))


class _Deadline:
    """Shuts down every socket of one fetch when its time is up."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def left(self) -> float:
        return max(self._end - time.monotonic(), 0.0)

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
            pass  # already closed, or not connected yet


@dataclass(frozen=True)
class _Policy:
    """What one fetch allows: its deadline, and whether private addresses may be reached."""

    url: str
    deadline: _Deadline
    allow_private: bool
    late: str  # the reason given when the time is up


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, policy: _Policy) -> None:
        self.policy = policy

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        policy = self.policy
        check_url(newurl, policy.allow_private, policy.deadline.left(), policy.late)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _WatchedHTTP(http.client.HTTPConnection):
    """A connection that resolves its host within the deadline, checks every address it
    connects to (so a DNS answer that changes after the URL was checked cannot reach a private
    address), and hands its socket to the deadline before connecting: a slow connect or TLS
    handshake ends with the fetch's time too."""

    def __init__(self, *args: Any, policy: _Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._policy = policy
        self._create_connection = self._connect_checked

    def _connect_checked(self, address: tuple[str, int], timeout: Any = None,
                         source_address: Any = None) -> socket.socket:
        host, port = address
        policy = self._policy
        infos = _resolve(policy.url, host, port, policy.deadline.left(), policy.late)
        if not policy.allow_private and not _proxied(policy.url):
            _refuse_private(policy.url, host, infos)
        error: OSError = OSError(f"no address for {host}")
        for family, kind, proto, _name, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            policy.deadline.watch(sock)
            try:
                if source_address:
                    sock.bind(source_address)
                # A connect is not woken by a shutdown: it gets what is left of the deadline.
                left = policy.deadline.left()
                sock.settimeout(min(timeout, left) if isinstance(timeout, (int, float)) else left)
                sock.connect(sockaddr)
                sock.settimeout(timeout if isinstance(timeout, (int, float)) else None)
                return sock
            except OSError as exc:
                error = exc
                sock.close()
        raise error


class _WatchedHTTPS(_WatchedHTTP, http.client.HTTPSConnection):
    pass


def _proxied(url: str) -> bool:
    """Whether the environment sends this URL through a proxy (then the proxy is what the
    connection reaches, and the target was checked before the fetch)."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    return parts.scheme in proxies and not urllib.request.proxy_bypass(parts.hostname or "")


class _WatchedHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """Opens http and https URLs with watched connections."""

    def __init__(self, policy: _Policy) -> None:
        super().__init__()
        self._policy = policy

    def http_open(self, req: Any) -> Any:
        return self.do_open(partial(_WatchedHTTP, policy=self._policy), req)

    def https_open(self, req: Any) -> Any:
        return self.do_open(partial(_WatchedHTTPS, policy=self._policy), req)


def _open(policy: _Policy, timeout: float, limit: int) -> bytes:
    opener = urllib.request.build_opener(_CheckedRedirects(policy), _WatchedHandler(policy))
    request = urllib.request.Request(policy.url, headers={"User-Agent": USER_AGENT})
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
    """The body at ``url``: ``timeout`` seconds per network wait, ``total`` for all of it
    (host lookups, connecting, TLS, redirects and the body)."""
    late = f"no complete answer within {total:g} s (input.fetch_timeout)"
    with _Deadline(total) as deadline:
        host, port = _host_port(url)  # a malformed URL or another scheme: before any network
        if not allow_private and _proxied(url):
            # The connection reaches the proxy, not this host: check the host here. Otherwise
            # the connection checks every address it reaches (one lookup, not two).
            _refuse_private(url, host, _resolve(url, host, port or 443, deadline.left(), late))
        policy = _Policy(url, deadline, allow_private, late)
        try:
            data = _open(policy, min(timeout, total), max_bytes + 1)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = late if deadline.expired else _reason(exc)
            raise InputError(Code.E016, url=url, reason=reason) from exc
    if deadline.expired:  # the shutdown ended the body early: it is not the whole page
        raise InputError(Code.E016, url=url, reason=late)
    if len(data) > max_bytes:
        raise InputError(Code.E005, path=url, size=f"more than {max_bytes}", limit=max_bytes)
    return data


def fetch_configured(url: str, allow_private: bool = False) -> bytes:
    """``fetch`` with the configured limits (``input.max_bytes``, ``input.fetch_timeout``); an
    argument with another scheme (file://, ftp://) is refused by name."""
    scheme = url_scheme(url)
    if scheme not in ("http", "https"):
        reason = f"unsupported URL scheme '{scheme}' (only http and https are fetched)"
        raise InputError(Code.E016, url=url, reason=reason)
    limits = settings().input
    return fetch(url, limits.max_bytes, allow_private=allow_private, total=limits.fetch_timeout)
