"""Only backfit's own pages may read or change a person's data: one ASGI layer
around the whole app (every route, every error, every WebSocket handshake).

In order, for every request:

1. **Host allow-list** (DNS rebinding): the ``Host`` header must name a loopback
   host (``127.0.0.1``, ``localhost``, ``[::1]``, any port) or one of
   ``BACKFIT_ALLOWED_HOSTS``; else 400 (a WebSocket handshake: refused, 403).
2. **Origin check**: a request that carries an ``Origin`` must come from this very
   origin (scheme, host and port; ``null`` is refused); an unsafe request without
   ``Origin`` must not carry a foreign ``Referer``. WebSocket handshakes must carry
   this origin. Else 403.
3. **Body limits** per route (:data:`BODY_LIMITS`): a declared ``Content-Length``
   over the limit is refused (413) before a byte is read. These checks run before
   anyone is known, so nothing here holds more than the usual 256 KB of a body: a
   body without a ``Content-Length`` (chunked) is read into memory up to that and
   refused past it (411: a large upload declares its length, as browsers do), and
   a urlencoded form (which the CSRF check reads whole) has the usual limit on
   every route. A large declared upload streams on to the route, which reads it
   only once the sign-in gate has let the request in.
4. **Content types**: unsafe API calls must send ``application/json`` (415); form
   routes take ``application/x-www-form-urlencoded`` or ``multipart/form-data``.
5. **CSRF token** (the ``asgi-csrf`` middleware, a signed double-submit cookie):
   every unsafe request carries the token of the ``csrftoken`` cookie in the
   ``X-CSRFToken`` header (``fetch``, HTMX) or a ``csrftoken`` form field (first
   in the form); pages put it in ``<meta name="csrf-token">``, and
   ``static/csrf.js`` adds it to every form and HTMX request. Else 403.

Every response, errors and 404s included, gets the security headers
(:data:`SECURITY_HEADERS`) and ``Cache-Control: no-store`` unless it set its own
(static files excepted). A request that cannot be read (bad bytes in a form,
a broken multipart body) is a 400, never a 500.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from asgi_csrf import Errors, asgi_csrf

from backfit.store.private import private_folder

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "csrftoken"
SECRET_FILE = "csrf-secret"

KIB = 1024
MIB = 1024 * KIB
MAX_BACKUP_BYTES = 64 * MIB
"""The largest backup ``/api/import`` and ``/settings/import`` take: the JSON backup of ten years
of thrice-weekly sessions that ``benchmarks/bench_store.py`` generates is 12.3 MiB, so this
leaves room for camera faults on every set and for decades more."""
DEFAULT_BODY_BYTES = 256 * KIB
"""Any other request body: the largest real one, a set with 100 camera faults, is about 30 KB."""
MULTIPART_OVERHEAD_BYTES = 64 * KIB
MAX_VIDEO_BYTES = 64 * MIB
"""The largest video file ``/api/videos`` takes for analysis: about 5 minutes of 720p phone video."""
BODY_LIMITS = {
    "/api/import": MAX_BACKUP_BYTES,
    "/settings/import": MAX_BACKUP_BYTES + MULTIPART_OVERHEAD_BYTES,
    "/api/videos": MAX_VIDEO_BYTES + MULTIPART_OVERHEAD_BYTES,
}
FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
UPLOAD_PATHS = frozenset({"/api/videos"})
"""API paths that take a file (multipart form) instead of JSON."""

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` even on a
    # page's own form posts, which the Origin check must refuse.
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(self), microphone=(), geolocation=()",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


class Refusal(Exception):
    """A request refused before it reaches the app: its status and a message for a person."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def body_limit(path: str, content_type: bytes = b"") -> int:
    """The most bytes a request body to ``path`` may have: an upload route's own limit for a JSON
    or multipart body, the usual one for a urlencoded form (asgi-csrf reads such a body whole)."""
    if content_type.split(b";", 1)[0].strip().lower() == b"application/x-www-form-urlencoded":
        return DEFAULT_BODY_BYTES
    return BODY_LIMITS.get(path, DEFAULT_BODY_BYTES)


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value)
    return None


def split_host(value: str) -> tuple[str, str]:
    """``(host, port)`` of a Host header (port '' when absent); raises ValueError when malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            raise ValueError(value)
        host, rest = value[: end + 1], value[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(value)
        port = rest[1:]
    else:
        host, _, port = value.partition(":")
    if not host or (port and not (port.isdigit() and len(port) <= 5)):
        raise ValueError(value)
    return host, port


def own_origin(scope: Scope, host_header: str) -> str:
    """This server's origin as a browser writes it, e.g. ``http://127.0.0.1:8765``."""
    raw_scheme = str(scope.get("scheme", "http"))
    scheme = {"ws": "http", "wss": "https"}.get(raw_scheme, raw_scheme)
    host, port = split_host(host_header)
    default = {"http": "80", "https": "443"}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def normal_origin(value: str) -> str | None:
    """``scheme://host[:port]`` of an Origin or Referer value (default port dropped), None if unreadable."""
    try:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


class Guard:
    """The checks of this module's docstring, around ``app``; ``allowed_hosts`` adds to the loopback names."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str], signing_secret: str) -> None:
        self.app = app
        self.allowed_hosts = frozenset(h.lower() for h in (*LOOPBACK_HOSTS, *allowed_hosts))
        self.csrf_app: ASGIApp = asgi_csrf(
            app,
            cookie_name=CSRF_COOKIE,
            http_header=CSRF_HEADER,
            signing_secret=signing_secret,
            always_protect=EveryPath(),
            send_csrf_failed=csrf_failed,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def checked_origin(self, scope: Scope) -> str:
        """This request's own origin once its Host is allowed (else Refusal)."""
        raw = header(scope, b"host")
        try:
            host_header = raw.decode("ascii") if raw else ""
            host, _ = split_host(host_header)
        except (UnicodeDecodeError, ValueError):
            raise Refusal(400, "this server answers only to its own address (the Host header is not one)") from None
        if host not in self.allowed_hosts:
            raise Refusal(
                400, f"this server answers only to {', '.join(sorted(self.allowed_hosts))} (see BACKFIT_ALLOWED_HOSTS)"
            )
        return own_origin(scope, host_header)

    def check_origin(self, scope: Scope, mine: str, *, required: bool) -> None:
        origin = header(scope, b"origin")
        if origin is not None:
            if normal_origin(origin.decode("latin-1")) != mine:
                raise Refusal(403, "refused: this request came from another web site, not from a backfit page")
            return
        if required:
            raise Refusal(403, "refused: the request does not say which page it came from (no Origin)")
        referer = header(scope, b"referer")
        if referer is not None and normal_origin(referer.decode("latin-1")) != mine:
            raise Refusal(403, "refused: this request came from another web site, not from a backfit page")

    async def websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            mine = self.checked_origin(scope)
            self.check_origin(scope, mine, required=True)
        except Refusal:
            await send({"type": "websocket.close", "code": 1008})
            return
        await self.app(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        send = with_headers(scope, send)
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            mine = self.checked_origin(scope)
            unsafe = scope["method"] not in SAFE_METHODS
            self.check_origin(scope, mine, required=False)
            if unsafe:
                check_content_type(scope)
                receive = await bounded(scope, receive)
                scope, receive = await multipart_token_as_header(scope, receive)
                # backfit has no bearer tokens; asgi-csrf would let one skip the token check
                scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers") or () if k != b"authorization"]}
            await self.csrf_app(scope, receive, tracking)
        except Refusal as refusal:
            await refuse(scope, send, refusal.status, refusal.message)
        except Exception:
            # Only the request's own parsing (asgi-csrf reading a form) can fail before a response
            # starts: the app's errors are answered inside it (ServerErrorMiddleware) and re-raised.
            if started:
                raise
            if is_multipart(scope):  # asgi-csrf reads a multipart body only once the token did not match
                await csrf_failed(scope, send, Errors.MULTIPART_MISMATCH)
                return
            await refuse(scope, send, 400, "the request could not be read (a malformed form or body)")


class EveryPath:
    """asgi-csrf's ``always_protect``: every path, so a request without cookies is checked too
    (backfit has no login cookie, so an attacker needs none)."""

    def __contains__(self, path: object) -> bool:
        return True


def check_content_type(scope: Scope) -> None:
    raw = header(scope, b"content-type") or b""
    kind = raw.split(b";", 1)[0].strip().lower()
    if scope["path"] in UPLOAD_PATHS:
        if kind != b"multipart/form-data" or b"; boundary=" not in raw:
            raise Refusal(415, "send the file as a multipart form (multipart/form-data with its boundary)")
        return
    if scope["path"].startswith("/api/"):
        if kind != b"application/json":
            raise Refusal(415, "send JSON: the API takes Content-Type: application/json")
        return
    if kind not in FORM_TYPES:
        raise Refusal(415, "send a form (application/x-www-form-urlencoded or multipart/form-data)")
    if kind == b"multipart/form-data" and b"; boundary=" not in raw:
        raise Refusal(400, "a multipart form needs its boundary in the Content-Type")


async def bounded(scope: Scope, receive: Receive) -> Receive:
    """``receive`` for a body within the route's limit, or Refusal(413) before the app reads it."""
    limit = body_limit(scope["path"], header(scope, b"content-type") or b"")
    size_text = f"{limit // MIB} MB" if limit >= MIB else f"{limit // KIB} KB"
    too_large = Refusal(413, f"the request body is larger than {size_text}, the most this address takes")
    declared = header(scope, b"content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise Refusal(400, "the Content-Length header is not a number")
        if int(declared) > limit:
            raise too_large
        return receive
    held = min(limit, DEFAULT_BODY_BYTES)  # read before anyone is known: never more than the usual
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            messages.append(message)
            break
        size += len(message.get("body", b""))
        if size > limit:
            raise too_large
        if size > held:
            raise Refusal(411, f"send a body over {held // KIB} KB with its length (a Content-Length header)")
        messages.append(message)
        if not message.get("more_body", False):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


MULTIPART_PREFIX_BYTES = 4 * KIB
"""How far into a multipart body its first field (the CSRF token, which csrf.js puts first) may end."""
FIRST_FIELD = re.compile(
    rb"^--(?P<b>[^\r\n]{1,200})\r\n"
    rb'Content-Disposition: form-data; name="csrftoken"\r\n\r\n'
    rb"(?P<token>[A-Za-z0-9._-]{1,200})\r\n--(?P=b)",
    re.IGNORECASE,
)


def is_multipart(scope: Scope) -> bool:
    return (header(scope, b"content-type") or b"").split(b";", 1)[0].strip().lower() == b"multipart/form-data"


async def multipart_token_as_header(scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """For a multipart form, hand its first field's CSRF token to asgi-csrf as the X-CSRFToken header
    (asgi-csrf 0.11's own multipart reader no longer works with python-multipart 0.0.2x+); asgi-csrf then
    checks it against the signed cookie as for any header. Reads at most the first 4 KB, then replays them."""
    if not is_multipart(scope) or header(scope, CSRF_HEADER.encode()) is not None:
        return scope, receive
    messages: list[Message] = []
    prefix = b""
    while len(prefix) < MULTIPART_PREFIX_BYTES:
        message = await receive()
        messages.append(message)
        prefix += message.get("body", b"")
        if message["type"] != "http.request" or not message.get("more_body", False):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    found = FIRST_FIELD.match(prefix)
    if found is None:
        raise Refusal(403, CSRF_REFUSED)
    headers = [*(scope.get("headers") or ()), (CSRF_HEADER.encode(), found.group("token"))]
    return {**scope, "headers": headers}, replay


def with_headers(scope: Scope, send: Send) -> Send:
    """``send`` that adds the security headers, ``no-store`` (not to static files) and HttpOnly on the CSRF
    cookie (and Secure when served through HTTPS, as the sign-in cookie is)."""
    static = scope["path"].startswith("/static/")
    flags = b"; HttpOnly" + (b"; Secure" if scope.get("scheme") in ("https", "wss") else b"")

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: list[tuple[bytes, bytes]] = []
            for key, value in message.get("headers") or ():
                if key.lower() == b"set-cookie" and value.startswith(CSRF_COOKIE.encode() + b"="):
                    value += flags
                headers.append((key.lower(), value))
            names = {key for key, _ in headers}
            for name, value in SECURITY_HEADERS.items():
                if name.encode() not in names:
                    headers.append((name.encode(), value.encode()))
            if not static and b"cache-control" not in names:
                headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def wants_json(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/") or b"application/json" in (header(scope, b"accept") or b"")


async def refuse(scope: Scope, send: Send, status: int, message: str) -> None:
    """Answer ``status`` with ``message``: JSON for the API, a short page for people."""
    if wants_json(scope):
        body, kind = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        text = html.escape(message)
        body = (
            f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{status} · backfit</title>'
            f'<h1>{status}</h1><p>{text}</p><p><a href="/">Back to backfit</a></p></html>'
        ).encode()
        kind = b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


CSRF_REFUSED = "refused: the request has no valid security token (it did not come from a backfit page; reload the page)"
CSRF_MESSAGES = {
    Errors.FILE_BEFORE_TOKEN: "refused: the form's security token must come before its file",
    Errors.UNKNOWN_CONTENT_TYPE: "refused: send a form or JSON",
}


async def csrf_failed(scope: Scope, send: Send, error: Errors) -> None:
    message = CSRF_MESSAGES.get(error, CSRF_REFUSED)
    await refuse(scope, send, 403, message)


def signing_secret(data_dir: Path) -> str:
    """The key that signs CSRF tokens, kept in ``data_dir`` (0600) so open pages survive a restart."""
    path = data_dir / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    if not data_dir.exists():
        private_folder(data_dir)
    secret = secrets.token_urlsafe(48)
    # written whole under a private name, then linked into place: a worker process starting at the
    # same moment reads either no file or the complete one, never a half-written secret
    draft = data_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secret)
        os.link(draft, path)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    finally:
        draft.unlink(missing_ok=True)
    return secret


def csrf_token(scope: Scope) -> str:
    """The CSRF token for a page (sets the cookie if the browser has none)."""
    getter = scope.get(CSRF_COOKIE)
    return str(getter()) if callable(getter) else ""
