"""The vector log serves a fact's vector only for its current text, forgets deleted facts' bytes,
survives a torn tail, and sees what another handle (another process) wrote or scrubbed."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import numpy as np
import pytest

from graphmem.store._vector_log import VectorLog

DIM = 8


def _vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)


def _ids(n: int) -> list[str]:
    return [str(uuid.UUID(int=i + 1)) for i in range(n)]


@pytest.fixture
def log(tmp_path: Path) -> VectorLog:
    return VectorLog.beside(tmp_path, "g", DIM)


def test_serves_what_was_appended_and_nothing_else(log: VectorLog) -> None:
    ids = _ids(3)
    log.append((i, f"text {n}", _vector(n)) for n, i in enumerate(ids[:2]))
    got_ids, matrix = log.get({ids[0]: "text 0", ids[1]: "text 1", ids[2]: "text 2"})
    assert got_ids == ids[:2]
    assert np.array_equal(matrix, np.stack([_vector(0), _vector(1)]))


def test_a_changed_text_is_a_miss(log: VectorLog) -> None:
    (fact,) = _ids(1)
    log.append([(fact, "Dana lives in Lisbon", _vector(0))])
    assert log.get({fact: "Dana lives in Porto"})[0] == []


def test_a_new_record_zeroes_the_old_one(log: VectorLog) -> None:
    (fact,) = _ids(1)
    old, new = _vector(1), _vector(2)
    log.append([(fact, "old text", old)])
    log.append([(fact, "new text", new)])
    content = log.path.read_bytes()
    assert old.tobytes() not in content
    assert np.array_equal(log.get({fact: "new text"})[1], new[None, :])
    assert log.get({fact: "old text"})[0] == []


def test_forget_removes_the_vector_bytes_from_disk(log: VectorLog) -> None:
    keep, gone = _ids(2)
    log.append([(keep, "kept", _vector(1)), (gone, "gone", _vector(2))])
    log.forget([gone])
    content = log.path.read_bytes()
    assert _vector(2).tobytes() not in content
    assert gone.encode() not in content
    assert _vector(1).tobytes() in content
    assert log.get({keep: "kept", gone: "gone"})[0] == [keep]


def test_a_torn_tail_is_cut_before_the_next_append(log: VectorLog) -> None:
    first, second = _ids(2)
    log.append([(first, "first", _vector(1))])
    with log.path.open("ab") as handle:  # a crash in the middle of a record
        handle.write(b"\x01" * 17)
    log.append([(second, "second", _vector(2))])
    fresh = VectorLog(log.path, DIM)  # a new process reads the file from the start
    got_ids, matrix = fresh.get({first: "first", second: "second"})
    assert got_ids == [first, second]
    assert np.array_equal(matrix, np.stack([_vector(1), _vector(2)]))


def test_another_handle_sees_appends_and_scrubs(log: VectorLog) -> None:
    mine, theirs = _ids(2)
    other = VectorLog(log.path, DIM)  # as another process sharing the data directory
    log.append([(mine, "mine", _vector(1))])
    assert log.get({mine: "mine"})[0] == [mine]
    other.append([(theirs, "theirs", _vector(2))])
    assert log.get({theirs: "theirs"})[0] == [theirs]
    other.forget([mine])
    assert log.get({mine: "mine"})[0] == []


def test_clear_removes_the_file_and_appends_start_over(log: VectorLog) -> None:
    first, second = _ids(2)
    log.append([(first, "first", _vector(1))])
    log.clear()
    assert not log.path.exists()
    assert log.get({first: "first"})[0] == []
    log.append([(second, "second", _vector(2))])
    assert log.get({first: "first", second: "second"})[0] == [second]


def test_remove_beside_drops_every_dimension_of_one_graph_only(tmp_path: Path) -> None:
    (fact,) = _ids(1)
    for graph, dim in (("g", DIM), ("g", 4), ("other", DIM)):
        VectorLog.beside(tmp_path, graph, dim).append([(fact, "t", np.ones(dim, np.float32))])
    VectorLog.remove_beside(tmp_path, "g")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.fact-vectors.8d.bin"]


def test_a_digest_ending_in_zero_bytes_still_matches(log: VectorLog) -> None:
    text = next(
        t
        for t in (f"text {n}" for n in range(100_000))
        if hashlib.md5(t.encode()).digest().endswith(b"\0")
    )
    (fact,) = _ids(1)
    log.append([(fact, text, _vector(3))])
    assert log.get({fact: text})[0] == [fact]


def test_ids_longer_than_a_record_are_never_cached(log: VectorLog) -> None:
    long_id = "x" * 37
    log.append([(long_id, "t", _vector(1))])
    assert not log.path.exists() or log.path.stat().st_size == 0
    assert log.get({long_id: "t"})[0] == []


def test_a_missing_file_serves_nothing(log: VectorLog) -> None:
    assert log.get({_ids(1)[0]: "t"})[0] == []
    log.forget(_ids(1))  # no file, nothing to scrub, no error
    assert not log.path.exists()


def _append_many(path: str, start: int, count: int) -> None:
    log = VectorLog(path, DIM)
    ids = _ids(start + count)[start:]
    for n, identifier in enumerate(ids, start=start):  # one record per append: many interleavings
        log.append([(identifier, f"text {n}", _vector(n))])


def test_processes_appending_at_once_leave_every_record_whole(log: VectorLog) -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    writers = [
        context.Process(target=_append_many, args=(str(log.path), start, 300))
        for start in (0, 300, 600)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    texts = {identifier: f"text {n}" for n, identifier in enumerate(_ids(900))}
    got_ids, matrix = VectorLog(log.path, DIM).get(texts)
    assert sorted(got_ids) == sorted(texts)
    for identifier, vector in zip(got_ids, matrix):
        assert np.array_equal(vector, _vector(int(texts[identifier].split()[1])))
    assert log.path.stat().st_size == 900 * log._dtype.itemsize


def test_threads_reading_while_others_append_and_forget_see_only_whole_records(
    log: VectorLog,
) -> None:
    import threading

    ids = _ids(400)
    texts = {identifier: f"text {n}" for n, identifier in enumerate(ids)}
    forgotten = set(ids[::7])
    errors: list[BaseException] = []

    def write(part: list[str]) -> None:
        handle = VectorLog(log.path, DIM)
        for identifier in part:
            handle.append([(identifier, texts[identifier], _vector(ids.index(identifier)))])
            if identifier in forgotten:
                handle.forget([identifier])

    def read() -> None:
        try:
            for _ in range(50):
                got_ids, matrix = log.get(texts)
                for identifier, vector in zip(got_ids, matrix):
                    assert np.array_equal(vector, _vector(ids.index(identifier)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(ids[k::2],)) for k in range(2)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    got_ids, _ = VectorLog(log.path, DIM).get(texts)
    assert sorted(got_ids) == sorted(set(ids) - forgotten)
