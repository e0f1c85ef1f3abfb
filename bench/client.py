"""A bounded asyncio HTTP client that behaves like a browser behind the TLS proxy.

Every request goes to 127.0.0.1:port (loopback only) with the ``Host`` of the page
asked for and ``X-Forwarded-Proto: https``, as production's proxy sends it. Cookies
are kept per host (production marks them ``Secure``; the proxy is where TLS ends), and
redirects — the sign-in hop between the portal and an institution host included — are
followed by hand.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

import httpx


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer (connection refused, reset, timeout)
    seconds: float
    started: float
    error: str = ""
    body: str = ""


@dataclass
class Visitor:
    """One person's browser: cookies per host, CSRF token, redirects followed."""

    client: httpx.AsyncClient
    port: int
    cookies: dict = field(default_factory=dict)  # host → {name: value}
    token: str = ""  # an API token (Authorization: Bearer …), when the person has one

    def _headers(self, host: str, extra: dict | None = None) -> dict:
        jar = self.cookies.get(host, {})
        headers = {
            "Host": f"{host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "suite-bench/1.0",
            "Accept-Language": "ko",
        }
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if extra:
            headers.update(extra)
        return headers

    def _keep(self, host: str, response: httpx.Response) -> None:
        for raw in response.headers.get_list("set-cookie"):
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                jar = self.cookies.setdefault(host, {})
                if morsel["max-age"] == "0" or not morsel.value:
                    jar.pop(name, None)
                else:
                    jar[name] = morsel.value

    async def request(
        self,
        method: str,
        url: str,
        *,
        data=None,
        json=None,
        headers: dict | None = None,
        follow: bool = True,
        timeout: float = 30,
    ) -> httpx.Response:
        """``url`` is what a browser would ask for (https://host:port/path)."""
        for _hop in range(8):
            parts = urlsplit(url)
            host = parts.hostname
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            response = await self.client.request(
                method,
                f"http://127.0.0.1:{self.port}{path}",
                data=data,
                json=json,
                headers=self._headers(host, headers),
                timeout=timeout,
            )
            self._keep(host, response)
            if not (follow and response.status_code in (301, 302, 303, 307, 308)):
                return response
            url = urljoin(url, response.headers["location"])
            if response.status_code in (301, 302, 303):
                method, data, json = "GET", None, None
        return response

    def csrf(self, host: str) -> str:
        return self.cookies.get(host, {}).get("suite_csrftoken", "")

    async def sign_in(self, apex: str, email: str, password: str) -> None:
        """Through the login form, as a person does."""
        page = await self.request("GET", f"{apex}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        host = urlsplit(apex).hostname
        response = await self.request(
            "POST",
            f"{apex}/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "email": email,
                "password": password,
                "next": "/",
            },
            headers={"Referer": f"{apex}/accounts/login/"},
        )
        if "sessionid" not in str(self.cookies.get(host)) and "suite_session" not in str(
            self.cookies.get(host)
        ):
            raise RuntimeError(f"sign-in of {email} failed: {response.status_code}")


async def timed(
    visitor: Visitor, kind: str, method: str, url: str, keep_body=False, **kw
) -> Sample:
    started = time.perf_counter()
    wall = time.time()
    try:
        response = await visitor.request(method, url, **kw)
    except (TimeoutError, httpx.HTTPError, OSError) as error:
        return Sample(kind, 0, time.perf_counter() - started, wall, type(error).__name__)
    body = response.text if (keep_body or response.status_code >= 400) else ""
    return Sample(kind, response.status_code, time.perf_counter() - started, wall, body=body[:4000])


def new_client(connections: int = 64) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        follow_redirects=False,
        trust_env=False,
    )


# -- a lean client for rushes -------------------------------------------------------------
#
# httpx costs the load generator about a millisecond of CPU a request; on a machine whose
# two cores also run the server, thousands of residents arriving at once then measure
# the generator as much as the server. This client speaks plain HTTP/1.1 on asyncio
# streams: keep-alive connections reused (when the server keeps them), a bounded number
# of them (``size``), one request in flight per connection. Each resident still sends
# their own credentials and address; only the sockets are shared, as a proxy's are.


@dataclass
class RawResponse:
    status_code: int
    headers: dict
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        import json as _json

        return _json.loads(self.content or b"null")


class RawPool:
    """At most ``size`` connections to 127.0.0.1:``port``; requests wait their turn."""

    def __init__(self, port: int, size: int = 64):
        import asyncio

        self.port = port
        self.slots = asyncio.Semaphore(size)
        self.idle: list = []
        self.opened = 0

    async def close(self) -> None:
        while self.idle:
            _reader, writer = self.idle.pop()
            writer.close()

    async def __aenter__(self) -> RawPool:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def request(
        self, method: str, path: str, headers: dict, body: bytes = b"", timeout: float = 30
    ) -> RawResponse:
        import asyncio

        async with self.slots:
            for _attempt in range(3):
                reused = bool(self.idle)
                if reused:
                    reader, writer = self.idle.pop()
                else:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection("127.0.0.1", self.port), timeout
                    )
                    self.opened += 1
                try:
                    response, keep = await asyncio.wait_for(
                        self._exchange(reader, writer, method, path, headers, body), timeout
                    )
                except (ConnectionError, asyncio.IncompleteReadError, _Closed):
                    writer.close()
                    if reused:  # the server had closed the idle connection: a fresh one
                        continue
                    raise
                except BaseException:
                    writer.close()
                    raise
                if keep:
                    self.idle.append((reader, writer))
                else:
                    writer.close()
                return response
            raise ConnectionError("no connection kept the request")

    @staticmethod
    async def _exchange(reader, writer, method, path, headers, body):
        lines = [f"{method} {path} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise _Closed
        status = int(status_line.split(b" ", 2)[1])
        found: dict = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _sep, value = line.decode("latin-1").partition(":")
            found[name.strip().lower()] = value.strip()
        keep = found.get("connection", "").lower() != "close"
        if "content-length" in found:
            content = await reader.readexactly(int(found["content-length"]))
        elif found.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                parts.append(await reader.readexactly(size))
                await reader.readline()
            content = b"".join(parts)
        else:
            content = await reader.read()
            keep = False
        return RawResponse(status, found, content), keep


class _Closed(Exception):
    """The connection ended before an answer began."""
