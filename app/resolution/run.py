"""A resolution run against the graph: full, or incremental over what changed.

Full: every active record is blocked, compared and scored with freshly estimated
parameters; every component is clustered again; ids stay stable. Incremental: only pairs
touching records queued by ingestion are scored (with the stored parameters), and only
the people those records belonged to or now link to are clustered again. It reads only
those records and the ones sharing a blocking key with them, found through the terms
every run stores on the records it resolved, so its cost follows the delta, not the graph.
"""

from __future__ import annotations

import gc
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from app.db import Graph
from app.resolution import cypher, store
from matching.addresses import address_clusters
from matching.blocking import MAX_BLOCK, block_index, blocking_keys
from matching.cluster import Link, cluster, names_no_one
from matching.identity import assign_ids
from matching.model import ModelParams, frequency_terms
from matching.pipeline import TERM_SCHEME, Population, ScoredPair, population_terms, score_pairs
from matching.records import MatchRecord


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


@dataclass
class _Scored:
    """What scoring hands to clustering: the records in scope, their links, their old ids."""

    records: int  # active records in the graph
    by_id: dict[str, MatchRecord]
    scope: set[str]
    links: list[Link]
    uncertain: list[Link]  # the review queue's, through which records that name no one attach
    pairs: list[ScoredPair]
    params: ModelParams
    previous: dict[str, str]
    created_order: dict[str, str]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A run builds hundreds of thousands of long-lived, acyclic objects; Python's cycle
    collector rescans them all as they accumulate, which measured more than half of loading
    records. It resumes (and collects) when the run ends."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def resolve(graph: Graph, full: bool = False, keep_model: bool = False) -> RunSummary:
    """Resolve the graph; incremental unless ``full`` or no model has been fitted yet.

    A full run fits the model afresh unless ``keep_model``; an incremental run always
    scores with the stored model, so its result equals a full run with that model.
    """
    with _collector_paused():
        return _resolve(graph, full, keep_model)


def _resolve(graph: Graph, full: bool, keep_model: bool) -> RunSummary:
    run_id = f"run-{uuid.uuid4().hex[:12]}"
    started = time.perf_counter()
    stats: dict[str, Any] = {}
    with _timed(stats, "load"):
        pending = store.load_pending(graph)
        stored = store.load_model(graph)
        must, cannot = store.load_decisions(graph)
    # Terms stored under another scheme would find the wrong neighbours: only a full run is right then.
    if full or stored is None or stored.term_scheme != TERM_SCHEME:
        mode = "full"
        reuse = ModelParams.from_dict(stored.params) if keep_model and stored else None
        rewrite_terms = stored is None or stored.term_scheme != TERM_SCHEME
        scored = _score_all(graph, reuse, pending, rewrite_terms, run_id, stats)
    else:
        mode = "incremental"
        scored = _score_around(graph, ModelParams.from_dict(stored.params), pending, run_id, stats)

    with _timed(stats, "cluster"):
        clusters = cluster(sorted(scored.scope), scored.links, scored.by_id, must, cannot, scored.uncertain)
        scoped_previous = {r: p for r, p in scored.previous.items() if r in scored.scope or r in pending.retired}
        founders = store.load_founding_persons(graph, scoped_previous)
        changes = assign_ids(clusters, scoped_previous, scored.created_order, founders=founders)
    retired_records = [r for r in pending.retired if r in scored.previous]
    with _timed(stats, "write_people"):
        touched_people = store.write_identities(graph, changes, scoped_previous, run_id, retired_records)
    with _timed(stats, "addresses"):
        moved_addresses = _resolve_addresses(graph, run_id, full=mode == "full")
    with _timed(stats, "households"):
        if mode == "full":
            store.rebuild_households(graph, None)
        else:
            gone = set(changes.merged) | set(changes.emptied)  # their links go: they hold no current record
            people = touched_people | gone | set(changes.assignment.values()) | store.persons_at(graph, moved_addresses)
            store.rebuild_households(graph, people)
        store.mark_resolved(graph, pending.active | pending.retired)
    stats["total_s"] = round(time.perf_counter() - started, 2)
    summary = RunSummary(
        run_id=run_id, mode=mode, records=scored.records, pending=len(pending.active) + len(pending.retired),
        people=len(set(changes.assignment.values())),
        created=len(changes.created), merged=len(changes.merged), split=len(changes.split_from),
        review_pairs=sum(1 for p in scored.pairs if p.review), stats=stats,
    )
    store.save_run(graph, run_id, mode, scored.params.to_dict(), TERM_SCHEME,
                   {k: v for k, v in vars(summary).items() if isinstance(v, (int, str))})
    return summary


def _score_all(graph: Graph, reuse: ModelParams | None, pending: store.PendingRecords, rewrite_terms: bool,
               run_id: str, stats: dict[str, Any]) -> _Scored:
    """Every active record blocked, compared and scored; every scored pair rewritten. The
    terms of changed records (of all, after a change of scheme) are stored for later runs."""
    with _timed(stats, "load_all"):
        records = store.load_records(graph)
        previous, created_order = store.load_assignment(graph)
    with _timed(stats, "keys"):
        keys = [blocking_keys(r) for r in records]
        blocks = block_index(keys)
    pairs, params, score_stats = score_pairs(records, reuse, blocks=blocks)
    stats.update(score_stats)
    with _timed(stats, "write_terms"):
        store.write_terms(graph, {r.record_id: population_terms(r, record_keys) for r, record_keys in zip(records, keys)
                                  if rewrite_terms or r.record_id in pending.active})
    with _timed(stats, "write_edges"):
        store.replace_edges(graph, _edge_rows(pairs), run_id, None)
    by_id = {r.record_id: r for r in records}
    links = [Link(p.a, p.b, p.weight) for p in pairs if not p.review]
    uncertain = [Link(p.a, p.b, p.weight) for p in pairs if p.review]
    return _Scored(len(records), by_id, set(by_id), links, uncertain, pairs, params, previous, created_order)


def _score_around(graph: Graph, params: ModelParams, pending: store.PendingRecords, run_id: str,
                  stats: dict[str, Any]) -> _Scored:
    """Only pairs touching the queued records are scored, against the records sharing a
    blocking key with them; only the people those records belonged to or now join are in scope."""
    with _timed(stats, "load_around"):
        focus = store.load_records_by_id(graph, pending.active)
        store.write_terms(graph, {r.record_id: population_terms(r) for r in focus})
        # The scan names the holders of each of the focus records' keys: their blocks.
        key_holders, holders_of = store.term_holders(graph, {k for r in focus for k in blocking_keys(r)}, MAX_BLOCK)
        loaded = {r.record_id: r for r in focus}
        near = {m for members in holders_of.values() for m in members} - set(loaded)
        loaded.update((r.record_id, r) for r in store.load_records_by_id(graph, near))
        name_holders, _ = store.term_holders(graph, {t for r in loaded.values() for t in frequency_terms(r)}, 0)
        population = Population({**key_holders, **name_holders}, store.count_active_records(graph))
    records = sorted(loaded.values(), key=lambda r: r.record_id)
    index = {r.record_id: i for i, r in enumerate(records)}
    blocks = {key: [index[m] for m in members] for key, members in holders_of.items()}
    focus_index = [index[r.record_id] for r in focus]
    pairs, _, score_stats = score_pairs(records, params, focus_index, population, blocks)
    stats.update(score_stats)
    with _timed(stats, "load_scope"):
        # Scope: the changed records, everyone who shared a Person with them, and their new neighbours.
        touched = pending.active | pending.retired | {p.a for p in pairs} | {p.b for p in pairs}
        previous, created_order = store.load_assignment_around(graph, touched)
        scope = touched | set(previous)
        loaded.update((r.record_id, r) for r in store.load_records_by_id(graph, scope - set(loaded)))
        scope &= set(loaded)
    changed = pending.active | pending.retired
    with _timed(stats, "write_edges"):
        # Who was possibly linked with the changed records before: records that name no
        # one among them may now be attached, or no longer (see _edges_around).
        formerly = {x for e in store.load_edges_of(graph, changed) if e["review"] for x in (e["a"], e["b"])}
        store.replace_edges(graph, _edge_rows(pairs), run_id, changed)
    with _timed(stats, "load_edges"):
        edges = _edges_around(graph, scope, loaded, previous, created_order, formerly)
    inside = [e for e in edges if e["a"] in scope and e["b"] in scope]
    links = [Link(e["a"], e["b"], e["weight"]) for e in inside if not e["review"]]
    uncertain = [Link(e["a"], e["b"], e["weight"]) for e in inside if e["review"]]
    return _Scored(population.total, loaded, scope, links, uncertain, pairs, params, previous, created_order)


def _edges_around(graph: Graph, scope: set[str], loaded: dict[str, MatchRecord], previous: dict[str, str],
                  created_order: dict[str, str], formerly: set[str]) -> list[dict[str, Any]]:
    """The stored edges of ``scope``, which first grows (in place, with ``loaded``,
    ``previous`` and ``created_order``) by the records that name no one and are, or were
    (``formerly``), possibly linked into it, and then until each such record in it has
    every person it could be with it: clustering attaches one only when they are one
    person (matching.cluster), so it must see them all. People outside the first scope
    did not change, so neither did whether the records that name no one near them only
    were attached.
    """
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    read: set[str] = set()
    asked: set[str] = set()  # records sought for the scope (retired ones never join it)

    def read_edges(ids: set[str]) -> None:
        for e in store.load_edges_of(graph, ids - read):
            edges[e["a"], e["b"]] = e
        read.update(ids)

    def load(ids: set[str]) -> None:
        loaded.update((r.record_id, r) for r in store.load_records_by_id(graph, ids - set(loaded)))

    def partners(ids: set[str]) -> set[str]:
        return {x for e in edges.values() if e["review"] and (e["a"] in ids or e["b"] in ids) for x in (e["a"], e["b"])}

    read_edges(scope)
    near = (partners(scope) | formerly) - scope
    load(near)
    reach = {x for x in near if x in loaded and names_no_one(loaded[x])}
    while True:
        nameless = reach | {x for x in scope if names_no_one(loaded[x])}
        read_edges(nameless)
        missing = (nameless | partners(nameless)) - scope - asked
        if not missing:
            return list(edges.values())
        asked |= missing
        more_previous, more_created = store.load_assignment_around(graph, missing)
        previous.update(more_previous)
        created_order.update(more_created)
        grown = missing | set(more_previous)
        load(grown)
        scope.update(grown & set(loaded))
        read_edges(scope)
        reach = set()


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
    stored = store.load_model(graph)
    records = store.load_records_by_id(graph, {a, b})
    if len(records) < 2 or stored is None:
        return {"a": a, "b": b, "reason": "unknown record or no model fitted yet"}
    pairs, _, _ = score_pairs(records, ModelParams.from_dict(stored.params))
    if not pairs:
        return {"a": a, "b": b, "reason": "not a candidate pair, or scored below the possible threshold"}
    return {"a": a, "b": b, "weight": pairs[0].weight, "probability": pairs[0].probability,
            "explanation": pairs[0].explanation}


def explain_person(graph: Graph, person_id: str) -> dict[str, Any]:
    """The records a Person holds and the scored links between them (ids and figures only)."""
    rows = graph.run(cypher.PERSON_EXPLANATION, id=person_id)
    return rows[0] if rows else {}
