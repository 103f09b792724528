"""Bearer tokens: the good one is accepted; every forgery and misfit is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from app.auth.keys import key_id, local_jwks, local_signing_key
from app.auth.tokens import issue_token
from app.auth.verify import AuthenticationError, Principal, TokenVerifier
from app.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path)


def claims(settings: Settings, **changes: object) -> dict[str, object]:
    now = int(time.time())
    base = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "u1", "iat": now, "nbf": now,
            "exp": now + 600, "role": "practitioner", "agency": "CSC"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def sign(settings: Settings, body: dict[str, object], key: RSAKey | None = None, kid: str | None = None) -> str:
    key = key or local_signing_key(settings)
    return jwt.encode({"alg": "RS256", "kid": kid or key_id(local_signing_key(settings))}, body, key)


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_good_token_gives_its_principal(settings: Settings) -> None:
    token = issue_token(settings, subject="alice", role="analyst", agency="police")
    assert TokenVerifier(settings).verify(token) == Principal("alice", "POLICE", "analyst")


def refused(settings: Settings, token: str) -> None:
    with pytest.raises(AuthenticationError):
        TokenVerifier(settings).verify(token)


def test_alg_none_is_refused(settings: Settings) -> None:
    refused(settings, f"{b64({'alg': 'none', 'kid': key_id(local_signing_key(settings))})}.{b64(claims(settings))}.")


def test_a_wrong_signature_is_refused(settings: Settings) -> None:
    refused(settings, sign(settings, claims(settings), key=RSAKey.generate_key(2048)))


def test_hs256_signed_with_the_public_key_is_refused(settings: Settings) -> None:
    # Signed by hand: joserfc will not even build a token keyed by a public key.
    public_pem = local_signing_key(settings).as_pem(private=False)
    signing_input = f"{b64({'alg': 'HS256', 'kid': key_id(local_signing_key(settings))})}.{b64(claims(settings))}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    refused(settings, f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}")


@pytest.mark.parametrize(
    "change",
    [{"iss": "https://evil.example"}, {"aud": "another-api"}, {"exp": int(time.time()) - 600},
     {"nbf": int(time.time()) + 600}, {"exp": None}, {"nbf": None}, {"role": None}, {"agency": None},
     {"role": "superuser"}, {"sub": None}],
)
def test_claims_that_do_not_fit_are_refused(settings: Settings, change: dict[str, object]) -> None:
    refused(settings, sign(settings, claims(settings, **change)))


def test_small_clock_skew_is_tolerated(settings: Settings) -> None:
    token = sign(settings, claims(settings, nbf=int(time.time()) + 10))
    assert TokenVerifier(settings).verify(token).subject == "u1"


def test_an_unknown_kid_is_refused_until_the_jwks_gains_it(tmp_path: Path) -> None:
    jwks_file = tmp_path / "jwks.json"
    issuer = Settings(state_dir=tmp_path / "issuer")
    jwks_file.write_text(json.dumps(local_jwks(issuer)))
    settings = Settings(state_dir=tmp_path, jwks=str(jwks_file))
    verifier = TokenVerifier(settings)
    rotated = RSAKey.generate_key(2048)
    token = jwt.encode({"alg": "RS256", "kid": "rotated"}, claims(settings), rotated)
    with pytest.raises(AuthenticationError):
        verifier.verify(token)
    jwks_file.write_text(json.dumps({"keys": [{**rotated.as_dict(private=False), "kid": "rotated"}]}))
    verifier._loaded_at -= 60  # the refresh interval has passed
    assert verifier.verify(token).subject == "u1"


def test_the_signing_key_is_private_and_kept(settings: Settings) -> None:
    first = key_id(local_signing_key(settings))
    assert key_id(local_signing_key(settings)) == first
    assert (settings.state_dir / "issuer" / "signing-key.pem").stat().st_mode & 0o077 == 0
