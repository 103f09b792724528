"""The partner extract contract, rule by rule, against a real Neo4j."""

from __future__ import annotations

import csv
import importlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app.db import Graph
from app.ingest.contract import ExtractRefused
from app.ingest.pipeline import ingest_file, ingest_rows
from app.resolution.run import resolve
from app.search import build_query, search_people
from app.settings import Settings
from graph_schema.migrations import CODE_VERSION
from resolvers.data import lineage

HEADER = "source_person_id,given_name,family_name,date_of_birth,nhs_number,address_line_1,town,postcode,involvement_type,involvement_start,status\n"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def graph_dump(graph: Graph) -> list[Any]:
    """Everything in the graph but timestamps, in a stable order, to prove a reload changed nothing."""
    nodes = graph.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels = graph.run(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
        "coalesce(a.id, a.code) AS a, coalesce(b.id, b.code) AS b"
    )
    return sorted(repr(row) for row in nodes + rels)


def record(graph: Graph, rid: str) -> dict[str, Any]:
    rows = graph.run("MATCH (s:SourceRecord {id: $id}) RETURN properties(s) AS s", id=rid)
    return rows[0]["s"] if rows else {}


def count(graph: Graph, label: str) -> int:
    return graph.run(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]


def test_csv_with_bom_and_quoted_newlines_lands(graph: Graph, tmp_path: Path) -> None:
    text = (
        "\ufeff" + HEADER
        + 'P1,Amy,Jones,2010-03-04,943 476 5919,"Flat 2, 14 Park Road",Leeds,ls6 2ab,"Child\nProtection Plan",2024-01-05,open\n'
        + "P2,Ben,Smith,04/03/2011,111-111-1111,3 Mill Lane,Leeds,LS6 2AB,Child in Need,2024-02-01,closed\n"
    )
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "csc.csv", text))
    assert (summary.rows_read, summary.rows_landed, summary.rows_rejected, summary.fields_dropped) == (2, 2, 0, 0)
    assert summary.records_created == 2 and summary.involvements_created == 2
    amy = record(graph, "CSC:P1")
    assert amy["name_variants"] == ["Amy||Jones"]
    assert [d.iso_format() for d in amy["dobs"]] == ["2010-03-04"]
    assert amy["nhs_numbers"] == ["9434765919"]
    assert amy["needs_resolution"] is True and amy["retired"] is False
    assert [d.iso_format() for d in record(graph, "CSC:P2")["dobs"]] == ["2011-03-04"]
    assert record(graph, "CSC:P2")["nhs_numbers"] == ["1111111111"]  # a placeholder passes Modulus 11: kept, never matched on
    types = {r["t"] for r in graph.run("MATCH (i:Involvement) RETURN i.involvement_type AS t")}
    assert types == {"Child Protection Plan", "Child in Need"}  # whitespace inside a value is collapsed
    postcodes = {r["p"] for r in graph.run("MATCH (a:SourceAddress) RETURN a.postcode AS p")}
    assert postcodes == {"LS6 2AB"}


def test_header_is_case_insensitive_order_free_and_unknown_columns_warn(graph: Graph, tmp_path: Path) -> None:
    text = " Family_Name ,FAVOURITE_COLOUR,Source_Person_ID,Given_Name\nJones,blue,P1,Amy\n"
    summary = ingest_file(graph, tmp_path, "police", write(tmp_path / "p.csv", text))
    assert summary.unknown_columns == ["favourite_colour"]
    assert summary.rows_landed == 1
    assert record(graph, "POLICE:P1")["name_variants"] == ["Amy||Jones"]


def test_a_column_with_no_name_gets_a_warning_too(graph: Graph, tmp_path: Path) -> None:
    text = "source_person_id,given_name,family_name,,notes\nP1,Amy,Jones,x,y\n"
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "u.csv", text))
    assert (summary.unknown_columns, summary.unnamed_columns, summary.rows_landed) == (["notes"], [4], 1)


def test_a_csv_column_named_twice_is_ignored_after_the_first_and_the_file_lands(graph: Graph, tmp_path: Path) -> None:
    """Not one of the contract's refusals: the file lands, the later column is warned about."""
    text = "source_person_id,given_name,family_name, Given_Name \nP1,Amy,Jones,Zed\n"
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "d.csv", text))
    assert (summary.duplicate_columns, summary.rows_landed) == (["given_name"], 1)
    assert record(graph, "CSC:P1")["name_variants"] == ["Amy||Jones"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("P1,Amy,Jones\nP2,Ben,Smith\n", "no header row"),
        ("given_name,family_name\nAmy,Jones\n", "no 'source_person_id' column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"source_person_id,given_name\nP1,Am\xe9lie\n", "not UTF-8"),
        ("", "empty"),
        ('{"given_name": "Amy"}\n', "no line of the file has a 'source_person_id'"),
    ],
)
def test_broken_files_are_refused_whole_and_the_graph_untouched(
    graph: Graph, tmp_path: Path, content: str | bytes, reason: str
) -> None:
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "ok.csv", HEADER + "P9,Zed,Ox,,,,,,,,\n"))
    before = graph_dump(graph)
    with pytest.raises(ExtractRefused, match=reason):
        ingest_file(graph, tmp_path, "CSC", write(tmp_path / "bad.csv", content))
    assert graph_dump(graph) == before


def test_a_quote_left_open_past_the_field_limit_refuses_the_file_before_any_write(
        graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two rows, so the ten rows before the bad one would land if the load began."""
    monkeypatch.setattr(importlib.import_module("app.ingest.pipeline"), "CHUNK_ROWS", 2)
    text = ("source_person_id,given_name,family_name,involvement_type\n"
            + "".join(f"V{n},Amy,Jones,Type A\n" for n in range(10))
            + 'V-bad,"Unclosed,Synth,Type A\n'
            + "".join(f"W{n},Ben,Ray,Type B\n" for n in range(60000)))
    before = graph_dump(graph)
    with pytest.raises(ExtractRefused, match=r"not readable CSV from line 12: .*1 MiB.*quote left open"):
        ingest_file(graph, tmp_path, "CSC", write(tmp_path / "open-quote.csv", text))
    assert graph_dump(graph) == before


def test_a_quote_left_open_to_the_end_of_the_file_refuses_it_before_any_write(graph: Graph, tmp_path: Path) -> None:
    """Under the field limit the lenient reader took the rest of the file as one address:
    2,990 rows vanished without a report, and a snapshot retired their records."""
    text = ("source_person_id,given_name,address_line_1\n" + "".join(f"V{n},Amy,1 Main St\n" for n in range(9))
            + 'Z9,Ann,"9 Park Road\n' + "".join(f"W{n},Ben,2 Mill Lane\n" for n in range(2990)))
    before = graph_dump(graph)
    with pytest.raises(ExtractRefused, match=r"not readable CSV from line 11: a quote is left open to the end"):
        ingest_file(graph, tmp_path, "CSC", write(tmp_path / "open-to-end.csv", text), mode="snapshot")
    assert graph_dump(graph) == before


def test_a_character_after_a_closing_quote_is_read_leniently_and_the_file_lands(graph: Graph, tmp_path: Path) -> None:
    text = 'source_person_id,given_name,family_name\nP1,"Amy"x,Jones\nP2,Ben,Ray\n'
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "stray.csv", text))
    assert (summary.rows_landed, summary.rows_rejected) == (2, 0)


@pytest.mark.parametrize("version, advice", [(4, "run 'mast db migrate' first"), (99, "upgrade MAST")])
def test_a_graph_at_another_schema_version_is_refused_untouched(graph: Graph, tmp_path: Path, version: int,
                                                                 advice: str) -> None:
    before = graph_dump(graph)
    graph.run("MATCH (v:SchemaVersion {id: 'mast'}) SET v.version = $v", v=version)
    try:
        with pytest.raises(ExtractRefused, match=advice):
            ingest_file(graph, tmp_path, "CSC", write(tmp_path / "a.csv", HEADER + "P1,Amy,Jones,,,,,,,,\n"))
        with pytest.raises(ExtractRefused, match=advice):
            ingest_rows(graph, tmp_path, "CSC", [{"source_person_id": "P1", "given_name": "Amy"}])
    finally:
        graph.run("MATCH (v:SchemaVersion {id: 'mast'}) SET v.version = $v", v=CODE_VERSION)
    assert graph_dump(graph) == before


def test_rows_without_id_or_name_are_rejected_with_line_numbers_and_kept(graph: Graph, tmp_path: Path) -> None:
    text = HEADER + ",Amy,Jones,,,,,,,,\n" + "P2,,,,,,,,,,\n" + "P3,Cat,Lee,,,,,,,,\n" + "P4,Dan\n"
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "csc.csv", text))
    assert (summary.rows_read, summary.rows_landed, summary.rows_rejected) == (4, 1, 3)
    with open(summary.rejects_file, newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["line"], r["reason"]) for r in rejects] == [
        ("2", "missing source_person_id"),
        ("3", "neither given_name nor family_name is given"),
        ("5", "the row has 2 fields but the header has 11"),
    ]
    assert rejects[0]["given_name"] == "Amy" and rejects[2]["unparsed_row"] == "P4,Dan"
    assert Path(summary.rejects_file).stat().st_mode & 0o077 == 0
    assert count(graph, "SourceRecord") == 1
    batch = graph.run("MATCH (b:IngestBatch) RETURN properties(b) AS b")[0]["b"]
    assert (batch["rows_rejected"], batch["rows_landed"], batch["status"]) == (3, 1, "completed")


def test_rejected_rows_are_kept_as_sent_with_unknown_and_unnamed_cells(graph: Graph, tmp_path: Path) -> None:
    rejected = ['P2,"",,"kept","note, with comma"', 'P3,,,,"two\r\nlines"']  # kept byte for byte, not re-quoted
    text = 'source_person_id,given_name,family_name,,notes\r\nP1,Amy,Jones,,\r\n' + "\r\n".join(rejected) + "\r\n"
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "r.csv", text))
    lines = ['{"source_person_id": "J1", "given_name": "Amy"}', '{"given_name": "Bo", "colour": "red"}']
    jsonl = ingest_file(graph, tmp_path, "NHS", write(tmp_path / "r.jsonl", "\n".join(lines) + "\n"))
    api = ingest_rows(graph, tmp_path, "POLICE", [{"source_person_id": "A1", "given_name": "Amy"},
                                                  {"source_person_id": "A2", "colour": "red"}])
    sent = []
    assert (summary.rows_rejected, jsonl.rows_rejected, api.rows_rejected) == (2, 1, 1)
    for result in (summary, jsonl, api):
        with open(result.rejects_file, newline="") as handle:
            sent += [r["unparsed_row"] for r in csv.DictReader(handle)]
        assert Path(result.rejects_file).stat().st_mode & 0o077 == 0
    assert sent == [*rejected, lines[1], '{"source_person_id": "A2", "colour": "red"}']


def test_names_in_other_scripts_land_as_recorded_and_are_searched_transliterated(graph: Graph, tmp_path: Path) -> None:
    text = "source_person_id,given_name,family_name,date_of_birth\nB12,Зорка,,2010-03-04\nB13,,李,\nB14,😀,,\n"
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "csc.csv", text))
    assert (summary.rows_landed, summary.rows_rejected) == (3, 0)
    zorka, li, emoji = record(graph, "CSC:B12"), record(graph, "CSC:B13"), record(graph, "CSC:B14")
    assert (zorka["name_variants"], li["name_variants"]) == (["Зорка||"], ["||李"])
    assert (zorka["names_text"], li["names_text"], emoji["names_text"]) == ("zorka", "li", "")
    assert count(graph, "NameToken") == 2
    resolve(graph)
    people = graph.run("MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p:Person) RETURN s.id AS s, p.id AS p")
    assert {row["s"] for row in people} == {"CSC:B12", "CSC:B13", "CSC:B14"}
    for typed in ("Зорка", "Zorka", "Zorca"):
        found = search_people(graph, build_query(typed, None, None, None), 10, pseudonymous=False)
        assert found.ranked[0].record_id == "CSC:B12"


def test_a_record_stored_before_its_names_were_searchable_gets_them_when_sent_again(graph: Graph,
                                                                                    tmp_path: Path) -> None:
    """Names in other scripts were stored with no search terms before they were transliterated:
    a later file with the same row (not a repeat of the same file) brings the terms in."""
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "a.csv", "source_person_id,given_name\nB12,Зорка\n"))
    graph.run("MATCH (s:SourceRecord {id: 'CSC:B12'}) SET s.names_text = ''")  # as an earlier MAST stored it
    text = "source_person_id,given_name\nB12,Зорка\nB20,Ann\n"
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "b.csv", text))
    assert record(graph, "CSC:B12")["names_text"] == "zorka"


def test_bad_values_are_dropped_as_fields_with_warnings_while_the_row_lands(graph: Graph, tmp_path: Path) -> None:
    text = HEADER + "P1,Amy,Jones,2023-02-30,943 476 5918,1 Main St,Boston,02134,Visit,yesterday,pending\n"
    summary = ingest_file(graph, tmp_path, "NHS", write(tmp_path / "nhs.csv", text))
    assert (summary.rows_landed, summary.fields_dropped) == (1, 5)
    with open(summary.warnings_file, newline="") as handle:
        warnings = {(r["line"], r["field"]) for r in csv.DictReader(handle)}
    assert warnings == {("2", f) for f in ("date_of_birth", "nhs_number", "postcode", "involvement_start", "status")}
    amy = record(graph, "NHS:P1")
    assert amy["dobs"] == [] and amy["nhs_numbers"] == []
    address = graph.run("MATCH (a:SourceAddress) RETURN properties(a) AS a")[0]["a"]
    assert address["postcode"] == "02134" and address["postcode_flagged"] is True
    text_out = Path(summary.warnings_file).read_text()
    assert "943" not in text_out and "2023-02-30" not in text_out


def test_values_too_long_to_index_are_dropped_or_reject_their_row_and_the_rest_lands(graph: Graph, tmp_path: Path) -> None:
    huge = "x" * 12_000
    rows = [
        {"source_person_id": "P1", "given_name": huge, "middle_names": huge, "family_name": "Jones",
         "involvement_id": huge, "address_line_1": "14 Park Road", "postcode": huge},
        {"source_person_id": "P2", "given_name": huge},
        {"source_person_id": huge, "given_name": "Amy"},
        {"source_person_id": "P4", "given_name": "Amy"},
    ]
    summary = ingest_rows(graph, tmp_path, "POLICE", rows)
    assert (summary.rows_landed, summary.rows_rejected, summary.fields_dropped) == (2, 2, 4)
    assert [(p["line"], p["field"], p["kind"]) for p in summary.problems] == [
        (1, "given_name", "dropped"), (1, "involvement_id", "dropped"), (1, "middle_names", "dropped"),
        (1, "postcode", "dropped"), (2, "given_name", "rejected"), (3, "source_person_id", "rejected"),
    ]
    assert all(huge not in p["reason"] for p in summary.problems)
    assert record(graph, "POLICE:P1")["name_variants"] == ["||Jones"]
    assert graph.run("MATCH (a:SourceAddress) RETURN a.postcode AS p") == [{"p": ""}]
    assert {t["t"] for t in graph.run("MATCH (t:NameToken) RETURN t.text AS t")} == {"jones", "amy"}


def test_values_that_are_not_valid_unicode_are_dropped_with_a_warning_and_the_rest_lands(
        graph: Graph, tmp_path: Path) -> None:
    text = '{"source_person_id": "P1", "given_name": "Amy", "lead_name": "\\ud800"}\n{"source_person_id": "P2"}\n'
    summary = ingest_file(graph, tmp_path, "NHS", write(tmp_path / "n.jsonl", text))
    assert (summary.rows_landed, summary.rows_rejected, summary.fields_dropped) == (1, 1, 1)
    assert graph.run("MATCH (i:Involvement) RETURN i.lead_name AS lead") == [{"lead": ""}]
    rows = [{"source_person_id": "P3", "given_name": "Cy", "town": "\ud800"}]
    assert ingest_rows(graph, tmp_path, "POLICE", rows).problems == [
        {"line": 1, "field": "town", "reason": "not valid Unicode text", "kind": "dropped"}]


def test_a_rejected_row_with_text_that_is_not_valid_unicode_is_kept_escaped(graph: Graph, tmp_path: Path) -> None:
    summary = ingest_rows(graph, tmp_path, "POLICE", [{"source_person_id": "P4", "town": "\ud800"},
                                                      {"source_person_id": "P5", "given_name": "Di"}])
    assert (summary.rows_landed, summary.rows_rejected) == (1, 1)
    with open(summary.rejects_file, newline="") as handle:
        assert [r["unparsed_row"] for r in csv.DictReader(handle)] == ['{"source_person_id": "P4", "town": "\\ud800"}']


def test_the_server_log_counts_unknown_columns_without_naming_them(graph: Graph, tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    summary = ingest_rows(graph, tmp_path, "CSC", [{"source_person_id": "P1", "given_name": "Amy",
                                                    "Ann Smith 1980-01-02\nINFO: forged": "x"}])
    assert summary.unknown_columns == ["ann smith 1980-01-02\\ninfo: forged"]  # the caller sees the line break escaped
    assert "ann smith" not in caplog.text.lower() and "forged" not in caplog.text
    assert "1 unknown, 0 unnamed and 0 duplicate columns ignored" in caplog.text


def test_rows_with_blank_keys_are_warned_about_once_and_logged_as_a_count(graph: Graph, tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rows: list[object] = [{"source_person_id": "P1", "given_name": "Amy"},
                          {"source_person_id": "P2", "given_name": "Bo", " ": "Ann Smith"},
                          {"source_person_id": "P3", "given_name": "Cy", "": "Ann Smith"}]
    summary = ingest_rows(graph, tmp_path, "CSC", rows)
    assert (summary.rows_landed, summary.unnamed_key_line, summary.problems) == (3, 2, [])
    assert "Ann Smith" not in caplog.text
    assert "0 unknown, 1 unnamed and 0 duplicate columns ignored" in caplog.text


def test_a_delta_row_keeps_what_it_does_not_say_about_an_involvement(graph: Graph, tmp_path: Path) -> None:
    """A column the file lacks, or a value dropped as invalid, leaves the stored value alone; a
    value the row does give, empty included, replaces it."""
    full = ("source_person_id,involvement_id,given_name,involvement_type,involvement_start,last_contact,status,lead_name\n"
            "P1,I1,Amy,Type A,2020-01-01,2020-02-01,open,Sam\n")
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "full.csv", full))
    stored = "MATCH (i:Involvement {id: 'CSC:I1'}) RETURN i.involvement_type AS type, toString(i.start) AS start, " \
             "toString(i.last_contact) AS last, i.status AS status, i.lead_name AS lead"
    partial = "source_person_id,involvement_id,given_name,last_contact,lead_name\nP1,I1,Amy,31/02/2021,\n"
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "partial.csv", partial))
    assert summary.fields_dropped == 1
    assert graph.run(stored) == [{"type": "Type A", "start": "2020-01-01", "last": "2020-02-01", "status": "open",
                                  "lead": ""}]
    closing = "source_person_id,involvement_id,given_name,status\nP1,I1,Amy,closed\n"
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "closing.csv", closing))
    assert graph.run(stored)[0]["status"] == "closed" and graph.run(stored)[0]["type"] == "Type A"


def test_aliases_and_address_history_fold_into_one_record(graph: Graph, tmp_path: Path) -> None:
    text = (
        "source_person_id,involvement_id,given_name,family_name,date_of_birth,address_line_1,postcode,involvement_start,last_contact\n"
        "P1,I1,Robert,Smith,1980-01-02,1 Park Road,LS6 2AB,2023-01-01,2023-03-01\n"
        "P1,I2,Bob,Smyth,02/01/1980,9 Mill Lane,LS6 3CD,2024-05-01,2024-06-01\n"
    )
    summary = ingest_file(graph, tmp_path, "POLICE", write(tmp_path / "p.csv", text))
    assert (summary.records_created, summary.involvements_created) == (1, 2)
    assert record(graph, "POLICE:P1")["name_variants"] == ["Bob||Smyth", "Robert||Smith"]
    history = graph.run(
        "MATCH (:SourceRecord {id: 'POLICE:P1'})-[g:GAVE_ADDRESS]->(a) "
        "RETURN a.postcode AS postcode, toString(g.first_seen) AS first, toString(g.last_seen) AS last ORDER BY first"
    )
    assert history == [
        {"postcode": "LS6 2AB", "first": "2023-01-01", "last": "2023-03-01"},
        {"postcode": "LS6 3CD", "first": "2024-05-01", "last": "2024-06-01"},
    ]


def test_address_dates_are_kept_per_involvement_too(graph: Graph, tmp_path: Path) -> None:
    """Reads leave out the dates of an involvement another agency may not see, so each one's are kept."""
    text = (
        "source_person_id,involvement_id,given_name,address_line_1,postcode,involvement_type,involvement_start,last_contact\n"
        "P1,I1,Amy,1 Park Road,LS6 2AB,Child in Need,2023-01-01,2023-03-01\n"
        "P1,I2,Amy,1 Park Road,LS6 2AB,Child Protection Plan,2023-02-01,2023-06-01\n"
        "P1,I3,Amy,1 Park Road,LS6 2AB,,,\n"
        "P1,I4,Amy,1 Park Road,LS6 2AB,,2022-12-01,\n"
    )
    stored = ("MATCH (:SourceRecord {id: 'CSC:P1'})-[g:GAVE_ADDRESS]->() RETURN toString(g.first_seen) AS first, "
              "toString(g.last_seen) AS last, g.span_involvements AS involvements, "
              "[d IN g.span_first | toString(d)] AS firsts, [d IN g.span_last | toString(d)] AS lasts")
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "a.csv", text))
    assert graph.run(stored) == [{"first": "2022-12-01", "last": "2023-06-01", "involvements": ["CSC:I1", "CSC:I2", "CSC:I4"],
                                  "firsts": ["2023-01-01", "2023-02-01", "2022-12-01"],
                                  "lasts": ["2023-03-01", "2023-06-01", "2022-12-01"]}]
    later = "source_person_id,involvement_id,given_name,address_line_1,postcode,last_contact\n" \
            "P1,I1,Amy,1 Park Road,LS6 2AB,2023-09-01\n"
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "b.csv", later))
    assert graph.run(stored) == [{"first": "2022-12-01", "last": "2023-09-01", "involvements": ["CSC:I1", "CSC:I2", "CSC:I4"],
                                  "firsts": ["2023-01-01", "2023-02-01", "2022-12-01"],
                                  "lasts": ["2023-09-01", "2023-06-01", "2022-12-01"]}]


def test_a_later_row_of_one_involvement_keeps_what_an_earlier_row_of_the_file_said(graph: Graph, tmp_path: Path) -> None:
    lines = ['{"source_person_id": "P1", "involvement_id": "I1", "given_name": "Amy", "involvement_type": "Type A", '
             '"involvement_start": "2024-01-01", "last_contact": "2024-02-01", "status": "open"}',
             '{"source_person_id": "P1", "involvement_id": "I1", "given_name": "Amy", "last_contact": "2024-03-01"}',
             '{"source_person_id": "P1", "involvement_id": "I1", "given_name": "Amy", "last_contact": "not-a-date"}']
    summary = ingest_file(graph, tmp_path, "POLICE", write(tmp_path / "a.jsonl", "\n".join(lines) + "\n"))
    assert summary.fields_dropped == 1
    stored = graph.run("MATCH (i:Involvement {id: 'POLICE:I1'}) RETURN i.involvement_type AS type, "
                       "toString(i.start) AS start, toString(i.last_contact) AS last, i.status AS status")
    assert stored == [{"type": "Type A", "start": "2024-01-01", "last": "2024-03-01", "status": "open"}]


def test_an_involvement_moving_between_records_in_one_file_ends_where_its_last_row_puts_it(graph: Graph,
                                                                                           tmp_path: Path) -> None:
    """P1 and P4 fall in different halves of the chunking, P1's rows in the half written second:
    the earlier row was written last and won. Found by QA."""
    lines = ['{"source_person_id": "P1", "involvement_id": "I1", "given_name": "Amy", "involvement_type": "Theft", '
             '"last_contact": "2024-02-02", "status": "closed"}',
             '{"source_person_id": "P4", "involvement_id": "I1", "given_name": "Zoe", '
             '"involvement_type": "Domestic abuse incident", "last_contact": "2024-03-03", "status": "open"}']
    ingest_file(graph, tmp_path, "POLICE", write(tmp_path / "a.jsonl", "\n".join(lines) + "\n"))
    stored = ("MATCH (s:SourceRecord)-[:HAS_INVOLVEMENT]->(i:Involvement {id: 'POLICE:I1'}) "
              "RETURN s.id AS record, i.involvement_type AS type, toString(i.last_contact) AS last, i.status AS status")
    assert graph.run(stored) == [{"record": "POLICE:P4", "type": "Domestic abuse incident", "last": "2024-03-03",
                                  "status": "open"}]
    # And back again: each row in file order, the last keeping what it does not say.
    back = '{"source_person_id": "P1", "involvement_id": "I1", "given_name": "Amy", "last_contact": "2024-04-04"}'
    ingest_file(graph, tmp_path, "POLICE", write(tmp_path / "b.jsonl", "\n".join([*lines, back]) + "\n"))
    assert graph.run(stored) == [{"record": "POLICE:P1", "type": "Domestic abuse incident", "last": "2024-04-04",
                                  "status": "open"}]


def test_reloading_the_same_file_changes_nothing(graph: Graph, tmp_path: Path) -> None:
    text = HEADER + "P1,Amy,Jones,2010-03-04,,1 Park Road,Leeds,LS6 2AB,Child in Need,,open\nP2,Ben,Ray,,,,,,,,\n"
    path = write(tmp_path / "csc.csv", text)
    first = ingest_file(graph, tmp_path, "CSC", path)
    before = graph_dump(graph)
    second = ingest_file(graph, tmp_path, "CSC", path)
    assert graph_dump(graph) == before
    assert second.unchanged_since_batch == first.batch_id
    assert (second.records_created, second.records_updated, second.involvements_created) == (0, 0, 0)


def test_a_delta_updates_and_queues_only_what_changed(graph: Graph, tmp_path: Path) -> None:
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "a.csv", HEADER + "P1,Amy,Jones,,,,,,,,\nP2,Ben,Ray,,,,,,,,\n"))
    graph.run("MATCH (s:SourceRecord) SET s.needs_resolution = false")
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "b.csv", HEADER + "P2,Benjamin,Ray,,,,,,,,\n"))
    assert (summary.records_created, summary.records_updated) == (0, 1)
    assert record(graph, "CSC:P1")["needs_resolution"] is False
    assert record(graph, "CSC:P2")["needs_resolution"] is True
    assert sorted(record(graph, "CSC:P2")["name_variants"]) == sorted(["Ben||Ray", "Benjamin||Ray"])


def test_lineage_is_the_creating_batch_then_each_batch_that_changed_the_record(graph: Graph, tmp_path: Path) -> None:
    first = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "a.csv", HEADER + "P1,Amy,Jones,,,,,,,,\nP2,Ben,Ray,,,,,,,,\n"))
    second = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "b.csv", HEADER + "P2,Benjamin,Ray,,,,,,,,\n"))
    graph.run("CREATE (:Person {id: 'P-lineage'}) WITH * MATCH (s:SourceRecord), (p:Person {id: 'P-lineage'}) "
              "CREATE (s)-[:RESOLVES_TO]->(p)")
    batches = lineage(graph, ["P-lineage"])["P-lineage"]["batches"]
    assert batches == {"CSC:P1": [first.batch_id], "CSC:P2": [first.batch_id, second.batch_id]}


def test_chunks_written_side_by_side_land_as_one_load(graph: Graph, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two rows: a person's rows fall in different chunks and households share
    addresses across chunks, while one chunk commits as the next runs its statements."""
    monkeypatch.setattr(importlib.import_module("app.ingest.pipeline"), "CHUNK_ROWS", 2)
    people = [("P1", "Amy", "Jones", "1 Park Road"), ("P2", "Ben", "Ray", "2 Park Road"),
              ("P3", "Cat", "Lee", "1 Park Road"), ("P1", "Amelia", "Jones", "1 Park Road"),
              ("P4", "Dan", "Ray", "2 Park Road"), ("P2", "Ben", "Ray", "3 Mill Lane"),
              ("P5", "Eve", "Lee", "1 Park Road"), ("P6", "Fay", "Ray", "2 Park Road"),
              ("P1", "Amy", "Jones", "3 Mill Lane")]
    text = "source_person_id,involvement_id,given_name,family_name,address_line_1,postcode,involvement_start\n" + "".join(
        f"{pid},I{n},{given},{family},{street},LS6 2AB,2024-01-{n + 1:02d}\n"
        for n, (pid, given, family, street) in enumerate(people))
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "chunks.csv", text))
    assert (summary.records_created, summary.records_updated, summary.involvements_created) == (6, 0, 9)
    assert (count(graph, "SourceRecord"), count(graph, "Involvement"), count(graph, "SourceAddress")) == (6, 9, 3)
    assert record(graph, "CSC:P1")["name_variants"] == ["Amelia||Jones", "Amy||Jones"]
    links = graph.run("MATCH (:SourceRecord {id: 'CSC:P1'})-[g:GAVE_ADDRESS]->(a) RETURN count(g) AS n")
    assert links == [{"n": 2}]
    before = graph_dump(graph)
    again = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "again.csv", text.replace("\n", "\r\n")))
    assert (again.records_created, again.records_updated, again.involvements_created) == (0, 0, 0)
    assert [row for row in graph_dump(graph) if "IngestBatch" not in row] == [r for r in before if "IngestBatch" not in r]


def test_two_agencies_loading_at_once_share_addresses_and_tokens_without_duplicates(
        graph: Graph, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Partners' files arrive independently and may be loaded together (two `mast ingest`
    runs, two integrators): their chunks merge the same addresses and name tokens at the
    same time, and both land whole with nothing stored twice."""
    monkeypatch.setattr(importlib.import_module("app.ingest.pipeline"), "CHUNK_ROWS", 3)
    given, families = ["Amy", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus"], ["Jones", "Ray", "Lee", "Shah", "Khan"]
    streets = ["Park Road", "Mill Lane", "Hill Rise"]

    def extract(agency: str) -> Path:
        lines = [f"{agency[0]}{n},{given[n % 7]},{families[n % 5]},{n % 4 + 1} {streets[n % 3]},LS6 2AB\n"
                 for n in range(60)]
        return write(tmp_path / f"{agency}.csv", "source_person_id,given_name,family_name,address_line_1,postcode\n"
                     + "".join(lines))

    def load(agency: str) -> tuple[int, int]:
        with Graph(settings) as own:  # as a separate process would: its own driver
            summary = ingest_file(own, tmp_path, agency, extract(agency))
            return summary.rows_landed, summary.records_created

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(load, ["CSC", "NHS"])) == [(60, 60), (60, 60)]
    assert count(graph, "SourceRecord") == 120
    assert count(graph, "SourceAddress") == 12  # 4 numbers x 3 streets, shared by both agencies
    assert count(graph, "NameToken") == 7 + 5
    links = graph.run("MATCH (:SourceRecord)-[g:GAVE_ADDRESS]->(:SourceAddress) RETURN count(g) AS n")
    assert links == [{"n": 120}]


def test_every_name_token_stored_is_in_the_search_vocabulary_once(graph: Graph, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two rows written side by side share tokens; a delta's alias adds its own."""
    monkeypatch.setattr(importlib.import_module("app.ingest.pipeline"), "CHUNK_ROWS", 2)
    rows = "P1,Amy,Jones\nP2,Ben,Ray\nP3,Dan,Ray\nP4,Fay,Ray\nP5,Amy,Ray\n"
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "a.csv", "source_person_id,given_name,family_name\n" + rows))

    def vocabulary() -> list[str]:
        return sorted(row["text"] for row in graph.run("MATCH (t:NameToken) RETURN t.text AS text"))

    assert vocabulary() == ["amy", "ben", "dan", "fay", "jones", "ray"]
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "b.csv", "source_person_id,given_name,family_name\nP2,Benjamin,Rae\n"))
    assert vocabulary() == ["amy", "ben", "benjamin", "dan", "fay", "jones", "rae", "ray"]


def test_snapshot_retires_absent_records_and_involvements_without_deleting(graph: Graph, tmp_path: Path) -> None:
    ingest_file(graph, tmp_path, "FIRE", write(tmp_path / "a.csv", HEADER + "P1,Amy,Jones,,,,,,Visit,,\nP2,Ben,Ray,,,,,,Visit,,\n"))
    ingest_file(graph, tmp_path, "POLICE", write(tmp_path / "p.csv", HEADER + "X1,Cat,Lee,,,,,,,,\n"))
    summary = ingest_file(graph, tmp_path, "FIRE", write(tmp_path / "b.csv", HEADER + "P1,Amy,Jones,,,,,,Visit,,\n"), mode="snapshot")
    assert (summary.records_retired, summary.involvements_retired) == (1, 1)
    assert record(graph, "FIRE:P2")["retired"] is True
    assert record(graph, "FIRE:P1")["retired"] is False
    assert record(graph, "POLICE:X1")["retired"] is False
    assert count(graph, "SourceRecord") == 3
    again = ingest_file(graph, tmp_path, "FIRE", write(tmp_path / "c.csv", HEADER + "P2,Ben,Ray,,,,,,Visit,,\n"))
    assert again.records_updated == 1 and record(graph, "FIRE:P2")["retired"] is False


def involvement_retired(graph: Graph) -> dict[str, bool]:
    return {r["id"]: r["retired"] for r in graph.run("MATCH (i:Involvement) RETURN i.id AS id, i.retired AS retired")}


def warnings_of(summary: Any) -> list[tuple[str, str, str]]:
    with open(summary.warnings_file, newline="") as handle:
        return [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(handle)]


def test_a_snapshot_keeps_records_and_involvements_whose_rows_were_rejected(graph: Graph, tmp_path: Path) -> None:
    head = "source_person_id,involvement_id,given_name,family_name\n"
    ingest_file(graph, tmp_path, "FIRE", write(tmp_path / "a.csv", head + "K1,I1,Amy,Jones\nK1,I2,Amy,Jones\n"
                                                 "K2,I3,Ben,Ray\nK3,I4,Cat,Lee\n"), mode="snapshot")
    k3_before = record(graph, "FIRE:K3")
    text = head + "K1,I1,Amy,Jones\nK4,I5,Dan,Shah\nK3,I4,,\nK1,I2,,\n"
    summary = ingest_file(graph, tmp_path, "FIRE", write(tmp_path / "b.csv", text), mode="snapshot")
    assert (summary.rows_landed, summary.rows_rejected) == (2, 2)
    assert (summary.records_retired, summary.involvements_retired) == (1, 1)
    assert (summary.records_kept, summary.involvements_kept) == (1, 2)
    assert record(graph, "FIRE:K2")["retired"] is True
    assert record(graph, "FIRE:K3") == k3_before
    assert involvement_retired(graph) == {"FIRE:I1": False, "FIRE:I2": False, "FIRE:I3": True,
                                          "FIRE:I4": False, "FIRE:I5": False}
    assert warnings_of(summary) == [("4", "source_person_id", "record not retired: its row was rejected")]


def test_a_snapshot_with_a_rejected_row_of_unknown_record_retires_nothing(graph: Graph, tmp_path: Path) -> None:
    ingest_file(graph, tmp_path, "FIRE", write(tmp_path / "a.csv", HEADER + "P1,Amy,Jones,,,,,,,,\nP2,Ben,Ray,,,,,,,,\n"))
    summary = ingest_file(graph, tmp_path, "FIRE", write(tmp_path / "b.csv", HEADER + "P1,Amy,Jones,,,,,,,,\n,Ben,Ray,,,,,,,,\n"),
                          mode="snapshot")
    assert (summary.records_retired, summary.involvements_retired, summary.rows_rejected) == (0, 0, 1)
    assert record(graph, "FIRE:P2")["retired"] is False
    assert warnings_of(summary) == [("3", "source_person_id", "nothing retired: this rejected row's record cannot be told")]


def test_json_lines_are_accepted_like_csv(graph: Graph, tmp_path: Path) -> None:
    lines = [
        {"Source_Person_Id": "P1", "given_name": "Amy", "family_name": "Jones", "date_of_birth": "2010-03-04", "colour": "x"},
        "not json",
        {"source_person_id": "P2", "family_name": "Ray", "nhs_number": 9434765919},
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    summary = ingest_file(graph, tmp_path, "NHS", write(tmp_path / "n.jsonl", text))
    assert (summary.rows_landed, summary.rows_rejected, summary.unknown_columns) == (2, 1, ["colour"])
    assert record(graph, "NHS:P2")["nhs_numbers"] == ["9434765919"]


def test_json_lines_whose_first_line_is_not_an_object_reject_that_line_and_land_the_rest(
        graph: Graph, tmp_path: Path) -> None:
    text = '[1,2]\n{"source_person_id":"H1","given_name":"Ann"}\n'
    summary = ingest_file(graph, tmp_path, "NHS", write(tmp_path / "h.jsonl", text))
    assert (summary.rows_landed, summary.rows_rejected) == (1, 1)
    with open(summary.rejects_file, newline="") as handle:
        assert [(r["line"], r["reason"]) for r in csv.DictReader(handle)] == [("1", "the line is not a JSON object")]
    assert record(graph, "NHS:H1")["name_variants"] == ["Ann||"]


def test_missing_involvement_ids_are_derived_so_a_reload_matches_them(graph: Graph, tmp_path: Path) -> None:
    text = HEADER + "P1,Amy,Jones,,,,,,Child in Need,2024-01-01,open\n"
    ingest_file(graph, tmp_path, "CSC", write(tmp_path / "a.csv", text))
    summary = ingest_file(graph, tmp_path, "CSC", write(tmp_path / "b.csv", text.replace(",open", ",closed")))
    assert (summary.involvements_created, summary.involvements_updated) == (0, 1)
    assert graph.run("MATCH (i:Involvement) RETURN i.status AS s") == [{"s": "closed"}]


def test_rows_from_the_api_use_the_same_pipeline(graph: Graph, tmp_path: Path) -> None:
    summary = ingest_rows(graph, tmp_path, "POLICE", [{"source_person_id": "P1", "given_name": "Amy"}, {"given_name": "Bo"}])
    assert (summary.rows_landed, summary.rows_rejected) == (1, 1)
    assert summary.problems == [{"line": 2, "field": "source_person_id", "reason": "missing source_person_id", "kind": "rejected"}]
    with pytest.raises(ExtractRefused):
        ingest_rows(graph, tmp_path, "POLICE", [{"given_name": "Amy"}])



def test_rows_from_the_api_are_read_like_json_lines(graph: Graph, tmp_path: Path) -> None:
    rows: list[object] = [{" Source_Person_ID ": "P1", "GIVEN_NAME": "Amy", "Colour": {"a": 1}}, [1, 2], None]
    summary = ingest_rows(graph, tmp_path, "POLICE", rows)
    assert (summary.rows_read, summary.rows_landed, summary.rows_rejected, summary.unknown_columns) == (3, 1, 2, ["colour"])
    assert [(p["line"], p["reason"]) for p in summary.problems] == [(2, "the line is not a JSON object"),
                                                                   (3, "the line is not a JSON object")]
    with open(summary.rejects_file, newline="", encoding="utf-8") as handle:
        assert [(r["line"], r["unparsed_row"]) for r in csv.DictReader(handle)] == [("2", "[1, 2]"), ("3", "null")]
    assert record(graph, "POLICE:P1")

def test_cli_exit_status_and_json_summary(graph: Graph, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import cli

    monkeypatch.setattr(importlib.import_module("app.cli.ingest"), "get_settings", lambda: settings)
    runner = CliRunner()
    good = write(tmp_path / "g.csv", HEADER + "P1,Amy,Jones,,,,,,,,\n,No,Id,,,,,,,,\n")
    result = runner.invoke(cli.main, ["ingest", "--source", "CSC", "--json", str(good)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows_rejected"] == 1
    bad = write(tmp_path / "b.csv", "just,some,words\n")
    result = runner.invoke(cli.main, ["ingest", "--source", "CSC", str(bad)])
    assert result.exit_code == 2
    assert "refused: the file has no header row" in result.output


def test_chunks_alternate_between_halves_of_the_records_and_stay_bounded(monkeypatch: pytest.MonkeyPatch,
                                                                           tmp_path: Path) -> None:
    pipeline = importlib.import_module("app.ingest.pipeline")
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)
    many = HEADER + "".join(f"P{n},Amy,Jones,,,,,,,,\n" for n in range(40))
    summary = pipeline.IngestSummary(None, "CSC", "delta", "")
    with pipeline.BatchReport(tmp_path / "many") as report:
        chunks = [[row.source_person_id for row in chunk] for chunk in
                  pipeline._chunks(pipeline.rows(pipeline.inspect(write(tmp_path / "many.csv", many))), report, summary, 0, None)]
    assert sorted(pid for chunk in chunks for pid in chunk) == sorted(f"P{n}" for n in range(40))
    assert all(set(a).isdisjoint(b) for a, b in zip(chunks, chunks[1:]))
    one = HEADER + "".join(f"P1,Amy,Jones,,,,,,Visit {n},,\n" for n in range(40))
    with pipeline.BatchReport(tmp_path / "one") as report:
        sizes = [len(chunk) for chunk in
                 pipeline._chunks(pipeline.rows(pipeline.inspect(write(tmp_path / "one.csv", one))), report, summary, 0, None)]
    assert sum(sizes) == 40 and max(sizes) <= 6
