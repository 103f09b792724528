"""The embedded default database: Neo4j Community run by the launcher in ``neo4j/``.

``start`` builds the launcher with Maven on first use, runs it in the background with
Bolt on loopback, and waits until Bolt answers. The pid file and the log live beside the
data directory so that several servers (a developer's and a test run's) never collide.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import neo4j

from app.settings import PROJECT_ROOT

LAUNCHER_DIR = PROJECT_ROOT / "neo4j"
LAUNCHER_CLASS = "uk.mast.neo4j.Launcher"
_BUILT_MARKER = LAUNCHER_DIR / "target" / "lib" / ".complete"
READY_LINE = b"MAST neo4j launcher: bolt://"


class LocalNeo4jError(RuntimeError):
    """The local server could not be built, started or stopped; the message says why."""


@dataclass(frozen=True)
class LocalServer:
    data_dir: Path
    port: int
    password: str
    heap: str = "2g"
    pagecache: str = "2g"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "mast-neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "mast-neo4j.log"


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise LocalNeo4jError(f"{tool} not found: install {package} (e.g. apt-get install {package})")
    return path


def _launcher_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted([LAUNCHER_DIR / "pom.xml", *LAUNCHER_DIR.glob("src/**/*.java")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_launcher() -> None:
    """Compile the launcher and copy Neo4j's jars beside it, again only when its sources change."""
    fingerprint = _launcher_fingerprint()
    if _BUILT_MARKER.exists() and _BUILT_MARKER.read_text() == fingerprint:
        return
    _require("java", "openjdk-17-jdk-headless")
    mvn = _require("mvn", "maven")
    print("Building the Neo4j launcher with Maven (first run downloads Neo4j 5.26 once)...")
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(LAUNCHER_DIR / "pom.xml"), "clean", "package"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise LocalNeo4jError(f"Maven could not build the Neo4j launcher:\n{tail}")
    _BUILT_MARKER.write_text(fingerprint)


def running_pid(server: LocalServer) -> int | None:
    """The launcher's pid if its pid file names a live process."""
    try:
        pid = int(server.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def bolt_answers(server: LocalServer) -> bool:
    try:
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password)) as driver:
            driver.verify_connectivity()
        return True
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
        return False


def _ready_line_written(server: LocalServer, offset: int) -> bool:
    with server.log_file.open("rb") as log:
        log.seek(offset)
        return READY_LINE in log.read()


def start(server: LocalServer, timeout_s: float = 180.0) -> bool:
    """Start the server unless it runs already; returns False when it was already running."""
    if running_pid(server) is not None:
        return False
    java = _require("java", "openjdk-17-jdk-headless")
    build_launcher()
    server.data_dir.mkdir(parents=True, exist_ok=True)
    classpath = f"{LAUNCHER_DIR / 'target' / 'classes'}:{LAUNCHER_DIR / 'target' / 'lib' / '*'}"
    command = [
        java,
        f"-Xmx{server.heap}",
        # The throughput collector: on a small machine with one local user, G1's concurrent
        # work competes with the server for cores; a full partnership load needs ~20% less CPU.
        "-XX:+UseParallelGC",
        # Shallower inlining halves the JIT's work on a fresh server (a partnership load:
        # 29 s -> 15 s of compiler threads' CPU on two cores) and the load runs no slower.
        "-XX:FreqInlineSize=120",
        "-XX:MaxInlineLevel=6",
        "-XX:InlineSmallCode=1000",
        "-cp",
        classpath,
        LAUNCHER_CLASS,
        str(server.data_dir),
        str(server.port),
        server.pagecache,
    ]
    log_offset = server.log_file.stat().st_size if server.log_file.exists() else 0
    with server.log_file.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "NEO4J_PASSWORD": server.password},
        )
    server.pid_file.write_text(str(process.pid))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.pid_file.unlink(missing_ok=True)
            raise LocalNeo4jError(
                f"Neo4j exited with status {process.returncode} while starting; see {server.log_file}"
            )
        # The launcher prints its ready line only after it has set the password; polling Bolt
        # before then would trip Neo4j's rate limit on failed logins.
        if _ready_line_written(server, log_offset) and bolt_answers(server):
            return True
        time.sleep(0.5)
    stop(server)
    raise LocalNeo4jError(f"Neo4j did not answer on {server.uri} within {timeout_s:.0f}s; see {server.log_file}")


def stop(server: LocalServer, timeout_s: float = 120.0) -> bool:
    """Shut the server down cleanly (data kept); returns False when it was not running."""
    pid = running_pid(server)
    if pid is None:
        server.pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        # Reap the child when this process started it (tests), so it does not linger as a zombie.
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                break
        except ChildProcessError:
            pass
        time.sleep(0.2)
    else:
        raise LocalNeo4jError(f"Neo4j (pid {pid}) did not stop within {timeout_s:.0f}s")
    server.pid_file.unlink(missing_ok=True)
    return True
