"""Benchmark of an HQ archive on PostgreSQL (issue 15). A script to run by hand, not a
test; it starts its own PostgreSQL server (tests/pg_server.py) and removes it after.

1. Import: an archive file with the demo and N more outcomes (default 100,000; rows as
   in benchmarks/bench_sync.py, two language versions each) exports a full package;
   an empty HQ archive imports it (check, merge, search index folded, commit). The
   baseline copies the same rows into an empty HQ database with ``COPY``, triggers
   off (``session_replication_role = replica``): no checks, no clocks, no index.
   Target: import ≥ 0.5 × the baseline's speed (printed as baseline s / import s).
2. Staff at work: ``--clients`` (default 16) threads, each its own login and
   connection, repeat the window's typical work for ``--seconds``: open a meeting (its
   outcome trees), edit an outcome and save it, search for a word. Each action's p95
   and the total throughput are printed against the same SQL statements, captured
   from one run of each action, sent with bare psycopg (no application logic) by as
   many threads in the same run. Targets: p95 of every action ≤ 50 ms, throughput ≥
   0.5 × bare.

    python benchmarks/bench_hq.py [--outcomes 100000] [--clients 16] [--seconds 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import bench_sync  # noqa: E402  (sets the work folder and XDG locations)
import pg_server  # noqa: E402
import psycopg  # noqa: E402

from piel_desktop.services import records, search, sync  # noqa: E402
from piel_desktop.services.archive import create_archive, open_archive  # noqa: E402

WORDS = ("protección", "cooperación", "niños", "familias", "políticas", "sensibilización")
ACTIONS = ("open meeting", "edit and save", "search")


def build_file(outcomes: int) -> Path:
    path = bench_sync.WORK / "office.piel"
    archive = create_archive(path, demo=True, office="Office")
    for number in range(15, 15 + max(1, outcomes // 50)):
        records.add_meeting(archive, number=number, start_date=bench_sync.dt.date(2018, 1, 1)
                            + bench_sync.dt.timedelta(days=number))
    rng = random.Random(2026)
    for low in range(0, outcomes, 25_000):
        high = min(low + 25_000, outcomes)
        bench_sync.add_outcomes(archive, lambda r, c, m, low=low, high=high: bench_sync.make_rows(rng, low, high, m, r, c))
    archive.close()
    return path


def copy_baseline(server, source_url: str, target_db: str) -> float:
    """COPY every row of the HQ archive at ``source_url`` into ``target_db`` (an empty HQ
    archive), triggers off; seconds."""
    tables = ["replica", "changeset", "body", "organisation", "text", "text_version", "meeting",
              "outcome", "meeting_outcome"]
    with psycopg.connect(source_url) as src:
        data = {t: src.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
        columns = {t: [d.name for d in src.execute(f'SELECT * FROM "{t}" LIMIT 0').description] for t in tables}
    with psycopg.connect(server.url(target_db)) as con:
        con.execute("SET session_replication_role = replica")
        for t in reversed(tables):
            con.execute(f'DELETE FROM "{t}"')
        con.commit()
        start = time.perf_counter()
        for t in tables:
            with con.cursor().copy(f'COPY "{t}" ({", ".join(columns[t])}) FROM STDIN') as copy:
                for row in data[t]:
                    copy.write_row(row)
        con.commit()
        return time.perf_counter() - start


class Capture:
    """The statements one action sends (psycopg's Cursor.execute), for the bare run."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []
        self._execute = psycopg.Cursor.execute

    def __enter__(self):
        sent, execute = self.sent, self._execute

        def recording(cursor, query, params=None, **kw):
            sent.append((query, params))
            return execute(cursor, query, params, **kw)
        psycopg.Cursor.execute = recording
        return self

    def __exit__(self, *exc) -> None:
        psycopg.Cursor.execute = self._execute


def actions(hq, rng: random.Random, meetings, outcomes, n: int):
    def open_meeting():
        records.meeting_outcomes(hq, [rng.choice(meetings)])

    def edit():
        records.edit_outcome(hq, rng.choice(outcomes), addressee=f"office {n}.{uuid.uuid4().hex[:6]}")

    def find():
        search.search(hq, rng.choice(WORDS), limit=50)
    return dict(zip(ACTIONS, (open_meeting, edit, find)))


def run(clients: int, seconds: float, work) -> tuple[dict[str, list[float]], int]:
    """``work(n)`` -> {action: callable}; each client calls them in turn until the time is
    up. Returns latencies per action and how many actions were done."""
    times: dict[str, list[float]] = {a: [] for a in ACTIONS}
    lock, barrier = threading.Lock(), threading.Barrier(clients)
    end = [0.0]

    def client(n: int) -> None:
        todo = work(n)
        barrier.wait()
        if n == 0:
            end[0] = time.perf_counter() + seconds
        while not end[0]:
            time.sleep(0.001)
        mine: dict[str, list[float]] = {a: [] for a in ACTIONS}
        while time.perf_counter() < end[0]:
            for name, action in todo.items():
                start = time.perf_counter()
                action()
                mine[name].append(time.perf_counter() - start)
        with lock:
            for name, spent in mine.items():
                times[name] += spent
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, sum(map(len, times.values()))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args(argv)
    server = pg_server.start()
    try:
        start = time.perf_counter()
        path = build_file(args.outcomes)
        with open_archive(path) as office:
            package = sync.export_package(office, bench_sync.WORK / "full.pielpkg", full=True).path
        print(f"{args.outcomes:,} outcomes written and exported in {time.perf_counter() - start:.1f} s")
        for name in ("hq", "bare"):
            server.sql(f"CREATE DATABASE {name}")
            create_archive(server.url(name), office=name.upper()).close()
        with open_archive(server.url("hq")) as hq:
            start = time.perf_counter()
            sync.import_package(hq, package, receipt_dir=bench_sync.WORK)
            imported = time.perf_counter() - start
        copied = copy_baseline(server, server.url("hq"), "bare")
        server.sql("ANALYZE", "hq")  # what autovacuum does within a minute of a large import
        print(f"import into HQ: {imported:.1f} s; bare COPY of the same rows: {copied:.1f} s; "
              f"ratio {copied / imported:.2f} (target ≥ 0.5)")

        with open_archive(server.url("hq")) as hq:
            meetings = [m.id for m in records.list_meetings(hq)]
            with hq.unit_of_work() as uow:
                outcomes = [uuid.UUID(r[0]) for r in uow.raw.execute(
                    "SELECT id FROM outcome WHERE parent_id IS NULL ORDER BY id LIMIT 5000")]
            captured = {}
            for name, action in actions(hq, random.Random(1), meetings, outcomes, 0).items():
                with Capture() as capture:
                    action()
                captured[name] = capture.sent
        print(f"{args.clients} clients for {args.seconds:.0f} s each run; statements per action: "
              + ", ".join(f"{name} {len(sent)}" for name, sent in captured.items()))

        archives = [open_archive(server.url("hq")) for _ in range(args.clients)]
        app_times, app_done = run(args.clients, args.seconds,
                                  lambda n: actions(archives[n], random.Random(n), meetings, outcomes, n))
        for a in archives:
            a.close()
        connections = [psycopg.connect(server.url("hq")) for _ in range(args.clients)]

        def bare(n: int):
            con = connections[n]

            def replay(sent):
                def go():
                    for query, params in sent:
                        con.execute(query, params)
                    con.commit()
                return go
            return {name: replay(sent) for name, sent in captured.items()}
        bare_times, bare_done = run(args.clients, args.seconds, bare)
        for con in connections:
            con.close()
        print(f"{'action':15} {'p95 app':>10} {'p95 bare':>10}   (target: app ≤ 50 ms)")
        for name in ACTIONS:
            print(f"{name:15} {p95(app_times[name]) * 1000:8.1f} ms {p95(bare_times[name]) * 1000:8.1f} ms")
        print(f"throughput: app {app_done / args.seconds:.0f} actions/s, bare {bare_done / args.seconds:.0f} "
              f"actions/s, ratio {app_done / bare_done:.2f} (target ≥ 0.5)")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
