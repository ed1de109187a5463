"""JWT_JWKS_URL: tokens checked with the gateway's published keys, chosen by ``kid``, against a local JWKS server
that rotates its keys. A clock the tests move stands in for the minutes between fetches."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import jwt
import pytest
from aiohttp import web
from arq.connections import ArqRedis
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from service.app import create_app
from service.auth import TokenVerifier
from service.jwks import JwksKeys
from service.keys import verifier_key
from service.problems import ServiceUnavailable, Unauthorized
from service.settings import Settings, SettingsError
from tests.helpers import CHILD, USER


class SigningKey:
    """A private key of the gateway and its public JWK."""

    def __init__(self, kid: str | None, curve: bool = False) -> None:
        self.kid = kid
        if curve:
            self.private: Any = ec.generate_private_key(ec.SECP256R1())
            self.alg = "ES256"
            public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.alg = "RS256"
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwk = {**public, "use": "sig", "alg": self.alg} | ({"kid": kid} if kid else {})

    def sign(self, kid: str | None = None) -> str:
        """A token signed with this key, naming its own kid or ``kid``."""
        now = int(time.time())
        # a token id of its own: the verifier remembers a token it checked, and these tests are about keys
        claims = {"sub": USER, "children": [CHILD], "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex}
        named = kid or self.kid
        return jwt.encode(claims, self.private, algorithm=self.alg, headers={"kid": named} if named else {})


class KeyServer:
    """The gateway's JWKS endpoint: the keys it publishes now, how it answers, and how often it was asked."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.status = 200
        self.fetches = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.fetches += 1
        if self.status != 200:
            return web.Response(status=self.status)
        return web.json_response({"keys": self.keys})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def key_server(aiohttp_server: Any) -> AsyncIterator[tuple[KeyServer, str]]:
    published = KeyServer()
    app = web.Application()
    app.router.add_get("/.well-known/jwks.json", published.handle)
    server = await aiohttp_server(app)
    yield published, str(server.make_url("/.well-known/jwks.json"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def verifier(key_server: tuple[KeyServer, str], clock: Clock) -> AsyncIterator[Callable[..., Any]]:
    """``await verifier()`` opens a verifier on the key server's JWKS (its first fetch happens then)."""
    opened: list[JwksKeys] = []

    async def create(**options: Any) -> TokenVerifier:
        jwks = JwksKeys(key_server[1], algorithms={"RS256", "ES256"}, clock=clock, **options)
        opened.append(jwks)
        await jwks.open()
        return TokenVerifier(jwks=jwks)

    yield create
    for jwks in opened:
        await jwks.close()


A, B = SigningKey("key-a"), SigningKey("key-b")


async def test_each_token_is_checked_with_the_key_its_kid_names(key_server: Any, verifier: Any) -> None:
    published, _ = key_server
    published.keys = [A.jwk, B.jwk]
    check = await verifier()
    assert (await check.authenticate(A.sign())).user_id == USER
    assert (await check.authenticate(B.sign())).user_id == USER
    with pytest.raises(Unauthorized):
        # signed by B but naming A's kid
        await check.authenticate(B.sign(kid="key-a"))
    assert published.fetches == 1


async def test_a_rotation_is_picked_up_on_an_unknown_kid_at_most_once_a_minute(
    key_server: Any, verifier: Any, clock: Clock
) -> None:
    published, _ = key_server
    published.keys = [A.jwk]
    check = await verifier()
    assert published.fetches == 1

    published.keys = [B.jwk]  # the gateway rotates: B signs from now on, A is withdrawn
    with pytest.raises(Unauthorized):
        await check.authenticate(B.sign())  # within the minute of the last fetch: no new fetch
    assert published.fetches == 1

    clock.now += 61
    assert (await check.authenticate(B.sign())).user_id == USER
    assert published.fetches == 2
    with pytest.raises(Unauthorized):
        await check.authenticate(A.sign())  # withdrawn

    # Made-up kids cannot turn into a stream of fetches.
    for n in range(50):
        with pytest.raises(Unauthorized):
            await check.authenticate(B.sign(kid=f"made-up-{n}"))
    assert published.fetches == 2
    clock.now += 61
    with pytest.raises(Unauthorized):
        await check.authenticate(B.sign(kid="made-up-again"))
    assert published.fetches == 3
    assert (await check.authenticate(B.sign())).user_id == USER


async def test_concurrent_tokens_with_a_new_kid_share_one_fetch(key_server: Any, verifier: Any, clock: Clock) -> None:
    published, _ = key_server
    published.keys = [A.jwk]
    check = await verifier()
    published.keys = [A.jwk, B.jwk]
    clock.now += 61
    identities = await asyncio.gather(*(check.authenticate(B.sign()) for _ in range(20)))
    assert {identity.user_id for identity in identities} == {USER}
    assert published.fetches == 2


async def test_the_set_is_fetched_again_when_the_cache_expires_and_kept_if_that_fails(
    key_server: Any, verifier: Any, clock: Clock
) -> None:
    published, _ = key_server
    published.keys = [A.jwk]
    check = await verifier(cache_seconds=300)
    clock.now += 301
    await check.authenticate(A.sign())
    assert published.fetches == 2

    published.status = 503
    clock.now += 301
    assert (await check.authenticate(A.sign())).user_id == USER  # the keys we had
    assert published.fetches == 3
    await check.authenticate(A.sign())
    assert published.fetches == 3  # a failing endpoint is not asked again within the minute


async def test_without_any_key_set_a_token_answers_503_not_401(key_server: Any, verifier: Any) -> None:
    published, _ = key_server
    published.status = 500
    check = await verifier()
    with pytest.raises(ServiceUnavailable):
        await check.authenticate(A.sign())


async def test_shared_secrets_and_encryption_keys_in_the_set_are_ignored(key_server: Any, verifier: Any) -> None:
    published, _ = key_server
    secret = "a-shared-secret-that-must-never-be-published-in-a-jwks"
    published.keys = [
        {"kty": "oct", "kid": "shared", "k": jwt.utils.base64url_encode(secret.encode()).decode(), "alg": "HS256"},
        {**B.jwk, "use": "enc"},
    ]
    check = await verifier()
    forged = jwt.encode(
        {"sub": USER, "children": [CHILD], "exp": int(time.time()) + 60}, secret, headers={"kid": "shared"}
    )
    with pytest.raises(ServiceUnavailable):  # no usable key at all
        await check.authenticate(forged)


async def test_a_token_without_kid_uses_the_only_key(key_server: Any, verifier: Any) -> None:
    published, _ = key_server
    only = SigningKey(None, curve=True)
    published.keys = [only.jwk]
    check = await verifier()
    assert (await check.authenticate(only.sign())).user_id == USER


def test_jwks_settings_refuse_a_second_key_and_symmetric_algorithms() -> None:
    with pytest.raises(SettingsError, match="JWT_JWKS_URL"):
        Settings.from_env({"JWT_JWKS_URL": "https://gateway/jwks", "JWT_SECRET": "x" * 40})
    settings = Settings.from_env({"JWT_JWKS_URL": "https://gateway/jwks", "JWT_ALGORITHMS": "HS256"})
    with pytest.raises(SettingsError, match="JWT_ALGORITHMS"):
        TokenVerifier.from_settings(settings)


async def test_the_api_checks_tokens_with_a_rotating_jwks(
    aiohttp_client: Any, key_server: Any, settings: Settings, db: Any, arq_pool: ArqRedis, clock: Clock
) -> None:
    published, url = key_server
    published.keys = [A.jwk]
    app = create_app(settings.replace(jwt_secret="", jwt_jwks_url=url), db=db, arq_pool=arq_pool)
    app[verifier_key].jwks.clock = clock  # type: ignore[union-attr]
    client = await aiohttp_client(app)
    documents = f"/api/v1/children/{CHILD}/documents"

    response = await client.get(documents, headers={"Authorization": f"Bearer {A.sign()}"})
    assert response.status == 200
    published.keys = [B.jwk]
    clock.now += 61
    response = await client.get(documents, headers={"Authorization": f"Bearer {B.sign()}"})
    assert response.status == 200
    response = await client.get(documents, headers={"Authorization": f"Bearer {A.sign()}"})
    assert response.status == 401
    assert (await response.json())["type"] == "urn:docscan:problem:unauthorized"
