"""API latency under load: 16 concurrent clients over loopback against a running `mast serve`.

Samples people through the API itself (multiAgencyPeople), then times searchPeople by their
names and person-with-involvements by their ids, printing p50/p95/p99 and throughput.

    python benchmarks/api_latency.py --url http://127.0.0.1:8000/graphql --requests 3000 --rounds 4

The practitioner token is minted with the local issuer (MAST settings) unless --token is given.
The load comes from aiohttp (`pip install -e '.[bench]'`), which spends about a quarter of the
CPU per request that httpx does: client, server and Neo4j share this machine's two cores, so
a heavier client would be measured as server latency. The client's own CPU per request is
printed beside the figures. Each query first runs --warmup untimed requests, so the figures
are for a warmed server (caches loaded, Neo4j's JIT compiled), not its first seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from app.auth.tokens import issue_token
from app.settings import get_settings

SAMPLE = """query($first: Int!) { multiAgencyPeople(minAgencies: 1, since: "1900-01-01", first: $first) {
  edges { node { id name } } } }"""
SEARCH = """query($name: String!) { searchPeople(name: $name, first: 10) { score person { id name knownTo } } }"""
PERSON = """query($id: ID!) { person(id: $id) { id name dateOfBirth knownTo
  involvements { agency type start lastContact status leadWorker { name phone email } }
  agencySummary { agency lastIntervention contact { name phone } }
  addresses { firstSeen lastSeen address { id line1 postcode } } } }"""


@dataclass
class Timings:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    client_cpu: float = 0.0  # seconds of this process's CPU while the requests ran


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def post(client: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    async with client.post(url, json={"query": query, "variables": variables}) as response:
        response.raise_for_status()
        body = await response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"][0]["message"])
    return body["data"]


async def run(url: str, headers: dict[str, str], query: str, variables: list[dict[str, Any]],
              clients: int, requests: int) -> tuple[Timings, float]:
    timings = Timings()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(variables[i % len(variables)])

    async def worker() -> None:
        async with aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=30)) as client:
            while not queue.empty():
                item = queue.get_nowait()
                started = time.perf_counter()
                try:
                    await post(client, url, query, item)
                    timings.latencies.append(time.perf_counter() - started)
                except (aiohttp.ClientError, RuntimeError):
                    timings.failures += 1

    started, client_cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(clients)))
    timings.client_cpu = time.process_time() - client_cpu
    return timings, time.perf_counter() - started


def report(name: str, timings: Timings, elapsed: float) -> None:
    done = timings.latencies
    if not done:
        print(f"{name}: no successful requests ({timings.failures} failed)")
        return
    ms = [v * 1000 for v in done]
    print(f"{name}: {len(done)} ok, {timings.failures} failed in {elapsed:.1f}s -> {len(done) / elapsed:.1f} req/s; "
          f"p50 {percentile(ms, 0.50):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
          f"mean {statistics.fmean(ms):.1f} ms; client CPU {1000 * timings.client_cpu / len(done):.2f} ms/request")


async def main(args: argparse.Namespace) -> None:
    token = args.token or issue_token(get_settings(), subject="benchmark", role="practitioner", agency=args.agency)
    headers = {"Authorization": f"Bearer {token}", "X-MAST-Purpose": "benchmark"}
    async with aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=60)) as client:
        people = (await post(client, args.url, SAMPLE, {"first": args.sample}))["multiAgencyPeople"]["edges"]
    if not people:
        raise SystemExit("no people in the graph: load and resolve some data first")
    random.seed(7)
    names = [{"name": p["node"]["name"]} for p in people if p["node"]["name"]]
    ids = [{"id": p["node"]["id"]} for p in people]
    random.shuffle(names)
    random.shuffle(ids)
    print(f"{len(people)} sampled people, {args.clients} clients, {args.requests} requests per query")
    for name, query, variables in (("searchPeople", SEARCH, names), ("person+involvements", PERSON, ids)):
        if args.only and args.only != name:
            continue
        if args.warmup:
            await run(args.url, headers, query, variables, args.clients, args.warmup)
        p95s = []
        for _ in range(args.rounds):
            timings, elapsed = await run(args.url, headers, query, variables, args.clients, args.requests)
            report(name, timings, elapsed)
            if timings.latencies:
                p95s.append(percentile([v * 1000 for v in timings.latencies], 0.95))
        if len(p95s) > 1:
            print(f"{name}: p95 over {len(p95s)} rounds: median {statistics.median(p95s):.1f} ms, "
                  f"range {min(p95s):.1f}-{max(p95s):.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--token", default="", help="a practitioner bearer token (default: mint one locally)")
    parser.add_argument("--agency", default="CSC", help="the practitioner's agency when minting a token")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1000, help="requests per query type")
    parser.add_argument("--warmup", type=int, default=500, help="untimed requests per query type first")
    parser.add_argument("--rounds", type=int, default=1,
                        help="timed rounds per query: on a shared two-core machine one round's p95 "
                        "can differ from the next by 20%% or more")
    parser.add_argument("--only", choices=("searchPeople", "person+involvements"), help="time one query only")
    parser.add_argument("--sample", type=int, default=100, help="people sampled to vary the requests (max 100)")
    asyncio.run(main(parser.parse_args()))
