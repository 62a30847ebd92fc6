"""Two processes opening the same new database at once (an ingest starting while the API or a reader opens
the file) must both end with a migrated database: neither may run a migration the other has applied."""
import multiprocessing as mp

import pytest


def _open(path: str, barrier, errors) -> None:
    from autointel.store.sqlite import SqliteStore

    barrier.wait()
    try:
        SqliteStore(path).close()
    except Exception as e:  # reported to the parent, which fails the test with it
        import traceback

        errors.put(f"{type(e).__name__}: {e}: {traceback.format_exc(limit=-2)}")


@pytest.mark.parametrize("processes", [3])
def test_processes_migrating_a_new_database_at_once(tmp_path, processes):
    ctx = mp.get_context("spawn")  # fresh interpreters, as separate commands would be
    errors = ctx.Queue()
    for round_ in range(6):
        path = str(tmp_path / f"race-{round_}.db")
        barrier = ctx.Barrier(processes)
        procs = [ctx.Process(target=_open, args=(path, barrier, errors)) for _ in range(processes)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert all(p.exitcode == 0 for p in procs)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert not found, found

    from autointel.store.sqlite import SqliteStore

    store = SqliteStore(str(tmp_path / "race-0.db"))
    numbers = [r[0] for r in store.conn.execute("SELECT number FROM schema_migrations ORDER BY number")]
    assert numbers == sorted(set(numbers)) and len(numbers) >= 11
