"""Bearer tokens: the good one is accepted; every forgery and misfit is refused."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.auth import verify
from app.auth.keys import key_id, local_jwks, local_signing_key
from app.auth.middleware import principal_from_request
from app.auth.tokens import issue_token
from app.auth.verify import AuthenticationError, Principal, TokenVerifier
from app.cli import main
from app.settings import Settings, get_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path, env="test")


def claims(settings: Settings, **changes: object) -> dict[str, object]:
    """Valid claims, with ``changes`` applied (None removes a claim)."""
    now = int(time.time())
    base = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "u1", "iat": now, "nbf": now,
            "exp": now + 600, "role": "practitioner", "agency": "CSC"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def sign(settings: Settings, body: dict[str, object], key: RSAKey | None = None) -> str:
    """Signed by ``key`` (the issuer's by default) but always under the issuer's kid."""
    return jwt.encode({"alg": "RS256", "kid": key_id(local_signing_key(settings))}, body,
                      key or local_signing_key(settings))


def b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def refused(settings: Settings, token: str) -> None:
    with pytest.raises(AuthenticationError):
        TokenVerifier(settings).verify(token)


def test_a_good_token_gives_its_principal(settings: Settings) -> None:
    token = issue_token(settings, subject="alice", role="analyst", agency="police")
    assert TokenVerifier(settings).verify(token) == Principal("alice", "POLICE", "analyst")


def test_an_audience_list_containing_ours_is_accepted(settings: Settings) -> None:
    token = sign(settings, claims(settings, aud=["another-api", settings.jwt_audience]))
    assert TokenVerifier(settings).verify(token).subject == "u1"


def test_alg_none_is_refused(settings: Settings) -> None:
    refused(settings, f"{b64({'alg': 'none', 'kid': key_id(local_signing_key(settings))})}.{b64(claims(settings))}.")


def test_a_wrong_signature_under_our_kid_is_refused(settings: Settings) -> None:
    refused(settings, sign(settings, claims(settings), key=RSAKey.generate_key(2048)))


def test_hs256_signed_with_the_public_key_is_refused(settings: Settings) -> None:
    # Signed by hand: joserfc will not even build a token keyed by a public key.
    public_pem = local_signing_key(settings).as_pem(private=False)
    signing_input = f"{b64({'alg': 'HS256', 'kid': key_id(local_signing_key(settings))})}.{b64(claims(settings))}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    refused(settings, f"{signing_input}.{b64(mac)}")


@pytest.mark.parametrize(
    "change",
    [{"iss": "https://evil.example"}, {"aud": "another-api"}, {"exp": int(time.time()) - 600},
     {"nbf": int(time.time()) + 600}, {"exp": None}, {"nbf": None}, {"role": None}, {"agency": None},
     {"role": "superuser"}, {"sub": None}, {"sub": ""}, {"agency": ["CSC"]}],
    ids=repr,
)
def test_claims_that_do_not_fit_are_refused(settings: Settings, change: dict[str, object]) -> None:
    refused(settings, sign(settings, claims(settings, **change)))


@pytest.mark.parametrize(
    "header", [[1], "x", {"alg": "RS256"}, {"alg": "RS256", "kid": ["k"]}, {"alg": ["RS256"], "kid": "k"}],
    ids=repr,
)
def test_malformed_headers_are_refused_not_crashed_on(settings: Settings, header: object) -> None:
    refused(settings, f"{b64(json.dumps(header).encode())}.{b64(claims(settings))}.c2ln")


def test_garbage_is_refused(settings: Settings) -> None:
    for token in ("", "a.b.c", "é.é.é", "only-one-segment"):
        refused(settings, token)


def test_small_clock_skew_is_tolerated(settings: Settings) -> None:
    token = sign(settings, claims(settings, nbf=int(time.time()) + 10, exp=int(time.time()) - 10))
    assert TokenVerifier(settings).verify(token).subject == "u1"


def test_an_unknown_kid_refreshes_the_jwks_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(verify, "monotonic", lambda: clock[0])
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(local_jwks(Settings(state_dir=tmp_path / "issuer"))))
    settings = Settings(state_dir=tmp_path, jwks=str(jwks_file))
    verifier = TokenVerifier(settings)

    def rotate_in(kid: str) -> str:
        key = RSAKey.generate_key(2048)
        jwks = json.loads(jwks_file.read_text())
        jwks_file.write_text(json.dumps({"keys": [*jwks["keys"], {**key.as_dict(private=False), "kid": kid}]}))
        return jwt.encode({"alg": "RS256", "kid": kid}, claims(settings), key)

    assert verifier.verify(rotate_in("second")).subject == "u1"  # the key was published after startup
    third = rotate_in("third")
    with pytest.raises(AuthenticationError, match="unknown key"):
        verifier.verify(third)  # within 30 s of the last refresh: no second fetch
    clock[0] += verify.REFRESH_INTERVAL_S
    assert verifier.verify(third).subject == "u1"
    never = jwt.encode({"alg": "RS256", "kid": "never-published"}, claims(settings), RSAKey.generate_key(2048))
    with pytest.raises(AuthenticationError, match="unknown key"):
        verifier.verify(never)


def test_a_failed_refresh_keeps_the_cached_keys(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    jwks_file = tmp_path / "jwks.json"
    issuer = Settings(state_dir=tmp_path / "issuer")
    jwks_file.write_text(json.dumps(local_jwks(issuer)))
    settings = Settings(state_dir=tmp_path, jwks=str(jwks_file))
    verifier = TokenVerifier(settings)
    jwks_file.write_text("not json")
    stranger = jwt.encode({"alg": "RS256", "kid": "stranger"}, claims(settings), RSAKey.generate_key(2048))
    with pytest.raises(AuthenticationError, match="unknown key"):
        verifier.verify(stranger)
    assert "JWKS refresh failed" in caplog.text
    good = issue_token(issuer.with_overrides(jwt_issuer=settings.jwt_issuer), subject="u1", role="auditor",
                       agency="CSC")
    assert verifier.verify(good).role == "auditor"


def test_a_remembered_token_still_expires(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    now = time.time()
    token = sign(settings, claims(settings, exp=int(now) + 60))
    verifier = TokenVerifier(settings)
    assert verifier.accepted(token) is None
    assert verifier.verify(token).subject == "u1"
    assert verifier.accepted(token) == Principal("u1", "CSC", "practitioner")
    monkeypatch.setattr(verify.time, "time", lambda: now + 60 + verify.CLOCK_SKEW_S + 1)
    assert verifier.accepted(token) is None
    with pytest.raises(AuthenticationError):
        verifier.verify(token)


def test_a_remembered_token_is_refused_once_its_key_is_withdrawn(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(verify, "monotonic", lambda: clock[0])
    old_key, new_key = RSAKey.generate_key(2048), RSAKey.generate_key(2048)
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [{**old_key.as_dict(private=False), "kid": "old"}]}))
    verifier = TokenVerifier(Settings(state_dir=tmp_path, jwks=str(jwks_file)))
    settings = verifier.settings
    old = jwt.encode({"alg": "RS256", "kid": "old"}, claims(settings), old_key)
    assert verifier.verify(old).subject == "u1"
    jwks_file.write_text(json.dumps({"keys": [{**new_key.as_dict(private=False), "kid": "new"}]}))
    clock[0] += verify.REFRESH_INTERVAL_S
    assert verifier.verify(jwt.encode({"alg": "RS256", "kid": "new"}, claims(settings), new_key)).subject == "u1"
    assert verifier.accepted(old) is None
    with pytest.raises(AuthenticationError, match="unknown key"):
        verifier.verify(old)


def test_the_signing_key_is_private_and_kept(settings: Settings) -> None:
    first = key_id(local_signing_key(settings))
    assert key_id(local_signing_key(settings)) == first
    assert (settings.state_dir / "issuer" / "signing-key.pem").stat().st_mode & 0o077 == 0


def request_with(authorization: str | None) -> Request:
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]
    return Request({"type": "http", "method": "POST", "path": "/graphql", "headers": headers})


def test_the_http_edge_reads_a_bearer_token(settings: Settings) -> None:
    token = issue_token(settings, subject="bob", role="reviewer", agency="CSC")
    principal = asyncio.run(principal_from_request(request_with(f"Bearer {token}"), TokenVerifier(settings)))
    assert principal == Principal("bob", "CSC", "reviewer")


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c"])
def test_the_http_edge_answers_a_bare_401(settings: Settings, authorization: str | None) -> None:
    with pytest.raises(HTTPException) as caught:
        asyncio.run(principal_from_request(request_with(authorization), TokenVerifier(settings)))
    assert caught.value.status_code == 401
    assert caught.value.headers == {"WWW-Authenticate": "Bearer"}


def test_mast_token_prints_only_a_token_the_verifier_accepts(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAST_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("NEO4J_PASSWORD", "unused")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        issued = runner.invoke(main, ["token", "--role", "integrator", "--agency", "police", "--sub", "svc-1"])
        published = runner.invoke(main, ["token", "--jwks"])
        missing = runner.invoke(main, ["token", "--role", "analyst"])
    finally:
        get_settings.cache_clear()
    assert issued.exit_code == 0 and issued.stdout.count("\n") == 1
    jwks_file = tmp_path / "published.json"
    jwks_file.write_text(published.stdout)
    verifier = TokenVerifier(Settings(state_dir=tmp_path / "elsewhere", jwks=str(jwks_file)))
    assert verifier.verify(issued.stdout.strip()) == Principal("svc-1", "POLICE", "integrator")
    assert missing.exit_code == 2


def test_production_never_trusts_the_local_issuer(tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError, match="MAST_JWKS is not set"):
        TokenVerifier(Settings(state_dir=tmp_path, env="production"))


def test_production_fetches_keys_only_over_https(tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError, match="https"):
        TokenVerifier(Settings(state_dir=tmp_path, env="production", jwks="http://idp.example/jwks.json"))
