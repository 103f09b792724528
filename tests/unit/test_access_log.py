"""The web server's access log names paths, never query strings."""

from __future__ import annotations

import logging

from app.web import PathOnly


def test_the_access_line_keeps_the_path_and_drops_the_query_string() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", '/graphql?query={searchPeople(name:"Ann Lee")}', "1.1", 405),
                               None)
    assert PathOnly().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /graphql HTTP/1.1" 405'
