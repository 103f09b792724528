"""ingestRecords reports exactly what `mast ingest` reports for the same rows as JSON Lines."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.graph.api_fixtures import Api, api, api_settings  # noqa: F401

INGEST = """mutation($source: String!, $rows: [JSON]!) { ingestRecords(source: $source, rows: $rows) {
  batchId rowsRead rowsLanded rowsRejected fieldsDropped recordsCreated involvementsCreated unknownColumns unnamedKeyLine
  duplicateColumns
  unchangedSinceBatch problems { line field reason kind } problemCount problemsTruncated reportId } }"""

# Unknown fields, header-rule keys, non-object rows, a row without id and a bad value.
ROWS: list[Any] = [
    {"source_person_id": "N1", "given_name": "Ann", "foo": "bar"},
    [1, 2],
    "str",
    {" Source_Person_ID ": "N3", "GIVEN_NAME": "Ann", "extra": {"a": 1}, "given_name": "Zed"},
    None,
    {"given_name": "No id", "Foo": 1},
    {"source_person_id": "N2", "family_name": "Ray", "date_of_birth": "31/02/2000", " ": "blank key", "town": ["x"]},
]


def ingest(api: Api, source: str, rows: list[Any]) -> dict[str, Any]:
    body = api.gql(INGEST, {"source": source, "rows": rows}, role="integrator", agency=source)
    assert "errors" not in body, body["errors"]
    return body["data"]["ingestRecords"]


def cli_ingest(api: Api, source: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from app import cli

    monkeypatch.setattr(importlib.import_module("app.cli.ingest"), "get_settings", lambda: api.settings)
    result = CliRunner().invoke(cli.main, ["ingest", "--source", source, "--json", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def report_rows(folder: Path) -> tuple[list[list[str]], list[list[str]]]:
    """The rejects and warnings a load kept, without their header rows."""
    read = lambda name: list(csv.reader((folder / name).open(newline="", encoding="utf-8")))[1:]  # noqa: E731
    return read("rejects.csv"), read("warnings.csv")


def test_the_api_reports_what_the_cli_reports_for_the_same_rows(api: Api, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    by_cli = cli_ingest(api, "EDU", path, monkeypatch)
    by_api = ingest(api, "HOUSING", ROWS)
    for name in ("rows_read", "rows_landed", "rows_rejected", "fields_dropped", "records_created",
                 "involvements_created", "unknown_columns", "unnamed_key_line",
                 "duplicate_columns"):
        camel = name.split("_")[0] + "".join(w.title() for w in name.split("_")[1:])
        assert by_api[camel] == by_cli[name], name
    assert (by_api["rowsLanded"], by_api["rowsRejected"], by_api["unknownColumns"]) == (3, 4, ["foo", "extra"])
    assert (by_api["unnamedKeyLine"], by_api["duplicateColumns"]) == (7, ["given_name"])
    names = api.graph.run("MATCH (s:SourceRecord {id: 'HOUSING:N3'}) RETURN s.name_variants AS n")
    assert names == [{"n": ["Ann||"]}]
    cli_report = report_rows(Path(by_cli["rejects_file"]).parent)
    api_report = report_rows(api.settings.state_dir / "ingest" / by_api["batchId"])
    assert api_report == cli_report
    rejects, warnings = api_report
    assert {(int(r[0]), r[1]) for r in rejects} == {(p["line"], p["reason"]) for p in by_api["problems"]
                                                     if p["kind"] == "rejected"}
    assert [(int(w[0]), w[1], w[2]) for w in warnings] == [(p["line"], p["field"], p["reason"])
                                                          for p in by_api["problems"] if p["kind"] == "dropped"]


def test_a_non_object_row_is_rejected_alone_with_its_position(api: Api) -> None:
    result = ingest(api, "HOUSING", [ROWS[0], [1, 2], "str", None, {"source_person_id": "N2", "given_name": "Bo"}])
    assert (result["rowsRead"], result["rowsLanded"], result["rowsRejected"]) == (5, 2, 3)
    assert [(p["line"], p["reason"], p["kind"]) for p in result["problems"]] == [
        (line, "the line is not a JSON object", "rejected") for line in (2, 3, 4)]
    assert (result["problemCount"], result["problemsTruncated"]) == (3, False)
    landed = api.graph.run("MATCH (s:SourceRecord {agency: 'HOUSING'}) RETURN s.id AS id ORDER BY id")
    assert [r["id"] for r in landed] == ["HOUSING:N1", "HOUSING:N2"]


def test_the_problem_count_includes_records_a_snapshot_kept(api: Api) -> None:
    ingest(api, "HOUSING", [{"source_person_id": "K1", "given_name": "Ann"}])
    body = api.gql("""mutation($rows: [JSON]!) { ingestRecords(source: "HOUSING", rows: $rows, mode: "snapshot") {
      problems { kind } problemCount problemsTruncated } }""",
                   {"rows": [{"source_person_id": "K1"}, {"source_person_id": "K2", "given_name": "Bo"}]},
                   role="integrator", agency="HOUSING")
    result = body["data"]["ingestRecords"]
    assert [p["kind"] for p in result["problems"]] == ["rejected", "kept"]
    assert (result["problemCount"], result["problemsTruncated"]) == (2, False)


def test_unknown_fields_are_warned_about_by_the_header_rules(api: Api) -> None:
    result = ingest(api, "HOUSING", [{" Source_Person_ID ": "N3", "GIVEN_NAME": "Ann", "extra": {"a": 1}},
                                     {"source_person_id": "QA-API1", "given_name": "Api", "FOO ": "bar"}])
    assert (result["rowsLanded"], result["unknownColumns"]) == (2, ["extra", "foo"])


def test_a_value_that_is_not_text_is_dropped_an_integer_read_as_digits_and_null_as_empty(api: Api) -> None:
    """The API's rows come parsed by the HTTP layer, not by the JSON Lines reader: same rules."""
    first = {"source_person_id": "T1", "involvement_id": 7, "given_name": "Ann", "lead_name": "Sam",
             "lead_team": "North", "address_line_1": "1 Mill Lane", "uprn": 100023336956}
    ingest(api, "HOUSING", [first])
    result = ingest(api, "HOUSING", [{"source_person_id": "T1", "involvement_id": 7, "given_name": "Ann",
                                      "lead_name": None, "lead_team": ["South"], "status": False, "sex": 1.5}])
    assert (result["rowsLanded"], result["fieldsDropped"]) == (1, 3)
    assert [(p["line"], p["field"], p["reason"], p["kind"]) for p in result["problems"]] == [
        (1, "lead_team", "a JSON array, not text", "dropped"), (1, "status", "a JSON true or false, not text", "dropped"),
        (1, "sex", "a JSON number with a fraction or exponent, not text", "dropped")]
    stored = api.graph.run("MATCH (i:Involvement {id: 'HOUSING:7'}) RETURN i.lead_name AS name, i.lead_team AS team")
    assert stored == [{"name": "", "team": "North"}]  # null empties the field; a dropped one keeps what is stored
    uprns = api.graph.run("MATCH (:SourceRecord {id: 'HOUSING:T1'})-[:GAVE_ADDRESS]->(a) RETURN a.uprn AS uprn")
    assert uprns == [{"uprn": "100023336956"}]


def test_nan_or_infinity_in_a_row_is_dropped_as_what_it_is(api: Api) -> None:
    """Python's parser reads NaN and Infinity, which are not JSON; a row's field holding one is
    dropped, as any value that is not text is, with a reason that says so."""
    body = ('{"query": ' + json.dumps(INGEST) + ', "variables": {"source": "HOUSING", "rows": '
            '[{"source_person_id": "T9", "given_name": "Ann", "lead_role": NaN, "lead_team": -Infinity}]}}')
    token = api.token("integrator", "HOUSING")
    response = api.client.post("/graphql", content=body, headers={"Authorization": f"Bearer {token}",
                                                                  "Content-Type": "application/json"})
    result = response.json()["data"]["ingestRecords"]
    assert (result["rowsLanded"], result["fieldsDropped"]) == (1, 2)
    assert {(p["field"], p["reason"]) for p in result["problems"]} == {
        ("lead_role", "NaN or Infinity, which JSON does not have, not text"),
        ("lead_team", "NaN or Infinity, which JSON does not have, not text")}


def test_a_long_problem_list_says_it_is_cut_and_where_the_whole_report_is(api: Api) -> None:
    rows = [{"source_person_id": f"Q{n}", "given_name": "Ann", "date_of_birth": "31/02/2000", "sex": "zz"}
            for n in range(800)]
    result = ingest(api, "HOUSING", rows)
    assert (result["fieldsDropped"], result["problemCount"], result["problemsTruncated"]) == (1600, 1600, True)
    assert len(result["problems"]) == 1000
    assert result["reportId"] == result["batchId"]
    rejects, warnings = report_rows(api.settings.state_dir / "ingest" / result["reportId"])
    assert (len(rejects), len(warnings)) == (0, 1600)
    assert {int(w[0]) for w in warnings} == set(range(1, 801))


def test_a_reload_that_changes_nothing_still_names_where_its_report_is(api: Api) -> None:
    rows = [{"source_person_id": "N1", "given_name": "Ann"}, [1, 2]]
    first = ingest(api, "HOUSING", rows)
    again = ingest(api, "HOUSING", rows)
    assert (again["batchId"], again["unchangedSinceBatch"]) == (None, first["batchId"])
    assert again["reportId"] != first["reportId"]
    rejects, _ = report_rows(api.settings.state_dir / "ingest" / again["reportId"])
    assert [r[:2] for r in rejects] == [["2", "the line is not a JSON object"]]


def test_a_key_given_twice_in_one_row_keeps_its_first_value_with_a_warning(api: Api, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain JSON parse keeps the last of a repeated key: the first value vanished unreported."""
    row = '{"source_person_id": "D1", "given_name": "Aurelio", "family_name": "Brisk", "given_name": "Zed"}'
    body = '{"query": %s, "variables": {"source": "EDU", "rows": [%s]}}' % (json.dumps(INGEST), row)
    headers = {"Authorization": f"Bearer {api.token('integrator', 'EDU')}", "Content-Type": "application/json"}
    by_api = api.client.post("/graphql", content=body, headers=headers).json()["data"]["ingestRecords"]
    path = tmp_path / "twice.jsonl"
    path.write_text(row.replace("D1", "D2") + "\n", encoding="utf-8")
    by_cli = cli_ingest(api, "EDU", path, monkeypatch)
    assert (by_api["duplicateColumns"], by_cli["duplicate_columns"]) == (["given_name"], ["given_name"])
    names = api.graph.run("MATCH (s:SourceRecord) WHERE s.id IN ['EDU:D1', 'EDU:D2'] RETURN s.name_variants AS n")
    assert names == [{"n": ["Aurelio||Brisk"]}] * 2


def test_an_integer_too_long_for_python_is_read_as_its_digits_not_a_refused_call(api: Api) -> None:
    """The CLI reads such a value as its digits; the API refused the whole call as unparsable."""
    row = '{"source_person_id": "L1", "given_name": "Ann", "ref": %s}' % ("9" * 5000)
    body = '{"query": %s, "variables": {"source": "EDU", "rows": [%s]}}' % (json.dumps(INGEST), row)
    headers = {"Authorization": f"Bearer {api.token('integrator', 'EDU')}", "Content-Type": "application/json"}
    result = api.client.post("/graphql", content=body, headers=headers).json()["data"]["ingestRecords"]
    assert (result["rowsLanded"], result["unknownColumns"]) == (1, ["ref"])


def test_a_call_refused_for_its_input_is_audited_as_refused_with_the_reason(api: Api) -> None:
    for variables in ({"source": "HOUSING", "rows": []},
                      {"source": "HOUSING", "rows": [{"source_person_id": "R1", "given_name": "Ann"}], "mode": "bogus"}):
        body = api.post("""mutation($source: String!, $rows: [JSON]!, $mode: String) {
            ingestRecords(source: $source, rows: $rows, mode: $mode) { batchId } }""",
                        {"mode": "delta", **variables}, role="integrator", agency="HOUSING").json()
        [error] = body["errors"]
        event = api.audit_events()[-1]
        assert (event.operation, event.outcome) == ("ingestRecords", "refused")
        assert event.detail == f'rows for source "HOUSING"; ingestRecords refused: {error["message"]}'
