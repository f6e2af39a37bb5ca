"""Fetch a URL with a size and time limit, refusing private and loopback addresses.

Every hop of a redirect is checked, not only the first URL, so a public page cannot bounce the
fetcher to http://127.0.0.1 or a cloud metadata address. (A DNS answer that changes between the
check and the connection is not covered; run behind an egress proxy where that matters.)
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

from storylens.errors import Code, InputError

USER_AGENT = "storylens/0.1 (+https://github.com/storylens)"


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def check_url(url: str, allow_private: bool = False) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(Code.E015, url=url, reason="only http(s) URLs with a host are fetched")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(Code.E016, url=url, reason=f"host not found ({exc.strerror})") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            reason = f"{parsed.hostname} is {address}, not public"
            raise InputError(Code.E015, url=url, reason=reason)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        check_url(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, max_bytes: int, timeout: float = 20.0, allow_private: bool = False) -> bytes:
    check_url(url, allow_private)
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            data: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise InputError(Code.E016, url=url, reason=f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise InputError(Code.E016, url=url, reason=str(reason)) from exc
    if len(data) > max_bytes:
        raise InputError(Code.E005, path=url, size=f"more than {max_bytes}", limit=max_bytes)
    return data
