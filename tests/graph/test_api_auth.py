"""Every request to /graphql needs a valid bearer token: forged, confused, stale or foreign
tokens get a plain 401 and no audit event (nothing was read)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Callable

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from app.auth.keys import local_jwks
from app.auth.tokens import issue_token
from tests.graph.api_fixtures import WILLIAM, Api, api, api_settings  # noqa: F401

QUERY = {"query": f'query {{ person(id: "{WILLIAM}") {{ id name }} }}'}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(payload)), signature


def _join(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    return ".".join((_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode()), signature))


def _post(api: Api, token: str | None) -> int:
    headers = {"X-MAST-Purpose": "CASE-1"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return api.client.post("/graphql", json=QUERY, headers=headers).status_code


def test_a_valid_token_is_accepted(api: Api) -> None:
    assert _post(api, api.token("practitioner")) == 200


def _alg_none(api: Api, token: str) -> str:
    header, payload, _ = _parts(token)
    return _join({**header, "alg": "none"}, payload, "")


def _elevated_role(api: Api, token: str) -> str:
    header, payload, signature = _parts(token)
    return _join(header, {**payload, "role": "auditor" if payload.get("role") != "auditor" else "practitioner"}, signature)


def _claims(api: Api, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": api.settings.jwt_issuer, "aud": api.settings.jwt_audience, "sub": "x", "iat": now,
            "nbf": now, "exp": now + 600, "role": "practitioner", "agency": "CSC", **changes}


def _kid(api: Api) -> str:
    return local_jwks(api.settings)["keys"][0]["kid"]


def _other_key_same_kid(api: Api, token: str) -> str:
    impostor = RSAKey.generate_key(2048)
    return jwt.encode({"alg": "RS256", "kid": _kid(api)}, _claims(api), impostor)


def _hs256_with_the_public_key(api: Api, token: str) -> str:
    """The classic confusion attack, signed by hand (joserfc itself refuses to build it)."""
    public = RSAKey.import_key(local_jwks(api.settings)["keys"][0]).as_pem(private=False)
    signing_input = ".".join((_b64(json.dumps({"alg": "HS256", "kid": _kid(api), "typ": "JWT"}).encode()),
                              _b64(json.dumps(_claims(api)).encode())))
    return signing_input + "." + _b64(hmac.new(public, signing_input.encode(), hashlib.sha256).digest())


def _not_yet_valid(api: Api, token: str) -> str:
    return issue_token(api.settings, subject="x", role="practitioner", agency="CSC",
                       extra_claims={"nbf": int(time.time()) + 3600})


def _unknown_kid(api: Api, token: str) -> str:
    header, payload, signature = _parts(token)
    return _join({**header, "kid": "no-such-key"}, payload, signature)


def _wrong_issuer(api: Api, token: str) -> str:
    return issue_token(api.settings.with_overrides(jwt_issuer="https://evil.example"),
                       subject="x", role="practitioner", agency="CSC")


def _wrong_audience(api: Api, token: str) -> str:
    return issue_token(api.settings.with_overrides(jwt_audience="another-api"),
                       subject="x", role="practitioner", agency="CSC")


def _expired(api: Api, token: str) -> str:
    return issue_token(api.settings, subject="x", role="practitioner", agency="CSC", ttl_seconds=-300)


FORGERIES: dict[str, Callable[[Api, str], str]] = {
    "alg none": _alg_none,
    "signed by another key under our kid": _other_key_same_kid,
    "HS256 keyed with the RS256 public key": _hs256_with_the_public_key,
    "not yet valid": _not_yet_valid,
    "payload changed under the signature": _elevated_role,
    "unknown kid": _unknown_kid,
    "wrong issuer": _wrong_issuer,
    "wrong audience": _wrong_audience,
    "expired": _expired,
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_forged_or_foreign_tokens_get_401(api: Api, name: str) -> None:
    forged = FORGERIES[name](api, api.token("practitioner"))
    assert _post(api, forged) == 401
    assert api.audit_events() == []


def test_missing_malformed_and_non_bearer_credentials_get_401(api: Api) -> None:
    assert _post(api, None) == 401
    assert _post(api, "") == 401
    assert _post(api, "a.b.c") == 401
    basic = api.client.post("/graphql", json=QUERY, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401

