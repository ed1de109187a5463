"""JWT checks: missing, expired, wrong key, forged, foreign child or user."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from multidict import CIMultiDict

from service.app import create_app
from service.auth import TokenVerifier
from service.problems import Unauthorized
from service.settings import Settings, SettingsError
from tests.helpers import CHILD, JWT_SECRET, doc_url
from tests.openapi_contract import validated

DOCS = f"/api/v1/children/{CHILD}/documents"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "parent-1", "children": [CHILD], "iat": now, "exp": now + 600, **overrides}


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic cGFyZW50OnB3",
        "Bearer",
        "Bearer not-a-jwt",
        "Bearer " + jwt.encode(claims(), "another-secret-of-at-least-32-bytes-length", algorithm="HS256"),
        "Bearer " + jwt.encode(claims(exp=int(time.time()) - 3600), JWT_SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode(claims(), key=None, algorithm="none"),  # type: ignore[arg-type]
        "Bearer " + jwt.encode({k: v for k, v in claims().items() if k != "exp"}, JWT_SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({k: v for k, v in claims().items() if k != "sub"}, JWT_SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode(claims(children="child-1"), JWT_SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode(claims(children=[{"$ne": 1}]), JWT_SECRET, algorithm="HS256"),
        "Bearer " + "a" * 6000,
    ],
)
async def test_bad_tokens_are_401(api: Any, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    resp = await api.get(DOCS, headers=headers)
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await resp.json())["type"] == "urn:docscan:problem:unauthorized"


async def test_two_authorization_headers_are_401_whichever_comes_first(api: Any, token: Any) -> None:
    valid = f"Bearer {token()}"
    for first, second in ((valid, "Bearer junk"), ("Bearer junk", valid), (valid, valid)):
        resp = await api.get(DOCS, headers=CIMultiDict([("Authorization", first), ("Authorization", second)]))
        assert resp.status == 401
        assert 'error="invalid_request"' in resp.headers["WWW-Authenticate"]
        assert (await resp.json())["type"] == "urn:docscan:problem:unauthorized"


async def test_foreign_child_and_foreign_documents_are_404(api: Any, stored_doc: Any, token: Any, repo: Any) -> None:
    doc = await stored_doc(scan_status="ready", pipeline_stage="awaiting_validation")
    before = await repo.get_by_id(doc["_id"])
    stranger = {"Authorization": f"Bearer {token(user='parent-2', children=['child-2'])}"}
    same_child_other_user = {"Authorization": f"Bearer {token(user='parent-2')}"}
    for headers in (stranger, same_child_other_user):
        for method, action in (("GET", "scan"), ("POST", "rescan")):
            resp = await api.request(method, doc_url(doc, action), headers=headers)
            assert resp.status == 404, (headers, action)
        confirm = await api.post(
            doc_url(doc, "confirm-scan"), json={"topic": "music", "language": "en"}, headers=headers
        )
        assert confirm.status == 404
    listing = await api.get("/api/v1/children/child-2/documents", headers={"Authorization": f"Bearer {token()}"})
    assert listing.status == 404
    assert await repo.get_by_id(doc["_id"]) == before


async def test_public_key_tokens(aiohttp_client: Any, settings: Settings, db: Any, arq_pool: Any) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    es_settings = settings.replace(jwt_secret="", jwt_public_key=public_pem, jwt_algorithms=("ES256",))
    api = validated(await aiohttp_client(create_app(es_settings, db=db, arq_pool=arq_pool)))
    good = jwt.encode(claims(), private, algorithm="ES256")
    assert (await api.get(DOCS, headers={"Authorization": f"Bearer {good}"})).status == 200
    # An HS256 token signed with the public key as secret must not pass (algorithm confusion).
    forged = jwt.encode(claims(), JWT_SECRET, algorithm="HS256")
    assert (await api.get(DOCS, headers={"Authorization": f"Bearer {forged}"})).status == 401


def test_no_key_refuses_to_start(settings: Settings) -> None:
    with pytest.raises(SettingsError, match="JWT"):
        TokenVerifier.from_settings(settings.replace(jwt_secret="", jwt_public_key=""))


def rsa_public_pem() -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.mark.parametrize(
    "secret,public_key,algorithms,message",
    [
        (JWT_SECRET, "PEM", (), "not both"),
        ("", "PEM", ("HS256",), "fits the configured key"),
        ("", "PEM", ("ES256", "ES384"), "fits the configured key"),
        (JWT_SECRET, "", ("RS256",), "fits the configured key"),
        ("", "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n", (), "not a PEM public key"),
    ],
)
def test_inconsistent_key_settings_refuse_to_start(
    secret: str, public_key: str, algorithms: tuple[str, ...], message: str
) -> None:
    pem = rsa_public_pem() if public_key == "PEM" else public_key
    with pytest.raises(SettingsError, match=message):
        TokenVerifier(secret=secret, public_key=pem, algorithms=algorithms)


async def test_a_token_for_another_key_type_is_401_not_500(
    aiohttp_client: Any, settings: Settings, db: Any, arq_pool: Any
) -> None:
    rs_settings = settings.replace(jwt_secret="", jwt_public_key=rsa_public_pem(), jwt_algorithms=())
    api = validated(await aiohttp_client(create_app(rs_settings, db=db, arq_pool=arq_pool)))
    es_token = jwt.encode(claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")
    for token in (es_token, es_token + "!", "a.b.c", "é.é.é"):
        resp = await api.get(DOCS, headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 401, token


def test_algorithms_the_key_cannot_check_are_dropped() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    verifier = TokenVerifier(public_key=pem, algorithms=("RS256", "ES256"))
    assert verifier.verify(jwt.encode(claims(), private, algorithm="RS256")).user_id == "parent-1"
    with pytest.raises(Unauthorized):
        verifier.verify(jwt.encode(claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256"))
    p384 = ec.generate_private_key(ec.SECP384R1())
    pem = (
        p384.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    identity = TokenVerifier(public_key=pem).verify(jwt.encode(claims(), p384, algorithm="ES384"))
    assert identity.user_id == "parent-1"


def test_a_verified_token_is_remembered_until_it_expires_and_only_that_token() -> None:
    verifier = TokenVerifier(secret=JWT_SECRET, leeway=0)
    soon = int(time.time()) + 2
    good = jwt.encode(claims(exp=soon), JWT_SECRET, algorithm="HS256")
    assert verifier.verify(good).user_id == "parent-1"
    assert verifier.verify(good).user_id == "parent-1"  # from memory
    # Another token, even one byte apart, is checked in full: a forged signature is still refused.
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    with pytest.raises(Unauthorized):
        verifier.verify(forged)
    # A remembered token is forgotten when it expires, and then refused like any expired token.
    cache = verifier._verified  # the memory, read at the instants that matter rather than waited for
    assert cache.get(good, soon - 1) is not None
    assert cache.get(good, soon) is None
    with pytest.raises(Unauthorized):
        TokenVerifier(secret=JWT_SECRET, leeway=0).verify(jwt.encode(claims(exp=soon - 5), JWT_SECRET))


def test_the_memory_of_verified_tokens_is_bounded() -> None:
    verifier = TokenVerifier(secret=JWT_SECRET)
    cache = verifier._verified
    for n in range(cache.SIZE + 10):
        verifier.verify(jwt.encode(claims(sub=f"user-{n}"), JWT_SECRET, algorithm="HS256"))
    assert len(cache._entries) == cache.SIZE
