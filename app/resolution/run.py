"""A resolution run against the graph: full, or incremental over what changed.

Full: every active record is blocked, compared and scored with freshly estimated
parameters; every component is clustered again; ids stay stable. Incremental: only pairs
touching records queued by ingestion are scored (with the stored parameters), and only
the people those records belonged to or now link to are clustered again.
"""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from app.db import Graph
from app.resolution import cypher, store
from matching.addresses import address_clusters
from matching.cluster import Link, cluster
from matching.identity import assign_ids
from matching.model import ModelParams
from matching.pipeline import ScoredPair, score_pairs


@dataclass
class RunSummary:
    run_id: str
    mode: str
    records: int
    pending: int
    people: int
    created: int
    merged: int
    split: int
    review_pairs: int
    stats: dict[str, Any] = field(default_factory=dict)


def _edge_rows(pairs: list[ScoredPair]) -> list[dict[str, Any]]:
    return [{"a": min(p.a, p.b), "b": max(p.a, p.b), "weight": p.weight, "probability": p.probability,
             "review": p.review, "explanation": p.explanation} for p in pairs]


@contextmanager
def _timed(stats: dict[str, Any], stage: str) -> Iterator[None]:
    """Seconds per stage go into the run's stats, so `mast resolve` shows where time went."""
    started = time.perf_counter()
    yield
    stats[f"{stage}_s"] = round(time.perf_counter() - started, 2)


def resolve(graph: Graph, full: bool = False, keep_model: bool = False) -> RunSummary:
    """Resolve the graph; incremental unless ``full`` or no model has been fitted yet.

    A full run fits the model afresh unless ``keep_model``; an incremental run always
    scores with the stored model, so its result equals a full run with that model.
    """
    run_id = f"run-{uuid.uuid4().hex[:12]}"
    started = time.perf_counter()
    stats: dict[str, Any] = {}
    with _timed(stats, "load"):
        records = store.load_records(graph)
        pending = store.load_pending(graph)
        stored_params = store.load_model(graph)
        previous, created_order = store.load_assignment(graph)
        must, cannot = store.load_decisions(graph)
    mode = "full" if full or stored_params is None else "incremental"
    by_id = {r.record_id: r for r in records}

    if mode == "full":
        reuse = ModelParams.from_dict(stored_params) if keep_model and stored_params else None
        pairs, params, score_stats = score_pairs(records, reuse)
        scope = set(by_id)
        links = [Link(p.a, p.b, p.weight) for p in pairs if not p.review]
        with _timed(stats, "write_edges"):
            store.replace_edges(graph, _edge_rows(pairs), run_id, None)
    else:
        params = ModelParams.from_dict(stored_params)  # type: ignore[arg-type]
        focus_ids = pending.active | {r for pair in must + cannot for r in pair if r in by_id and r in pending.active}
        index = {rid: i for i, rid in enumerate(by_id)}
        pairs, _, score_stats = score_pairs(records, params, [index[r] for r in focus_ids if r in index])
        # Scope: the changed records, everyone who shared a Person with them, and their new neighbours.
        touched = focus_ids | pending.retired | {p.a for p in pairs} | {p.b for p in pairs}
        old_people = {previous[r] for r in touched if r in previous}
        scope = {r for r, person in previous.items() if person in old_people} | touched
        scope &= set(by_id)
        with _timed(stats, "write_edges"):
            store.replace_edges(graph, _edge_rows(pairs), run_id, focus_ids | pending.retired)
            kept = [e for e in store.load_edges_of(graph, scope) if not e["review"]]
        links = [Link(e["a"], e["b"], e["weight"]) for e in kept if e["a"] in scope and e["b"] in scope]
    stats.update(score_stats)

    with _timed(stats, "cluster"):
        clusters = cluster(sorted(scope), links, by_id, must, cannot)
        scoped_previous = {r: p for r, p in previous.items() if r in scope or r in pending.retired}
        changes = assign_ids(clusters, scoped_previous, created_order)
    retired_records = [r for r in pending.retired if r in previous]
    with _timed(stats, "write_people"):
        touched_people = store.write_identities(graph, changes, scoped_previous, run_id, retired_records)
    with _timed(stats, "addresses"):
        moved_addresses = _resolve_addresses(graph, run_id, full=mode == "full")
    with _timed(stats, "households"):
        if mode == "full":
            store.rebuild_households(graph, None)
        else:
            people = touched_people | set(changes.assignment.values()) | store.persons_at(graph, moved_addresses)
            store.rebuild_households(graph, people)
        store.mark_resolved(graph, pending.active | pending.retired)
    stats["total_s"] = round(time.perf_counter() - started, 2)
    summary = RunSummary(
        run_id=run_id, mode=mode, records=len(records), pending=len(pending.active) + len(pending.retired),
        people=len(set(changes.assignment.values())),
        created=len(changes.created), merged=len(changes.merged), split=len(changes.split_from),
        review_pairs=sum(1 for p in pairs if p.review), stats=stats,
    )
    store.save_run(graph, run_id, mode, params.to_dict(), {k: v for k, v in vars(summary).items() if isinstance(v, (int, str))})
    return summary


def _resolve_addresses(graph: Graph, run_id: str, full: bool) -> set[str]:
    """Address entities for every source address (full), or for the neighbourhood of the new
    ones: clusters there are exactly what a full run would give, because two addresses can
    only join through a UPRN, postcode, town or Address they share. Returns the source
    addresses whose Address changed."""
    if full:
        previous, created_order = store.load_assignment(graph, cypher.ADDRESS_ASSIGNMENT)
        sources = store.load_source_addresses(graph)
    else:
        pending = store.pending_source_addresses(graph)
        if not pending:
            return set()
        sources = store.address_neighbourhood(graph, pending)
        previous, created_order = store.load_address_assignment(graph, [a.id for a in sources])
    changes = assign_ids(address_clusters(sources), previous, created_order,
                         make_id=lambda: f"A-{uuid.uuid4().hex[:16]}")
    return store.write_addresses(graph, changes, previous, run_id)


def explain_pair(graph: Graph, a: str, b: str) -> dict[str, Any]:
    """Why two records were joined or kept apart: the stored score, or a fresh one with the current model."""
    rows = graph.run(cypher.PAIR_EXPLANATION, a=min(a, b), b=max(a, b))
    if rows:
        return rows[0]
    params = store.load_model(graph)
    records = [r for r in store.load_records(graph) if r.record_id in (a, b)]
    if len(records) < 2 or params is None:
        return {"a": a, "b": b, "reason": "unknown record or no model fitted yet"}
    pairs, _, _ = score_pairs(records, ModelParams.from_dict(params))
    if not pairs:
        return {"a": a, "b": b, "reason": "not a candidate pair, or scored below the possible threshold"}
    return {"a": a, "b": b, "weight": pairs[0].weight, "probability": pairs[0].probability,
            "explanation": pairs[0].explanation}


def explain_person(graph: Graph, person_id: str) -> dict[str, Any]:
    """The records a Person holds and the scored links between them (ids and figures only)."""
    rows = graph.run(cypher.PERSON_EXPLANATION, id=person_id)
    return rows[0] if rows else {}
