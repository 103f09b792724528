"""Reading a partner extract file: how its format is told and what its rows carry."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ingest.contract import ExtractRefused
from app.ingest.extract import inspect, rows
from app.ingest.pipeline import IngestSummary, summary_lines


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extract"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("first, problem", [("[1,2]", "the line is not a JSON object"),
                                            ('"hdr"', "the line is not a JSON object"),
                                            ("not json", "the line is not valid JSON")])
def test_json_lines_whose_first_line_is_not_an_object_are_read_as_json_lines(tmp_path: Path, first: str,
                                                                             problem: str) -> None:
    info = inspect(write(tmp_path, first + '\n{"source_person_id":"H1","given_name":"Ann"}\n'))
    assert info.format == "jsonl"
    assert [(r.line, r.problem, r.fields) for r in rows(info)] == [
        (1, problem, {}), (2, None, {"source_person_id": "H1", "given_name": "Ann"})]


def test_a_json_line_nested_past_what_python_can_read_is_rejected_alone(tmp_path: Path) -> None:
    deep = '{"source_person_id":"P2","town":' + "[" * 200_000 + "]" * 200_000 + "}"
    info = inspect(write(tmp_path, '{"source_person_id":"P1","given_name":"Ann"}\n' + deep + "\n"))
    assert [(r.line, r.problem) for r in rows(info)] == [(1, None), (2, "the line is nested too deeply to read")]


def test_a_csv_file_with_a_row_starting_with_a_brace_stays_csv(tmp_path: Path) -> None:
    info = inspect(write(tmp_path, 'source_person_id,given_name\n{"a":1},Ann\n'))
    assert info.format == "csv"
    assert [r.fields for r in rows(info)][0] == {"source_person_id": '{"a":1}', "given_name": "Ann"}


def test_a_csv_header_whose_first_name_starts_with_a_brace_stays_csv(tmp_path: Path) -> None:
    info = inspect(write(tmp_path, "{legacy id},source_person_id,given_name\nL0,C3,Dee\n"))
    assert (info.format, info.unknown_columns) == ("csv", ("{legacy id}",))
    assert [r.fields for r in rows(info)] == [{"source_person_id": "C3", "given_name": "Dee"}]


def test_a_key_that_is_not_valid_unicode_is_named_by_its_escape(tmp_path: Path) -> None:
    """Printing the warning for it crashed the CLI after the batch had landed."""
    info = inspect(write(tmp_path, '{"source_person_id":"U4","given_name":"Bo","\\ud800key":"v"}\n'))
    assert info.unknown_columns == ("\\ud800key",)
    assert "\n".join(info.unknown_columns).encode("utf-8")


def test_a_key_with_a_line_break_or_nul_is_named_by_its_escapes(tmp_path: Path) -> None:
    """Printed as sent, a key could forge a line of the CLI's report."""
    info = inspect(write(tmp_path, '{"source_person_id":"U4","given_name":"Bo","x\\nwarning: forged\\u0000":"v"}\n'))
    assert info.unknown_columns == ("x\\nwarning: forged\\x00",)


def test_a_file_of_neither_kind_is_still_refused_for_its_missing_header(tmp_path: Path) -> None:
    with pytest.raises(ExtractRefused, match="no header row"):
        inspect(write(tmp_path, "[1,2]\n3\n"))


def test_a_column_with_a_blank_name_is_warned_about_like_an_unknown_one(tmp_path: Path) -> None:
    info = inspect(write(tmp_path, "source_person_id,given_name,family_name,,notes\nP1,Amy,Jones,x,y\n"))
    assert (info.unknown_columns, info.unnamed_columns) == (("notes",), (4,))
    summary = IngestSummary(None, "CSC", "delta", "", unknown_columns=list(info.unknown_columns),
                            unnamed_columns=list(info.unnamed_columns))
    warnings = [line for line in summary_lines(summary) if line.startswith("warning")]
    assert warnings == ["warning: unknown column ignored: notes", "warning: column 4 has no name; its values are ignored"]


def test_a_json_key_with_a_blank_name_is_warned_about_once_by_its_first_line(tmp_path: Path) -> None:
    """A JSON object's keys have no column number, so the warning gives the first line with one."""
    text = ('{"source_person_id":"P1","given_name":"Amy"}\n'
            '{"source_person_id":"P2","given_name":"Bo","":"x"}\n'
            '{"source_person_id":"P3","given_name":"Cy","  ":"y","notes":"z"}\n')
    info = inspect(write(tmp_path, text))
    assert (info.unknown_columns, info.unnamed_columns, info.unnamed_key_line) == (("notes",), (), 2)
    assert [r.fields for r in rows(info)][1:] == [{"source_person_id": "P2", "given_name": "Bo"},
                                                  {"source_person_id": "P3", "given_name": "Cy"}]
    summary = IngestSummary(None, "CSC", "delta", "", unknown_columns=list(info.unknown_columns),
                            unnamed_key_line=info.unnamed_key_line)
    assert [line for line in summary_lines(summary) if line.startswith("warning")] == [
        "warning: unknown column ignored: notes",
        "warning: line 2 has a field with no name; fields with no name are ignored on every line"]


def test_a_csv_column_named_again_is_ignored_and_the_first_kept(tmp_path: Path) -> None:
    info = inspect(write(tmp_path, "source_person_id,given_name,notes,GIVEN_NAME ,Notes\nP1,Amy,x,Zed,y\n"))
    assert (info.unknown_columns, info.duplicate_columns) == (("notes",), ("given_name",))
    assert [r.fields for r in rows(info)] == [{"source_person_id": "P1", "given_name": "Amy"}]
    summary = IngestSummary(None, "CSC", "delta", "", unknown_columns=list(info.unknown_columns),
                            duplicate_columns=list(info.duplicate_columns))
    assert [line for line in summary_lines(summary) if line.startswith("warning")] == [
        "warning: unknown column ignored: notes", "warning: column named again ignored, the first is kept: given_name"]


def test_a_json_key_named_again_in_its_object_is_ignored_and_the_first_kept(tmp_path: Path) -> None:
    """Keys of different lines never clash: each object is mapped like a header of its own."""
    text = ('{"source_person_id":"P1","given_name":"Amy","Given_Name ":"Zed","Foo":1}\n'
            '{"source_person_id":"P2","GIVEN_NAME":"Bo","foo":2}\n')
    info = inspect(write(tmp_path, text))
    assert (info.unknown_columns, info.duplicate_columns) == (("foo",), ("given_name",))
    assert [r.fields["given_name"] for r in rows(info)] == ["Amy", "Bo"]


def test_a_json_key_given_twice_exactly_keeps_its_first_value(tmp_path: Path) -> None:
    info = inspect(write(tmp_path, '{"source_person_id":"P1","given_name":"Amy","given_name":"Zed"}\n'))
    assert info.duplicate_columns == ("given_name",)
    assert [r.fields["given_name"] for r in rows(info)] == ["Amy"]


def test_a_json_value_is_text_null_or_an_integer_and_anything_else_is_set_aside(tmp_path: Path) -> None:
    big = "9" * 5000  # past Python's int-to-text limit: read as the digits sent, not a crash
    text = ('{"source_person_id":"P1","given_name":null,"uprn":12345,"nhs_number":9434765919,"town":["Leeds"],'
            '"address_line_1":{"n":1},"status":true,"sex":1.0,"lead_phone":1e5,"lead_email":NaN,"lead_role":-Infinity,'
            '"involvement_id":' + big + '}\n')
    [row] = rows(inspect(write(tmp_path, text)))
    assert row.fields == {"source_person_id": "P1", "given_name": "", "uprn": "12345", "nhs_number": "9434765919",
                          "involvement_id": big}
    assert row.not_text == {"town": "a JSON array, not text", "address_line_1": "a JSON object, not text",
                            "status": "a JSON true or false, not text",
                            "sex": "a JSON number with a fraction or exponent, not text",
                            "lead_phone": "a JSON number with a fraction or exponent, not text",
                            "lead_email": "NaN or Infinity, which JSON does not have, not text",
                            "lead_role": "NaN or Infinity, which JSON does not have, not text"}


def test_blank_lines_before_the_header_are_skipped_and_lines_keep_their_numbers(tmp_path: Path) -> None:
    info = inspect(write(tmp_path, "\n \nsource_person_id,given_name\nP1,Amy\n"))
    assert info.format == "csv"
    assert [(r.line, r.fields) for r in rows(info)] == [(4, {"source_person_id": "P1", "given_name": "Amy"})]
