"""Reading a partner extract: refuse a broken file whole, then stream its rows.

A first pass over the bytes computes the content hash and proves the file is UTF-8 text
with a usable header whose every row can be parsed before anything is written; the second
pass streams rows one at a time, so memory stays flat however large the file is.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from app.ingest.contract import ID_COLUMN, KNOWN, ExtractRefused, Header, canonical_column, map_columns, read_header

BOM = codecs.BOM_UTF8
_CHUNK = 1 << 20
# Fields of a real extract are short; this guards memory against a file with no quotes closed.
csv.field_size_limit(1 << 20)


@dataclass(frozen=True)
class SourceRow:
    """One row of an extract: its 1-based starting line and its known fields (or why it is
    unreadable), and ``raw``, the row as sent (a JSON line, or a CSV row's lines), so a
    rejected row is kept whole. ``not_text``: known JSON fields whose value is not text,
    left out of ``fields``, with the reason, to be reported as dropped."""

    line: int
    fields: dict[str, str]
    problem: str | None = None
    raw: str = ""
    not_text: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExtractInfo:
    path: Path
    format: str  # "csv" or "jsonl"
    content_hash: str
    lines: int
    unknown_columns: tuple[str, ...]
    unnamed_columns: tuple[int, ...] = ()  # 1-based numbers of CSV columns with a blank name
    unnamed_key_line: int | None = None  # first JSON line with a blank key
    duplicate_columns: tuple[str, ...] = ()  # known columns named again; the first is kept


@dataclass(frozen=True)
class Keys:
    """What a JSON Lines file's keys (or an API call's) tell, as a CSV header would: the
    unknown names, the first line holding a key with a blank name (a JSON object's keys have
    no column number to give), and the known names some object gives twice."""

    unknown: tuple[str, ...]
    unnamed_line: int | None
    duplicates: tuple[str, ...]


def inspect(path: Path) -> ExtractInfo:
    """Check the whole file before any write; raises ExtractRefused with one clear reason."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    head = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if b"\x00" in chunk:
                raise ExtractRefused("the file is binary, not CSV or JSON Lines text")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                raise ExtractRefused("the file is not UTF-8 text") from error
            digest.update(chunk)
            lines += chunk.count(b"\n")
            if len(head) < _CHUNK:
                head += chunk[: _CHUNK - len(head)]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise ExtractRefused("the file is not UTF-8 text") from error
    text = head.removeprefix(BOM).decode("utf-8", errors="ignore")
    if not text.strip():
        raise ExtractRefused("the file is empty")
    if _is_jsonl(text):
        keys = read_keys(_jsonl_objects(path), f"no line of the file has a '{ID_COLUMN}' field")
        return ExtractInfo(path=path, format="jsonl", content_hash=digest.hexdigest(), lines=lines,
                           unknown_columns=keys.unknown, unnamed_key_line=keys.unnamed_line,
                           duplicate_columns=keys.duplicates)
    header = _csv_header(text)
    _check_csv_rows(path)
    return ExtractInfo(path=path, format="csv", content_hash=digest.hexdigest(), lines=lines,
                       unknown_columns=header.unknown, unnamed_columns=header.unnamed,
                       duplicate_columns=header.duplicates)


def _is_jsonl(text: str) -> bool:
    """JSON Lines when the first non-blank line is an object, or when the file does not begin
    with a CSV header naming a contract column and a line starts with a brace (so a bad first
    line is rejected as a row, not the file refused as CSV); a CSV file whose header names
    the contract's columns is never read as JSON Lines."""
    body = text.lstrip()
    if body.startswith("{") and _is_json_object(body.splitlines()[0]):
        return True
    if _names_a_contract_column(body):
        return False
    return body.startswith("{") or any(line.lstrip().startswith("{") for line in body.splitlines()[1:])


def _is_json_object(line: str) -> bool:
    """Whether a line is a JSON object (a CSV header such as ``{legacy id},source_person_id``
    starts with a brace too)."""
    try:
        return isinstance(_loads(line), dict)
    except ValueError:
        return False


def _names_a_contract_column(text: str) -> bool:
    try:
        first = _header_row(csv.reader(io.StringIO(text)))
    except csv.Error:
        return False
    return any(canonical_column(name) in KNOWN for name in first)


def _csv_header(text: str) -> Header:
    try:
        first = _header_row(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ExtractRefused("the file is not CSV: its header row cannot be read") from error
    return read_header(first)


# A quote left open swallows the rest of the file into one field: past the field limit the
# reader fails, short of it the lenient reader returns the field, which is only caught
# strictly, as an unexpected end of data.
_SWALLOWED = {"field larger than field limit": "a field runs past the 1 MiB limit (is a quote left open?)",
              "unexpected end of data": "a quote is left open to the end of the file"}


def _check_csv_rows(path: Path) -> None:
    """Parse every row once, strictly, so a quote left open (to the end of the file, or for
    more than the field limit) refuses the file here instead of landing part of it. Other
    strict complaints (a character after a closing quote) are left to the lenient reader of
    the second pass, which reads such a row and goes on."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        done = 0  # lines read by the readers before the current one
        while True:
            reader = csv.reader(handle, strict=True)
            start = done + 1
            try:
                for _ in reader:
                    start = done + reader.line_num + 1
                return
            except csv.Error as error:
                reason = next((text for key, text in _SWALLOWED.items() if key in str(error)), None)
                if reason:
                    raise ExtractRefused(f"the file is not readable CSV from line {start}: {reason}") from error
                done += reader.line_num


def read_keys(objects: Iterable[tuple[int, object]], refusal: str) -> Keys:
    """JSON Lines has no header: the union of keys plays its part, so each unknown, blank or
    repeated name is warned about once per file, not per line; each object's keys are mapped
    like a header, so two keys naming one column (``given_name``, ``Given_Name``) are a
    duplicate only within one object. Refused (``refusal``) when no object has the id field."""
    keys: dict[str, None] = {}
    duplicates: dict[str, None] = {}
    unnamed_line: int | None = None
    for line, obj in objects:
        if not isinstance(obj, Mapping):
            continue
        names = [canonical_column(str(k)) for k in (*obj, *getattr(obj, "repeated", ()))]
        distinct = dict.fromkeys(names)
        keys.update(distinct)
        if len(distinct) < len(names) or "" in distinct:  # rare, so mapped only then
            mapped = map_columns(names)
            if unnamed_line is None and mapped.unnamed:
                unnamed_line = line
            duplicates.update(dict.fromkeys(mapped.duplicates))
    if ID_COLUMN not in keys:
        raise ExtractRefused(refusal)
    return Keys(unknown=map_columns(list(keys)).unknown, unnamed_line=unnamed_line, duplicates=tuple(duplicates))


def _jsonl_objects(path: Path) -> Iterator[tuple[int, object]]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for line, text in enumerate(handle, start=1):
            if text.strip():
                try:
                    yield line, _loads(text)
                except json.JSONDecodeError:
                    yield line, None


def rows(info: ExtractInfo) -> Iterator[SourceRow]:
    """Stream the file's rows with the line each starts on."""
    if info.format == "jsonl":
        return _jsonl_rows(info.path)
    return _csv_rows(info.path)


class _Lines:
    """A file's lines as the CSV reader takes them, holding those of the row it is reading (it
    reads no further than a row's end), so a rejected row is kept exactly as it was sent."""

    def __init__(self, handle: Iterator[str]) -> None:
        self._handle = handle
        self._taken: list[str] = []

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self._taken.append(line)
        return line

    def row_text(self) -> str:
        """The lines read since the last call, without the row's line break."""
        text = "".join(self._taken).rstrip("\r\n")
        self._taken.clear()
        return text


def _csv_rows(path: Path) -> Iterator[SourceRow]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        lines = _Lines(handle)
        reader = csv.reader(lines)
        header = read_header(_header_row(reader))
        lines.row_text()
        start = reader.line_num + 1
        for values in reader:
            line, start, raw = start, reader.line_num + 1, lines.row_text()
            if _blank(values):
                continue
            if len(values) != header.width:
                yield SourceRow(line=line, fields={}, raw=raw,
                                problem=f"the row has {len(values)} fields but the header has {header.width}")
                continue
            yield SourceRow(line=line, fields={name: values[i] for name, i in header.positions.items()}, raw=raw)


def _header_row(reader: Iterator[list[str]]) -> list[str]:
    """The first row that is not blank (none: no header): blank lines before the header are
    skipped, so line numbers stay the file's own."""
    return next((values for values in reader if not _blank(values)), [])


def _blank(values: list[str]) -> bool:
    return not values or (len(values) == 1 and not values[0].strip())


def _jsonl_rows(path: Path) -> Iterator[SourceRow]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            raw = text.rstrip("\r\n")
            try:
                obj = _loads(text)
            except TooDeep:
                yield SourceRow(line=line, fields={}, problem="the line is nested too deeply to read", raw=raw)
                continue
            except json.JSONDecodeError:
                yield SourceRow(line=line, fields={}, problem="the line is not valid JSON", raw=raw)
                continue
            if not isinstance(obj, dict):
                yield SourceRow(line=line, fields={}, problem="the line is not a JSON object", raw=raw)
                continue
            yield mapping_row(line, obj, raw)


class JsonObject(dict):  # type: ignore[type-arg]
    """A JSON object that named a key more than once: the first value is kept, as a CSV
    header's first column is, and the names given again are kept to be warned about."""

    repeated: tuple[str, ...] = ()


def first_of_each_key(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """``object_pairs_hook`` for ``json.loads``: a plain parse keeps the last of a repeated key,
    silently dropping the value given first."""
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    first = JsonObject()
    for key, value in pairs:
        first.setdefault(key, value)
    first.repeated = tuple(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
    return first


class NotJson:
    """NaN, Infinity or -Infinity: Python's parser reads them, but JSON has no such values
    (``parse_constant`` for ``json.loads``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


class TooDeep(json.JSONDecodeError):
    """A line nested deeper than Python's parser can follow (it would crash the load)."""


def _loads(text: str) -> object:
    """A JSON line, its integers kept as the digits sent: a field takes them as text anyway,
    and Python refuses to convert an integer of over 4,300 digits (the load would crash)."""
    try:
        return json.loads(text, parse_int=str, parse_constant=NotJson, object_pairs_hook=first_of_each_key)
    except RecursionError:
        raise TooDeep("nested too deeply to read", text, 0) from None


# A field's value must be text: a string, null (an empty value, as an empty CSV cell) or a
# JSON integer (its digits: a UPRN or NHS number sent as a number). Anything else is dropped.
_NOT_TEXT = ((NotJson, "NaN or Infinity, which JSON does not have, not text"),
             (bool, "a JSON true or false, not text"), (float, "a JSON number with a fraction or exponent, not text"),
             (list, "a JSON array, not text"), (dict, "a JSON object, not text"))


def mapping_row(line: int, obj: Mapping[object, object], raw: str) -> SourceRow:
    """A JSON object (or API row) as a row: its known fields, keys matched like a header (of
    two keys naming one column, the first is kept, as a CSV header's first column is), and
    those whose value is not text set aside with the reason."""
    fields: dict[str, str] = {}
    not_text: dict[str, str] = {}
    for key, value in obj.items():
        name = canonical_column(str(key))
        if name not in KNOWN or name in fields or name in not_text:
            continue
        if value is None:
            fields[name] = ""
        elif isinstance(value, str):
            fields[name] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            fields[name] = str(value)
        else:
            not_text[name] = next((reason for kind, reason in _NOT_TEXT if isinstance(value, kind)), "not text")
    return SourceRow(line=line, fields=fields, raw=raw, not_text=not_text)
