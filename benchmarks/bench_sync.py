"""Benchmark of sync by package files: full export, import into an empty archive, and
a plain-SQLite baseline. A benchmark to run by hand, not a test.

It builds a demo archive (6 meetings) plus N outcomes, each with a text in Spanish
(original) and English (official translation): 5 rows per outcome (text, 2 text
versions, outcome, meeting link), written straight into SQLite inside the archive's
unit of work with an explicit ``sync_clock``, as one changeset per size step. Then it
measures, in records per second:

- export: ``sync.export_package`` of the whole archive (a full package);
- import: ``sync.import_package`` of that package into a new, empty archive (check,
  backup, merge, preview, commit, receipt), and whether both archives then have the
  same content fingerprint;
- baseline: one ``executemany`` transaction of the same rows into a fresh SQLite file
  with the same tables and indexes but no triggers (foreign keys off, sqlite3's
  default; the import merges with them off too).

Peak memory of the import is measured per package size, each in a fresh process
forked from a small server process (a child of this large one would inherit its peak):
peak RSS (``ru_maxrss``, reset to the current RSS via /proc/self/clear_refs on Linux)
after the import, minus the RSS just before it.

Run from the repository root (defaults shown):

    python benchmarks/bench_sync.py --outcomes 100000 --sizes 25000 50000 100000 [--repeat 3] [--profile]

The import and the baseline run ``--repeat`` times, one after the other, and the best
time of each side counts (this machine's speed drifts by a third from minute to minute).

``--sizes`` with no value skips the memory runs; ``--profile`` runs the in-process
import under cProfile and prints the top 15 functions by cumulative and own time.
All files live in a temporary folder (also XDG_DATA_HOME/XDG_CONFIG_HOME, so import
backups stay out of the user's folders) that is removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import multiprocessing
import multiprocessing.forkserver
import os
import pstats
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Memory runs import this file again in their processes: they share the folder.
WORK = Path(os.environ.get("PIEL_BENCH_WORK") or tempfile.mkdtemp(prefix="piel-bench-"))
os.environ["PIEL_BENCH_WORK"] = str(WORK)
os.environ["XDG_DATA_HOME"] = str(WORK / "data")
os.environ["XDG_CONFIG_HOME"] = str(WORK / "config")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piel_desktop.services import sync  # noqa: E402
from piel_desktop.services.archive import create_archive, fingerprint  # noqa: E402
from piel_desktop.storage import sync as tracking  # noqa: E402

SPANISH = ("el grupo de trabajo recomienda que los estados miembros refuercen la protección "
           "de la infancia en línea mediante políticas nacionales campañas de sensibilización "
           "cooperación internacional con la industria las familias y los educadores para "
           "garantizar un entorno digital seguro inclusivo y accesible para niños niñas y "
           "jóvenes en todas las regiones del mundo según las resoluciones del consejo").split()
ENGLISH = ("the working group recommends that member states strengthen child online protection "
           "through national policies awareness campaigns international cooperation with "
           "industry families and educators to ensure a safe inclusive and accessible digital "
           "environment for children and young people in all regions of the world according "
           "to the resolutions of council").split()
KINDS = ("recommendation", "agreement", "decision", "request")
TABLES = {  # table -> columns in insert order
    "text": ("id", "created_at", "updated_at", "changed_by", "sync_clock"),
    "text_version": ("text_id", "lang", "body", "status", "revision", "source_revision", "id",
                     "created_at", "updated_at", "changed_by", "sync_clock"),
    "outcome": ("parent_id", "position", "label", "kind", "status", "addressee", "text_id", "id",
                "created_at", "updated_at", "changed_by", "sync_clock"),
    "meeting_outcome": ("meeting_id", "outcome_id", "sync_clock"),
}


def insert_sql(table: str) -> str:
    cols = TABLES[table]
    return f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'


def sentence(rng: random.Random, words: tuple[str, ...] | list[str]) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(15, 40)))
    return text[0].upper() + text[1:] + "."


def make_rows(rng: random.Random, start: int, stop: int, meetings: list[str], replica: str,
              clock: str) -> dict[str, list[tuple]]:
    """Rows of outcomes ``start``..``stop`` as stored values, by table."""
    rows = {t: [] for t in TABLES}
    now = dt.datetime.now(dt.UTC)
    for i in range(start, stop):
        at = (now + dt.timedelta(microseconds=i - start)).isoformat(timespec="microseconds")
        text_id, outcome_id = uuid.uuid4().hex, uuid.uuid4().hex
        rows["text"].append((text_id, at, at, replica, clock))
        for lang, words, status, source in (("es", SPANISH, "original", None),
                                            ("en", ENGLISH, "official", 1)):
            version_id = uuid.uuid5(uuid.UUID(text_id), lang).hex
            rows["text_version"].append((text_id, lang, sentence(rng, words), status, 1, source,
                                         version_id, at, at, replica, clock))
        rows["outcome"].append((None, i + 1, str(i + 1), rng.choice(KINDS), "agreed",
                                rng.choice((None, "council", "member_states")), text_id,
                                outcome_id, at, at, replica, clock))
        rows["meeting_outcome"].append((meetings[i % len(meetings)], outcome_id, clock))
    return rows


def add_outcomes(archive, rows_of) -> dict[str, list[tuple]]:
    """Write the rows from ``rows_of(replica, clock, meetings)`` as one changeset."""
    with archive.unit_of_work() as uow:
        con = uow.raw
        replica = archive.replica_id.hex
        stamp = tracking.new_changeset(con, replica)
        meetings = [r[0] for r in con.execute("SELECT id FROM meeting ORDER BY id")]
        rows = rows_of(replica, tracking.dumps({"*": stamp}), meetings)
        for table in TABLES:
            con.executemany(insert_sql(table), rows[table])
        uow.commit()
    return rows


def baseline(source: Path, rows: dict[str, list[tuple]], target: Path) -> tuple[int, float]:
    """Plain executemany of ``rows`` into a fresh file with ``source``'s tables and indexes."""
    with sqlite3.connect(source) as src:
        ddl = [r[0] for r in src.execute(
            "SELECT sql FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'fts_%' ORDER BY type = 'index'")]
    con = sqlite3.connect(target, isolation_level=None)
    for statement in ddl:
        con.execute(statement)
    start = time.perf_counter()
    con.execute("BEGIN")
    for table in TABLES:
        con.executemany(insert_sql(table), rows[table])
    con.execute("COMMIT")
    seconds = time.perf_counter() - start
    con.close()
    return sum(len(r) for r in rows.values()), seconds


def current_rss_kib() -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0])


def child_import(package: Path) -> dict:
    """Import ``package`` into a new archive; peak and RSS before in KiB, seconds."""
    b = create_archive(WORK / f"mem-{package.stem}.piel", office="Regional")
    try:  # Linux: reset the peak to the current RSS, so ru_maxrss is the import's own
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    before = current_rss_kib()
    start = time.perf_counter()
    sync.import_package(b, package)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    b.close()
    return {"before": before, "peak": peak, "seconds": seconds}


def profile_import(b, package: Path) -> float:
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(sync.import_package, b, package)
    seconds = time.perf_counter() - start
    for order in ("cumulative", "tottime"):
        print(f"\n--- import profile, top 15 by {order} ---")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(15)
    print("\n--- who runs the SQL statements ---")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_callers("execute")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--sizes", type=int, nargs="*", default=[25_000, 50_000, 100_000])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="imports and baselines, interleaved; the best time of each side counts")
    args = parser.parse_args()
    n = args.outcomes
    # A child started from this process once it is large would inherit its peak RSS
    # (ru_maxrss survives fork and exec), so memory runs fork from a server started now.
    forks = multiprocessing.get_context("forkserver")
    if args.sizes:
        multiprocessing.forkserver.ensure_running()
    steps = sorted(set(args.sizes) | {n})
    rng = random.Random(2026)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
          f"{os.cpu_count()} cpus, files in {WORK}")

    t0 = time.perf_counter()
    a = create_archive(WORK / "a.piel", demo=True, office="HQ")
    done, all_rows, packages, exports = 0, {t: [] for t in TABLES}, {}, {}
    for size in steps:
        rows = add_outcomes(a, lambda rep, clock, meetings: make_rows(rng, done, size, meetings, rep, clock))
        for table in TABLES:
            all_rows[table] += rows[table]
        done = size
        packages[size] = WORK / f"full-{size}.pielpkg"
        start = time.perf_counter()
        result = sync.export_package(a, packages[size])
        exports[size] = (result.records, time.perf_counter() - start)
        print(f"  built {size} outcomes, exported {result.records} records "
              f"in {exports[size][1]:.1f} s")
    print(f"archive and packages built in {time.perf_counter() - t0:.1f} s")
    # Import of the N-outcome package into an empty (non-demo) archive.
    records, export_s = exports[n]
    rows_n = {t: r[:2 * n if t == "text_version" else n] for t, r in all_rows.items()}
    imports, bases = [], []
    for run in range(args.repeat):  # interleaved, the best of each: the machine's speed drifts
        for leftover in WORK.glob("b.piel*"):
            leftover.unlink()
        b = create_archive(WORK / "b.piel", office="Regional")
        if args.profile and run == 0:
            imports.append(profile_import(b, packages[n]))
        else:
            start = time.perf_counter()
            sync.import_package(b, packages[n])
            imports.append(time.perf_counter() - start)
        if run == args.repeat - 1:
            same = "n/a (archive grew past N)"
            if n == steps[-1]:
                start = time.perf_counter()
                same = fingerprint(a) == fingerprint(b)
                print(f"fingerprints computed in {time.perf_counter() - start:.1f} s")
        b.close()
        base_target = WORK / "baseline.sqlite"
        base_target.unlink(missing_ok=True)
        base_rows, base_s = baseline(a.path, rows_n, base_target)
        bases.append(base_s)
    a.close()
    if args.profile and args.repeat > 1:
        imports = imports[1:]  # the profiled run is slower
    print("import s: " + ", ".join(f"{x:.2f}" for x in imports) + "; baseline s: "
          + ", ".join(f"{x:.2f}" for x in bases))
    import_s, base_s = min(imports), min(bases)

    export_rate, import_rate, base_rate = records / export_s, records / import_s, base_rows / base_s
    mb = packages[n].stat().st_size / 1e6
    print(f"\noutcomes {n}: package records {records}, baseline rows {base_rows}")
    print(f"{'records':>9} {'export/s':>10} {'import/s':>10} {'baseline/s':>11} "
          f"{'import/base':>11} {'package MB':>10}")
    print(f"{records:>9} {export_rate:>10,.0f} {import_rate:>10,.0f} {base_rate:>11,.0f} "
          f"{import_rate / base_rate:>11.3f} {mb:>10.1f}")
    print(f"export {export_s:.1f} s, import {import_s:.1f} s, baseline {base_s:.1f} s; "
          f"target import/base >= 0.5: {'met' if import_rate / base_rate >= 0.5 else 'NOT met'}")
    print(f"fingerprint(a) == fingerprint(b): {same}")

    if args.sizes:
        print("\nimport memory, each size in a fresh process (KiB; peak reset before the import):")
        print(f"{'outcomes':>9} {'records':>9} {'pkg MB':>7} {'RSS before':>10} {'peak RSS':>9} "
              f"{'peak-before':>11} {'import s':>8} {'import/s':>9}")
        for size in sorted(set(args.sizes)):
            with forks.Pool(1) as pool:
                f = pool.apply(child_import, (packages[size],))
            recs = exports[size][0]
            print(f"{size:>9} {recs:>9} {packages[size].stat().st_size / 1e6:>7.1f} {f['before']:>10} "
                  f"{f['peak']:>9} {f['peak'] - f['before']:>11} {f['seconds']:>8.1f} "
                  f"{recs / f['seconds']:>9,.0f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
