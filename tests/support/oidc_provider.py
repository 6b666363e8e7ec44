"""A real, minimal OpenID Connect provider for tests, served on 127.0.0.1 from a background thread.

It implements the authorization-code flow as Streamlit's `st.login` (Authlib) drives it: discovery,
`/authorize` (auto-approves the configured test user), `/token` (client_secret_basic or client_secret_post,
PKCE S256 when the client sent a challenge), `/jwks` (RS256 key) and `/userinfo`. Nothing is mocked: the app
under test fetches the metadata, the keys and the token over HTTP and verifies the signature itself.

    with OidcProvider(client_id="app", client_secret="s3cret", user=TestUser("sub-1", "a@b.c", "Ann")) as idp:
        idp.issuer        # "http://127.0.0.1:<port>", also the `iss` of every ID token
        idp.discovery_url  # what goes in `server_metadata_url`
        idp.id_token_lifetime = 5  # seconds; the next ID token expires 5 s after it is issued
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # not a pytest test class
    subject: str
    email: str
    name: str


@dataclass(frozen=True)
class _Grant:
    """What /authorize remembered about one authorization code, checked again at /token."""
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: TestUser


class OidcProvider:
    def __init__(self, *, client_id: str, client_secret: str, user: TestUser, id_token_lifetime: int = 300) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = user  # the person /authorize signs in; a test may swap it between logins
        self.id_token_lifetime = id_token_lifetime
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
        self.issued: list[dict[str, Any]] = []  # claims of every ID token handed out, newest last
        self.authorizations: list[dict[str, str]] = []  # query of every /authorize, to check nonce and PKCE
        self.requests: list[str] = []  # "METHOD /path" log, for debugging a failed test
        self._grants: dict[str, _Grant] = {}
        self._access_tokens: dict[str, TestUser] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-provider", daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the protocol ------------------------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        iss = self.issuer
        return {
            "issuer": iss,
            "authorization_endpoint": iss + "/authorize",
            "token_endpoint": iss + "/token",
            "userinfo_endpoint": iss + "/userinfo",
            "jwks_uri": iss + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],  # Streamlit then always sends a PKCE challenge
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "email", "name"],
        }

    def authorize(self, q: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any] | None]:
        """Auto-approve: no login form, the configured user consents at once. Returns (status, headers, body)."""
        self.authorizations.append(q)
        if q.get("client_id") != self.client_id:
            return 400, {}, {"error": "unauthorized_client"}  # never redirect to an unverified client
        redirect_uri = q.get("redirect_uri", "")
        if not redirect_uri.startswith(("http://127.0.0.1:", "http://localhost:")):
            return 400, {}, {"error": "invalid_request", "error_description": "redirect_uri"}
        back: dict[str, str] = {"state": q["state"]} if "state" in q else {}
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return 302, {"Location": redirect_uri + "?" + urlencode({"error": "invalid_request", **back})}, None
        method = q.get("code_challenge_method") or ("plain" if q.get("code_challenge") else None)
        if method not in (None, "S256"):
            return 302, {"Location": redirect_uri + "?" + urlencode({"error": "invalid_request", **back})}, None
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(self.client_id, redirect_uri, q.get("nonce"), q.get("code_challenge"),
                                        method, self.user)
        return 302, {"Location": redirect_uri + "?" + urlencode({"code": code, **back})}, None

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")  # client_secret_post
        if authorization and authorization.startswith("Basic "):  # client_secret_basic (RFC 6749 §2.3.1)
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        # RFC 6749 form-encodes id and secret inside the Basic header; Authlib sends them raw. Accept both.
        if unquote_plus(client_id or "") != self.client_id or not any(
                secrets.compare_digest(s, self.client_secret) for s in (client_secret or "",
                                                                       unquote_plus(client_secret or ""))):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # a code is good for one exchange only
        if grant is None or grant.client_id != self.client_id or grant.redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if grant.code_challenge is not None:  # PKCE (RFC 7636 §4.6)
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not verifier or not secrets.compare_digest(digest, grant.code_challenge):
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "sub": grant.user.subject, "aud": client_id, "iat": now,
                                  "exp": now + self.id_token_lifetime, "email": grant.user.email,
                                  "email_verified": True, "name": grant.user.name}
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce  # Authlib compares it with the one it stored in the session
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens[access_token] = grant.user
            self.issued.append(claims)
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": self.id_token_lifetime,
                     "scope": "openid email profile", "id_token": id_token}

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, Any]]:
        user = self._access_tokens.get((authorization or "").removeprefix("Bearer ").strip())
        if user is None:
            return 401, {"error": "invalid_token"}
        return 200, {"sub": user.subject, "email": user.email, "email_verified": True, "name": user.name}


def _handler_for(provider: OidcProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (keep pytest output clean)
            provider.requests.append(f"{self.command} {self.path.split('?')[0]} -> {args[1] if len(args) > 1 else ''}")

        def _send(self, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._send(200, provider.metadata())
            elif url.path == "/jwks":
                self._send(200, {"keys": [provider.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self._send(status, body, headers)
            elif url.path == "/userinfo":
                self._send(*provider.userinfo(self.headers.get("Authorization")))
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                self._send(*provider.token(form, self.headers.get("Authorization")))
            elif urlsplit(self.path).path == "/userinfo":
                self._send(*provider.userinfo(self.headers.get("Authorization")))
            else:
                self._send(404, {"error": "not_found"})

    return Handler
