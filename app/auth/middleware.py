"""Authentication at the HTTP edge: a bearer token or a 401."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.auth.verify import AuthenticationError, Principal, TokenVerifier
from app.blocking import run_blocking

log = logging.getLogger(__name__)


def _unauthorised() -> HTTPException:
    """The same bare 401 for every failure: the reason goes to the log, not to the caller."""
    return HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})


async def principal_from_request(request: Request, verifier: TokenVerifier) -> Principal:
    """The caller of ``request``. A token seen before is answered here; a new one is verified
    in a thread, since a key refresh may fetch the JWKS."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised()
    principal = verifier.accepted(token.strip())
    if principal is not None:
        return principal
    try:
        return await run_blocking(verifier.verify, token.strip())
    except AuthenticationError as error:
        log.info("bearer token refused: %s", error)
        raise _unauthorised() from error
