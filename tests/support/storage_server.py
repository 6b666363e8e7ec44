"""A local Supabase Storage server for tests and benches: the endpoints the evidence adapter uses, over real HTTP
on 127.0.0.1 under /storage/v1, with the request and response shapes of Supabase Storage's REST API (as the
supabase client's Storage API, `create_client(url, key).storage`, sends and reads them): upload (multipart,
`x-upsert`), download, info, remove (`{"prefixes": [...]}`), create a signed URL, and serving a signed URL with
its token checked (signature, object, expiry)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/storage/v1"


class StorageServer:
    def __init__(self, service_key: str = "service-key-for-tests", bucket: str = "evidence") -> None:
        self.service_key = service_key
        self.buckets: dict[str, dict[str, tuple[bytes, str]]] = {bucket: {}}
        self.secret = secrets.token_bytes(32)
        self.clock = time.time  # tests may replace it to let signed URLs expire
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, for assertions
        self.clients: set[str] = set()  # the X-Client-Info each client named itself with (Supabase logs it too)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StorageServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # tokens: base64(json {"url": "<bucket>/<path>", "exp": epoch}) "." hmac — like Supabase's JWT, checked here
    def token(self, bucket: str, path: str, expires_in: int) -> str:
        body = base64.urlsafe_b64encode(json.dumps({"url": f"{bucket}/{path}",
                                                    "exp": int(self.clock()) + expires_in}).encode()).decode()
        sig = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()
        return f"{body}.{sig}"

    def check_token(self, token: str, bucket: str, path: str) -> str | None:
        """None when valid, else the error message Supabase gives."""
        try:
            body, sig = token.rsplit(".", 1)
        except ValueError:
            return "invalid signature"
        if not hmac.compare_digest(sig, hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()):
            return "invalid signature"
        claims = json.loads(base64.urlsafe_b64decode(body.encode()))
        if claims["url"] != f"{bucket}/{path}":
            return "url mismatch"
        if claims["exp"] <= self.clock():
            return "jwt expired"
        return None

    def _handler(self):  # noqa: ANN202, C901
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall

            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: bytes | dict | list, content_type: str = "application/json") -> None:
                if not isinstance(body, bytes):
                    body = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, error: str, message: str) -> None:
                self._send(status, {"statusCode": str(status), "error": error, "message": message})

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _authorised(self) -> bool:
                ok = (self.headers.get("Authorization") == f"Bearer {server.service_key}"
                      and self.headers.get("apikey") == server.service_key)
                if not ok:
                    self._body()
                    self._error(403, "Unauthorized", "invalid JWT")
                return ok

            def _route(self) -> tuple[list[str], dict[str, list[str]]]:
                parsed = urllib.parse.urlsplit(self.path)
                server.requests.append((self.command, parsed.path))
                server.clients.add(self.headers.get("X-Client-Info", ""))
                if not parsed.path.startswith(PREFIX + "/"):
                    return [], {}
                parts = [urllib.parse.unquote(p) for p in parsed.path[len(PREFIX) + 1:].split("/")]
                return parts, urllib.parse.parse_qs(parsed.query)

            def _bucket(self, name: str) -> dict | None:
                bucket = server.buckets.get(name)
                if bucket is None:
                    self._error(404, "Bucket not found", "Bucket not found")
                return bucket

            def do_POST(self) -> None:  # noqa: N802
                parts, _ = self._route()
                if parts[:2] == ["object", "sign"] and len(parts) >= 4:
                    if not self._authorised():
                        return
                    bucket, path = parts[2], "/".join(parts[3:])
                    req = json.loads(self._body() or b"{}")
                    if (b := self._bucket(bucket)) is None:
                        return
                    if path not in b:
                        return self._error(404, "not_found", "Object not found")
                    token = server.token(bucket, path, int(req["expiresIn"]))
                    quoted = "/".join(urllib.parse.quote(p) for p in path.split("/"))
                    return self._send(200, {"signedURL": f"/object/sign/{bucket}/{quoted}?token={token}"})
                if parts[:1] == ["object"] and len(parts) >= 3:
                    if not self._authorised():
                        return
                    bucket, path = parts[1], "/".join(parts[2:])
                    body = self._body()
                    if (b := self._bucket(bucket)) is None:
                        return
                    if path in b and self.headers.get("x-upsert", "false") != "true":
                        return self._error(409, "Duplicate", "The resource already exists")
                    data, media_type = _multipart_file(self.headers.get("Content-Type", ""), body)
                    b[path] = (data, media_type)
                    return self._send(200, {"Key": f"{bucket}/{path}", "Id": secrets.token_hex(16)})
                self._body()
                self._error(404, "not_found", "route not found")

            def do_GET(self) -> None:  # noqa: N802
                parts, query = self._route()
                if parts[:2] == ["object", "sign"] and len(parts) >= 4:  # a signed URL: no key, the token decides
                    bucket, path = parts[2], "/".join(parts[3:])
                    problem = server.check_token((query.get("token") or [""])[0], bucket, path)
                    if problem:
                        return self._error(400, "InvalidJWT", problem)
                    obj = server.buckets.get(bucket, {}).get(path)
                    if obj is None:
                        return self._error(404, "not_found", "Object not found")
                    return self._send(200, obj[0], obj[1])
                if not self._authorised():
                    return
                if parts[:2] == ["object", "info"] and len(parts) >= 4:
                    bucket, path = parts[2], "/".join(parts[3:])
                    if (b := self._bucket(bucket)) is None:
                        return
                    if path not in b:
                        return self._error(404, "not_found", "Object not found")
                    return self._send(200, {"name": path, "size": len(b[path][0]), "content_type": b[path][1]})
                if parts[:1] == ["object"] and len(parts) >= 3:
                    bucket, path = parts[1], "/".join(parts[2:])
                    if (b := self._bucket(bucket)) is None:
                        return
                    if path not in b:
                        return self._error(404, "not_found", "Object not found")
                    return self._send(200, b[path][0], b[path][1])
                self._error(404, "not_found", "route not found")

            def do_DELETE(self) -> None:  # noqa: N802
                parts, _ = self._route()
                if not self._authorised():
                    return
                if parts[:1] == ["object"] and len(parts) == 2:
                    req = json.loads(self._body() or b"{}")
                    if (b := self._bucket(parts[1])) is None:
                        return
                    removed = [{"name": p, "bucket_id": parts[1]} for p in req.get("prefixes", []) if b.pop(p, None)]
                    return self._send(200, removed)
                self._body()
                self._error(404, "not_found", "route not found")

        return Handler


def _multipart_file(content_type: str, body: bytes) -> tuple[bytes, str]:
    """The `file` part of a multipart/form-data body and its content type."""
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    for part in body.split(b"--" + boundary):
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep or b'name="file"' not in head:
            continue
        media_type = "application/octet-stream"
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-type:"):
                media_type = line.split(b":", 1)[1].strip().decode()
        return content.removesuffix(b"\r\n"), media_type
    raise ValueError("no file part")
