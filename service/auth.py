"""JWT bearer authentication: the verifier, the identity middleware and ``require_child``."""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web
from aiohttp.typedefs import Handler
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .jwks import JwksKeys, JwksUnavailable
from .problems import NotFound, ServiceUnavailable, Unauthorized
from .settings import Settings, SettingsError

logger = logging.getLogger(__name__)

CHILD_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_TOKEN_BYTES = 4096
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_HS = frozenset({"HS256", "HS384", "HS512"})
_RS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
_ES = frozenset({"ES256", "ES384", "ES512"})
#: what a JWKS key may sign with: public keys only
_JWKS = _RS | _ES | frozenset({"EdDSA"})


def _load_key(secret: str, public_key: str) -> tuple[Any, frozenset[str], tuple[str, ...]]:
    """The verification key, the algorithms it can check, and the default among them."""
    if secret and public_key:
        raise SettingsError("set JWT_SECRET or JWT_PUBLIC_KEY, not both")
    if secret:
        return secret, _HS, ("HS256",)
    if not public_key:
        raise SettingsError("no JWT key configured: set JWT_SECRET (HS256) or JWT_PUBLIC_KEY (RS256/ES256)")
    try:
        key = serialization.load_pem_public_key(public_key.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SettingsError("JWT_PUBLIC_KEY is not a PEM public key") from None
    if isinstance(key, rsa.RSAPublicKey):
        return key, _RS, ("RS256",)
    if isinstance(key, ec.EllipticCurvePublicKey):
        by_curve = {"secp384r1": "ES384", "secp521r1": "ES512"}
        return key, _ES, (by_curve.get(key.curve.name, "ES256"),)
    raise SettingsError("JWT_PUBLIC_KEY must be an RSA or EC public key")


@dataclass(frozen=True)
class Identity:
    """Who is calling: the user and the child profiles they may act for."""

    user_id: str
    children: frozenset[str]


identity_key = web.RequestKey("identity", Identity)


class TokenVerifier:
    """Checks the gateway's signed JWTs.

    :param secret: the HS shared secret
    :param public_key: the RS/ES public key (PEM)
    :param jwks: the gateway's key set, chosen by ``kid`` (instead of a secret or a public key)
    :param algorithms: accepted algorithms; never ``none``
    """

    def __init__(
        self,
        *,
        secret: str = "",
        public_key: str = "",
        jwks: JwksKeys | None = None,
        algorithms: tuple[str, ...] = (),
        audience: str = "",
        issuer: str = "",
        leeway: int = 30,
    ) -> None:
        self.jwks = jwks
        if jwks is not None:
            if secret or public_key:
                raise SettingsError("set one of JWT_SECRET, JWT_PUBLIC_KEY and JWT_JWKS_URL, not several")
            self._key: Any = None
            family, default = _JWKS, tuple(sorted(_JWKS))
        else:
            self._key, family, default = _load_key(secret, public_key)
        self._algorithms = [a for a in algorithms if a in family] or ([] if algorithms else list(default))
        if not self._algorithms:
            raise SettingsError(
                f"none of JWT_ALGORITHMS {list(algorithms)} fits the configured key; use some of {sorted(family)}"
            )
        if len(self._algorithms) < len(algorithms):
            logger.warning(
                "JWT_ALGORITHMS: ignoring %s, which the configured key cannot check", sorted(set(algorithms) - family)
            )
        self._verified = _VerifiedTokens()
        self._audience = audience or None
        self._issuer = issuer or None
        self._leeway = leeway

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        jwks = None
        if settings.jwt_jwks_url:
            family = [a for a in settings.jwt_algorithms if a in _JWKS] or sorted(_JWKS)
            jwks = JwksKeys(
                settings.jwt_jwks_url,
                algorithms=family,
                cache_seconds=settings.jwt_jwks_cache_seconds,
                refresh_seconds=settings.jwt_jwks_refresh_seconds,
                timeout=settings.jwt_jwks_timeout_seconds,
            )
        return cls(
            secret=settings.jwt_secret,
            public_key=settings.jwt_public_key,
            jwks=jwks,
            algorithms=settings.jwt_algorithms,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=settings.jwt_leeway,
        )

    def verify(self, token: str) -> Identity:
        """Verify a token against the configured secret or public key and return the identity it carries.

        :param token: the compact JWT
        """
        if self.jwks is not None:
            raise RuntimeError("a verifier with a JWKS checks tokens with authenticate()")
        known = self._verified.get(token, time.time())
        if known is not None:
            return known
        if not _COMPACT_JWS.fullmatch(token):
            raise Unauthorized("The access token is not valid.", headers=_challenge("invalid_token"))
        return self._decode(token, self._key, self._algorithms)

    async def authenticate(self, token: str) -> Identity:
        """Verify a token (fetching the key set when a JWKS is configured) and return the identity it carries.

        :param token: the compact JWT
        """
        if self.jwks is None:
            return self.verify(token)
        known = self._verified.get(token, time.time())
        if known is not None:
            return known
        invalid = Unauthorized("The access token is not valid.", headers=_challenge("invalid_token"))
        if not _COMPACT_JWS.fullmatch(token):
            raise invalid
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise invalid from None
        if kid is not None and not isinstance(kid, str):
            raise invalid
        try:
            key = await self.jwks.key_for(kid)
        except JwksUnavailable as exc:
            logger.warning("cannot check tokens: %s", exc)
            raise ServiceUnavailable(
                "The keys that check access tokens cannot be fetched; try again shortly.",
                headers={"Retry-After": "5"},
                extensions={"retry_after": 5},
            ) from None
        if key is None:
            logger.info("rejected token: its key id is not in the key set")
            raise invalid
        if key.algorithm_name not in self._algorithms:
            raise invalid
        return self._decode(token, key.key, [key.algorithm_name])

    def _decode(self, token: str, key: Any, algorithms: list[str]) -> Identity:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["sub", "exp"], "verify_aud": self._audience is not None},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("The access token has expired.", headers=_challenge("invalid_token")) from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            # PyJWTError covers a token whose algorithm does not fit the key (InvalidKeyError) too.
            logger.info("rejected token: %s", exc)
            raise Unauthorized("The access token is not valid.", headers=_challenge("invalid_token")) from None
        sub = claims.get("sub")
        children = claims.get("children", [])
        if not isinstance(sub, str) or not sub or len(sub) > 128:
            raise Unauthorized("The access token has no valid subject.", headers=_challenge("invalid_token"))
        if not isinstance(children, list) or not all(isinstance(c, str) and CHILD_ID.fullmatch(c) for c in children):
            raise Unauthorized("The access token has a malformed children claim.", headers=_challenge("invalid_token"))
        identity = Identity(user_id=sub, children=frozenset(children))
        until = min(float(claims["exp"]) + self._leeway, time.time() + _VerifiedTokens.TTL)
        self._verified.put(token, identity, until)
        return identity


class _VerifiedTokens:
    """Tokens whose signature and claims were checked a moment ago, so a retry storm checks each token once.

    A token is the exact bytes that were checked; it is kept until it expires, for ``TTL`` seconds at most.
    """

    TTL = 60.0
    SIZE = 4096

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Identity, float]] = {}

    def get(self, token: str, now: float) -> Identity | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        if now >= entry[1]:
            del self._entries[token]
            return None
        return entry[0]

    def put(self, token: str, identity: Identity, until: float) -> None:
        if len(self._entries) >= self.SIZE:
            del self._entries[next(iter(self._entries))]  # the oldest
        self._entries[token] = (identity, until)


def make_dev_key() -> str:
    """A throwaway HS256 secret for the embedded mode."""
    return secrets.token_urlsafe(32)


def issue_token(
    secret: str, user_id: str, children: list[str], ttl_seconds: int = 86400, algorithm: str = "HS256"
) -> str:
    """Sign a token the way the gateway does (embedded mode and tests).

    :param secret: signing key
    :param user_id: the ``sub`` claim
    :param children: the ``children`` claim
    """
    now = int(time.time())
    return jwt.encode(
        {"sub": user_id, "children": children, "iat": now, "exp": now + ttl_seconds}, secret, algorithm=algorithm
    )


def _challenge(error: str | None = None) -> dict[str, str]:
    value = 'Bearer realm="docscan"'
    if error:
        value += f', error="{error}"'
    return {"WWW-Authenticate": value}


def auth_middleware_factory(verifier: TokenVerifier, protected_prefix: str = "/api/") -> Any:
    """The identity middleware: every route under ``protected_prefix`` needs a valid bearer token.

    :param verifier: checks the tokens
    """

    @web.middleware
    async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(protected_prefix):
            return await handler(request)
        headers = request.headers.getall("Authorization", [])
        if len(headers) > 1:
            # A proxy that reads the other one would see another caller.
            raise Unauthorized("Send one Authorization header.", headers=_challenge("invalid_request"))
        scheme, _, token = (headers[0] if headers else "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("A bearer token is required.", headers=_challenge())
        if len(token) > _MAX_TOKEN_BYTES:
            raise Unauthorized("The access token is too long.", headers=_challenge("invalid_token"))
        request[identity_key] = await verifier.authenticate(token)
        return await handler(request)

    return auth_middleware


def require_child(request: web.Request, child_id: str) -> Identity:
    """The caller's identity, if they may act for this child; otherwise a 404 that leaks nothing.

    :param child_id: the ``{child}`` of the path
    """
    identity = request[identity_key]
    if child_id not in identity.children:
        raise NotFound("No such child profile or document.")
    return identity
