"""A real Elasticsearch on loopback, one node or a cluster of several, for tests,
benchmarks and development.

The node is the `org.elasticsearch.distribution.integ-test-zip:elasticsearch` artifact from
Maven Central, fetched with `mvn` once into a cache.  It has no bundled JDK (it runs on the
machine's), holds only core modules (so Persian analysis happens in Python), and refuses to
run as root: when we are root, it runs as a system user created for it.

    python -m rasad.index.es_node start [--port P] [--data DIR]   # prints the URL, detaches
    python -m rasad.index.es_node start --nodes 3 [--data DIR]    # a cluster: prints its URLs
    python -m rasad.index.es_node stop [--nodes N] [--data DIR]

A cluster's nodes share one cluster name and find each other through seed hosts on
loopback; each has its own data directory (DIR/node-1 …) and its own HTTP and transport
ports.  Its URLs, joined by commas, are what RASAD_STORE takes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# The newest line on Maven Central whose Java requirement (17+) the machine's default JDK meets;
# the 9.x line has no integ-test-zip there.  Keep the Python client's major version equal.
ES_VERSION = os.environ.get("RASAD_ES_VERSION", "8.19.21")
ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
# The node user must be able to read the distribution and write its data, so as root the
# cache lives outside /root (mode 700): /var/cache/rasad.
_DEFAULT_CACHE = Path("/var/cache/rasad") if os.geteuid() == 0 else Path.home() / ".cache" / "rasad"
CACHE = Path(os.environ.get("RASAD_CACHE", _DEFAULT_CACHE))
RUN_USER = "rasad-es"


class NodeError(RuntimeError):
    """The node could not be fetched, started or stopped; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def java_home() -> Path:
    """The JDK the node runs on: ES_JAVA_HOME, JAVA_HOME, or the `java` on PATH."""
    for var in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var):
            return Path(os.environ[var])
    java = shutil.which("java")
    if not java:
        raise NodeError(
            "no Java found: install a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
        )
    return Path(java).resolve().parent.parent


def fetch(version: str = ES_VERSION) -> Path:
    """The unpacked distribution, downloading it with mvn on first use."""
    home = CACHE / f"elasticsearch-{version}"
    if (home / "bin" / "elasticsearch").exists():
        return home
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / f"elasticsearch-{version}.zip"
    if not archive.exists():
        if not shutil.which("mvn"):
            raise NodeError("mvn is needed to fetch Elasticsearch (apt-get install maven)")
        cmd = [
            "mvn",
            "-q",
            "-B",
            "dependency:copy",
            f"-Dartifact={ARTIFACT.format(version=version)}",
            f"-DoutputDirectory={CACHE}",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not archive.exists():
            raise NodeError(
                f"could not fetch {ARTIFACT.format(version=version)} from Maven Central:\n"
                f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
    staging = CACHE / f".unpack-{version}-{os.getpid()}"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(staging)
    for path in (staging / f"elasticsearch-{version}" / "bin").iterdir():
        path.chmod(0o755)
    os.replace(staging / f"elasticsearch-{version}", home)
    staging.rmdir()
    return home


def _run_user() -> pwd.struct_passwd | None:
    """The user the node runs as: None when we are not root (then it runs as us)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(RUN_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(RUN_USER)


def _chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(path)], check=True)


@dataclass
class LocalNode:
    """One node: its data directory survives stop/start, so a restart keeps the indices.
    Alone it is a single-node cluster; with `peers` (the transport addresses of every
    node of its cluster, its own included) it joins them."""

    data_dir: Path
    port: int = 0
    heap: str = "512m"
    process: subprocess.Popen[bytes] | None = None
    name: str = "rasad-local"
    transport_port: int = 0
    peers: list[str] = field(default_factory=list)
    masters: list[str] = field(default_factory=list)  # the names that may be elected first

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state_file(self) -> Path:
        return self.data_dir / "node.json"

    def start(self, timeout: float = 180) -> str:
        self.launch()
        self._wait_healthy(timeout)
        return self.url

    def launch(self) -> None:
        """Start the node's process without waiting for it (a cluster's nodes must all be
        starting before any of them can elect a master)."""
        home = fetch()
        user = _run_user()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Each run gets its own config copy: the node writes a keystore into its config dir.
        config = self.data_dir / "config"
        if not config.exists():
            shutil.copytree(home / "config", config)
        for sub in ("data", "logs", "tmp"):
            (self.data_dir / sub).mkdir(exist_ok=True)
        if user is not None:
            _chown_tree(self.data_dir, user)
            self.data_dir.chmod(0o755)
        self.port = self.port or free_port()
        self.transport_port = self.transport_port or free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": str(java_home()),
            "ES_PATH_CONF": str(config),
            "ES_TMPDIR": str(self.data_dir / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap}",
        }
        discovery = (
            {
                "discovery.seed_hosts": ",".join(self.peers),
                "cluster.initial_master_nodes": ",".join(self.masters),
            }
            if self.peers
            else {"discovery.type": "single-node"}
        )
        settings = {
            "cluster.name": "rasad-local",
            "node.name": self.name,
            "network.host": "127.0.0.1",
            "http.port": str(self.port),
            "transport.port": str(self.transport_port),
            **discovery,
            "path.data": str(self.data_dir / "data"),
            "path.logs": str(self.data_dir / "logs"),
            "xpack.security.enabled": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "action.destructive_requires_name": "false",
        }
        cmd = [str(home / "bin" / "elasticsearch"), *(f"-E{k}={v}" for k, v in settings.items())]
        if user is not None:
            cmd = [
                "runuser",
                "-u",
                RUN_USER,
                "--",
                "env",
                *(f"{k}={v}" for k, v in env.items()),
                *cmd,
            ]
        log = (self.data_dir / "node.out").open("ab")
        self.process = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.state_file.write_text(json.dumps({"pid": self.process.pid, "url": self.url}))

    def _wait_healthy(self, timeout: float, nodes: int = 1) -> None:
        """Until the cluster, asked through this node, has `nodes` nodes and is yellow or
        green; the node is stopped and NodeError raised if it exits or time runs out."""
        deadline = time.monotonic() + timeout
        query = urllib.parse.urlencode(
            {"wait_for_status": "yellow", "wait_for_nodes": f">={nodes}", "timeout": "2s"}
        )
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise NodeError(
                    f"Elasticsearch exited with {self.process.returncode}; "
                    f"see {self.data_dir / 'node.out'}:\n{self._tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_cluster/health?{query}", timeout=5) as r:
                    health = json.load(r)
                if health.get("status") in {"green", "yellow"} and not health.get("timed_out"):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise NodeError(f"Elasticsearch did not become healthy in {timeout:.0f}s:\n{self._tail()}")

    def _tail(self) -> str:
        out = self.data_dir / "node.out"
        return out.read_text(errors="replace")[-3000:] if out.exists() else ""

    def stop(self, timeout: float = 60) -> None:
        """Stop the node (SIGTERM to its process group, SIGKILL if it lingers)."""
        pid = self.process.pid if self.process else _pid_from(self.state_file)
        if pid is None:
            return
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid, self.process):
            time.sleep(0.2)
        if _alive(pid, self.process):
            _signal_group(pid, signal.SIGKILL)
        if self.process:
            self.process.wait(timeout=10)
        self.process = None
        self.state_file.unlink(missing_ok=True)

    def kill(self) -> None:
        """Kill the node at once, as a crash would (for fault tests)."""
        if self.process:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None


@dataclass
class LocalCluster:
    """Several nodes forming one cluster on loopback (`base_dir/node-1` …).  Any node
    answers for the whole cluster; `kill` and `restart` take one down and bring it back
    with its data, as a crash and a recovery would."""

    base_dir: Path
    size: int = 3
    heap: str = "512m"
    nodes: list[LocalNode] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.size < 1:
            raise NodeError("a cluster needs at least one node")
        names = [f"rasad-{i + 1}" for i in range(self.size)]
        transports = [free_port() for _ in names]
        peers = [f"127.0.0.1:{port}" for port in transports]
        self.nodes = [
            LocalNode(
                self.base_dir / f"node-{i + 1}",
                port=free_port(),
                heap=self.heap,
                name=name,
                transport_port=transports[i],
                peers=peers,
                masters=names,
            )
            for i, name in enumerate(names)
        ]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def url(self) -> str:
        """The nodes' URLs joined by commas: what RASAD_STORE takes for a cluster."""
        return ",".join(self.urls)

    def start(self, timeout: float = 300) -> str:
        for node in self.nodes:
            node.launch()
        try:
            for node in self.nodes:  # each node's HTTP port, once all have joined
                node._wait_healthy(timeout, nodes=self.size)
        except NodeError:
            self.stop()
            raise
        return self.url

    def kill(self, index: int) -> None:
        self.nodes[index].kill()

    def restart(self, index: int, timeout: float = 300) -> None:
        """Bring a killed node back and wait until the cluster counts it again."""
        self.nodes[index].launch()
        self.nodes[index]._wait_healthy(timeout, nodes=self.size)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def _pid_from(state: Path) -> int | None:
    if not state.exists():
        return None
    return int(json.loads(state.read_text())["pid"])


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _alive(pid: int, process: subprocess.Popen[bytes] | None) -> bool:
    if process is not None:
        return process.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rasad.index.es_node", description=__doc__)
    parser.add_argument("action", choices=("fetch", "start", "stop"))
    parser.add_argument("--data", type=Path, default=CACHE / "node", help="node data directory")
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    parser.add_argument("--nodes", type=int, default=1, help="nodes in the cluster (default 1)")
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            print(fetch())
        elif args.action == "start" and args.nodes > 1:
            cluster = LocalCluster(args.data, args.nodes)
            print(cluster.start())
            for node in cluster.nodes:
                node.process = None  # leave them running detached
        elif args.action == "start":
            node = LocalNode(args.data, args.port)
            print(node.start())
            node.process = None  # leave it running detached
        elif args.nodes > 1:
            for i in range(args.nodes):
                LocalNode(args.data / f"node-{i + 1}").stop()
        else:
            LocalNode(args.data).stop()
    except NodeError as exc:
        print(f"es_node: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
