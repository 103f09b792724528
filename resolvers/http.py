"""The /graphql endpoint: POST only, bounded body, bearer token checked before anything
runs (401 is an HTTP answer, not a GraphQL error), and one audit event appended before the
response leaves; if the audit cannot be written the caller gets a 500, never the data."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from cross_web import HTTPException

from app.audit.log import AuditWriteError, append_event_async
from app.auth.middleware import principal_from_request
from app.auth.verify import TokenVerifier
from app.ingest.extract import NotJson, first_of_each_key
from app.pseudonyms import Pseudonymiser, pseudonym_key
from app.settings import Settings
from resolvers.context import PURPOSE_HEADER, RequestContext
from resolvers.schema import build_schema

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
MAX_PURPOSE_CHARS = 200


class BodyTooLarge(Exception):
    pass


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body, refusing it as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class MastGraphQL(GraphQL):
    """Strawberry's ASGI view with MAST's authentication, limits and audit around it."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.is_development else None,
            allow_queries_via_get=False,
            multipart_uploads_enabled=False,
        )
        self.settings = settings
        self.verifier = TokenVerifier(settings)
        self.pseudonymiser = Pseudonymiser(pseudonym_key(settings))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        response = await self.handle(scope, receive)
        await response(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive) -> Response:
        if scope["method"] == "GET" and self.graphql_ide and "text/html" in Request(scope).headers.get("accept", ""):
            return await self.render_graphql_ide(Request(scope))
        if scope["method"] != "POST":
            return PlainTextResponse("Use POST for GraphQL requests.", status_code=405, headers={"Allow": "POST"})
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
            return PlainTextResponse("Request body too large.", status_code=413)
        try:
            body = await read_body(receive, MAX_BODY_BYTES)
        except BodyTooLarge:
            return PlainTextResponse("Request body too large.", status_code=413)
        request = Request(scope, replay(body))
        principal = await principal_from_request(request, self.verifier)
        context = RequestContext(
            principal=principal,
            graph=request.app.state.graph,
            settings=self.settings,
            purpose=_purpose(request),
            pseudonymiser=self.pseudonymiser,
        )
        try:
            response = await self.run(request, context=context)
        except HTTPException as error:
            response = PlainTextResponse(error.reason, status_code=error.status_code)
        if context.audit.touched:
            try:
                await append_event_async(context.graph, context.audit.event(principal, context.purpose))
            except AuditWriteError:
                log.error("audit write failed for subject %s; response withheld", principal.subject)
                return JSONResponse({"errors": [{"message": "Internal error."}]}, status_code=500)
        return response

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry turns only JSONDecodeError into a 400; a body that is not UTF-8, nested past
        the decoder's recursion limit, or not an object (or a batch, which strawberry refuses
        itself) would otherwise escape as a 500."""
        try:
            parsed = json.loads(data, object_pairs_hook=first_of_each_key, parse_int=_integer, parse_constant=NotJson)
        except (ValueError, RecursionError) as error:
            raise HTTPException(400, "Unable to parse request body as JSON") from error
        if not isinstance(parsed, (dict, list)):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed

    async def get_context(self, request: Any, response: Any) -> Any:
        raise RuntimeError("the context is built in handle(), after authentication")


def _integer(digits: str) -> int | str:
    """An integer, or its digits past the length Python converts (an ingestRecords row's value
    reads them as text, as a JSON Lines file's does; anywhere else they are a type error)."""
    return int(digits) if len(digits) <= 4000 else digits


def _purpose(request: Request) -> str | None:
    value = " ".join(request.headers.get(PURPOSE_HEADER, "").split())[:MAX_PURPOSE_CHARS]
    return value or None
