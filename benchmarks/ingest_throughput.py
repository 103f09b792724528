"""Ingestion speed and memory on the synthetic partnership, end to end from files to graph.

Usage: .venv/bin/python benchmarks/ingest_throughput.py [--people N] [--big-rows N]

Starts a throwaway local Neo4j, generates the partnership with `mast seed`, loads every
agency's file with the real pipeline and prints rows, seconds and rows per second, and
the server's CPU time by kind of thread (queries, JIT compiler, garbage collector). Then it
builds one large file (default 1,000,000 rows) and loads it in a child process, printing
that process's peak resident memory, to show memory stays flat as files grow.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import local_neo4j  # noqa: E402
from app.db import Graph  # noqa: E402
from app.ingest.pipeline import ingest_file  # noqa: E402
from app.settings import Settings  # noqa: E402
from graph_schema.migrations import migrate  # noqa: E402
from seeds.generator import generate  # noqa: E402



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat_cpu(stat: Path) -> float:
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float:
    """CPU time a process has used so far (0 where /proc is missing): unlike wall time, it
    barely moves when other work shares the machine, so it shows the server's own cost."""
    return _stat_cpu(Path(f"/proc/{pid}/stat"))


# Neo4j's threads by what they do, from the names the JVM and Neo4j give them.
THREAD_KINDS = (("queries and commits", ("neo4j.BoltWorke",)), ("compiling (JIT)", ("C1 Compiler", "C2 Compiler")),
                ("collecting garbage", ("GC Thread", "VM Thread")))


def thread_cpu(pid: int | None) -> dict[str, float]:
    """CPU time of the server's live threads by kind: a fresh server spends a good part of
    its first load compiling its own code, which a long-running one has done already."""
    used = dict.fromkeys((kind for kind, _ in THREAD_KINDS), 0.0)
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            name = (task / "comm").read_text()
        except OSError:
            continue
        for kind, prefixes in THREAD_KINDS:
            if name.startswith(prefixes):
                used[kind] += _stat_cpu(task / "stat")
    return used


def seed(people: int, out: Path) -> list[Path]:
    generate(people, 42, out)
    return sorted(p for p in out.glob("*.csv") if p.name != "truth.csv")


def big_file(files: list[Path], rows: int, out: Path) -> Path:
    """One agency-shaped file of `rows` rows: the partnership's rows, repeated under fresh ids."""
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = None
        written = copy = 0
        while written < rows:
            for path in files:
                with path.open(newline="", encoding="utf-8") as source:
                    for row in csv.DictReader(source):
                        if writer is None:
                            writer = csv.DictWriter(handle, fieldnames=list(row))
                            writer.writeheader()
                        row["source_person_id"] = f"{copy}-{path.stem}-{row['source_person_id']}"
                        if row.get("involvement_id"):
                            row["involvement_id"] = f"{copy}-{path.stem}-{row['involvement_id']}"
                        writer.writerow(row)
                        written += 1
                        if written >= rows:
                            return out
            copy += 1
    return out


def load_in_child(settings: Settings, path: Path, state: Path) -> None:
    """Load one file in a fresh process and report its peak memory (VmHWM: ru_maxrss would
    carry the parent's high-water mark across fork and exec)."""
    code = (
        "import time; from pathlib import Path; "
        "from app.db import Graph; from app.ingest.pipeline import ingest_file; from app.settings import Settings; "
        f"s = Settings(neo4j_uri={settings.neo4j_uri!r}, neo4j_password={settings.neo4j_password!r}); "
        "t = time.perf_counter(); g = Graph(s); "
        f"r = ingest_file(g, Path({str(state)!r}), 'BIG', Path({str(path)!r})); g.close(); "
        "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]; "
        "print(f'big file: {r.rows_read} rows in {time.perf_counter() - t:.1f} s, '"
        "f'peak process memory {int(hwm) / 1024:.0f} MB')"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=0, help="people in the synthetic population (default 900,000: ~400,000 rows)")
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="rows in the memory test file (0 skips it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = local_neo4j.LocalServer(work / "neo4j", free_port(), secrets.token_urlsafe(16), heap="4g", pagecache="4g")
        local_neo4j.start(server)
        try:
            settings = Settings(neo4j_uri=server.uri, neo4j_password=server.password)
            files = seed(args.people or 900_000, work / "seed")
            with Graph(settings) as graph:
                migrate(graph)
                pid = local_neo4j.running_pid(server)
                total_rows, started, server_cpu, threads = 0, time.perf_counter(), cpu_seconds(pid), thread_cpu(pid)
                for path in files:
                    t = time.perf_counter()
                    summary = ingest_file(graph, work / "state", path.stem, path)
                    total_rows += summary.rows_read
                    print(f"{path.stem:8} {summary.rows_read:8d} rows {time.perf_counter() - t:6.1f} s")
                elapsed, server_cpu = time.perf_counter() - started, cpu_seconds(pid) - server_cpu
                threads = {kind: used - threads[kind] for kind, used in thread_cpu(pid).items()}
            print(f"partnership: {total_rows} rows in {elapsed:.1f} s ({total_rows / elapsed:,.0f} rows/s), "
                  f"Neo4j CPU {server_cpu:.1f} s, "
                  f"peak process memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
            print("  Neo4j CPU by thread: " + ", ".join(f"{kind} {used:.1f} s" for kind, used in threads.items())
                  + " (the rest: network I/O and threads that have ended, such as Lucene's merges)")
            if args.big_rows:
                load_in_child(settings, big_file(files, args.big_rows, work / "big.csv"), work / "state")
        finally:
            local_neo4j.stop(server)


if __name__ == "__main__":
    main()
