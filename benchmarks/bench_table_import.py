"""Benchmark of bulk table entry (``import-table outcomes``) against a plain-SQLite
baseline. A benchmark to run by hand, not a test.

For each size N it writes a CSV of N outcome rows as an office types them (meeting
numbers, one or two; kind and status labels in Spanish, some without accents; one
Spanish text each), copies a fresh demo archive, and measures in a fresh process
(forked from a small server, so peak memory is the import's own):

- check: ``table_import.plan_import`` (reads and checks every row, writes nothing);
- write: ``table_import.apply_import`` (reads and checks again, writes all rows);
- baseline: one ``executemany`` transaction of the same rows (read back from the
  archive: text, text_version, outcome, meeting_outcome) into a fresh SQLite file with
  the archive's tables and indexes but no triggers;
- peak RSS minus the RSS before the import (KiB), to see memory stay flat.

Each size runs ``--repeat`` times (fresh archive and baseline file each time) and the
best time of each side counts; memory is the largest of the runs. The ratios are
baseline seconds over import seconds (1.0: as fast as the raw
inserts); the target is >= 0.5 for "write" and for "check+write". ``--old N`` also
times the row-by-row path this replaced (``records.insert_outcome`` per row, one unit
of work) on N rows, for comparison.

    python benchmarks/bench_table_import.py --sizes 20000 100000 --repeat 3 --old 2000
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.forkserver
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

# The work folder, per-user folders and the plain-SQLite baseline are bench_sync's.
os.environ.setdefault("PIEL_BENCH_WORK", tempfile.mkdtemp(prefix="piel-bench-table-"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sync import TABLES, WORK, baseline, current_rss_kib  # noqa: E402

from piel_desktop.services import records, table_import  # noqa: E402
from piel_desktop.services.archive import create_archive, open_archive  # noqa: E402

WORDS = ("el grupo de trabajo recomienda que los estados miembros refuercen la protección de la "
         "infancia en línea mediante políticas nacionales campañas de sensibilización cooperación "
         "internacional con la industria las familias y los educadores").split()
KINDS = ("Recomendación", "recomendacion", "Decisión", "Acuerdo", "Solicitud")
STATUSES = ("Propuesto", "Acordado", "En curso", "Aplicado")


def write_csv(path: Path, rows: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Reuniones,Tipo,Estado,Texto (español)\r\n")
        for i in range(rows):
            meetings = rng.choice(("9", "10, 11", "12", "12, 13", "14"))
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 40))).capitalize()
            f.write(f'"{meetings}",{rng.choice(KINDS)},{rng.choice(STATUSES)},{text} {i}.\r\n')


def child_import(archive_path: Path, csv_path: Path) -> dict:
    """Check and write ``csv_path`` into the archive; seconds and memory (KiB)."""
    archive = open_archive(archive_path)
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: peak from here on
    except OSError:
        pass
    before = current_rss_kib()
    start = time.perf_counter()
    plan = table_import.plan_import(archive, csv_path, "outcomes")
    checked = time.perf_counter()
    added = table_import.apply_import(archive, plan)
    written = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    archive.close()
    return {"added": added, "check": checked - start, "write": written - checked, "before": before,
            "peak": peak, "invalid": len(plan.invalid)}


def added_rows(archive_path: Path, since: dict[str, int]) -> dict[str, list[tuple]]:
    """The rows the import added, in bench_sync's column order, for its baseline."""
    con = sqlite3.connect(archive_path)
    try:
        return {t: con.execute(f'SELECT {", ".join(cols)} FROM "{t}" WHERE rowid > ?', (since[t],)).fetchall()
                for t, cols in TABLES.items()}
    finally:
        con.close()


def high_rowids(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f'SELECT coalesce(max(rowid), 0) FROM "{t}"').fetchone()[0] for t in TABLES}
    finally:
        con.close()


def old_path(template: Path, csv_path: Path) -> float:
    """The row-by-row path: one records.insert_outcome (an ORM flush) per row."""
    path = WORK / "old.piel"
    shutil.copy(template, path)
    with open_archive(path) as archive:
        plan = table_import.plan_import(archive, csv_path, "outcomes")
        rows = [row.values for row in plan.valid]
        assert len(rows) == plan.valid_count, "raise PREVIEW_ROWS for the old path"
        start = time.perf_counter()
        with archive.unit_of_work() as uow:
            for v in rows:
                records.insert_outcome(uow.session, texts=v["texts"], original=v["original"],
                                       meeting_ids=v["meeting_ids"], kind=v["kind"], status=v["status"],
                                       label=v["label"], addressee=v["addressee"], due_date=v["due_date"])
            uow.commit()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best time of each side counts")
    parser.add_argument("--old", type=int, default=0, metavar="N", help="also time the row-by-row path on N rows")
    args = parser.parse_args()
    forks = multiprocessing.get_context("forkserver")
    multiprocessing.forkserver.ensure_running()
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cpus, "
          f"files in {WORK}")
    template = WORK / "template.piel"
    create_archive(template, demo=True).close()
    results = []
    for size in args.sizes:
        csv_path = WORK / f"outcomes-{size}.csv"
        write_csv(csv_path, size)
        runs, bases = [], []
        for run in range(args.repeat):  # the best of each: a busy disk slows either side
            archive_path = WORK / f"archive-{size}-{run}.piel"
            shutil.copy(template, archive_path)
            since = high_rowids(archive_path)
            with forks.Pool(1) as pool:
                f = pool.apply(child_import, (archive_path, csv_path))
            assert f["added"] == size and f["invalid"] == 0, f
            rows, base_s = baseline(archive_path, added_rows(archive_path, since), WORK / f"base-{size}-{run}.sqlite")
            runs.append(f)
            bases.append(base_s)
            for leftover in WORK.glob(f"*-{size}-{run}.*"):
                leftover.unlink()
        best = {"check": min(f["check"] for f in runs), "write": min(f["write"] for f in runs),
                "peak": max(f["peak"] - f["before"] for f in runs), "before": 0}
        results.append((size, csv_path.stat().st_size / 1e6, rows, best, min(bases)))
    print(f"\n{'rows':>7} {'CSV MB':>7} {'db rows':>8} {'check s':>8} {'write s':>8} {'base s':>7} "
          f"{'base/write':>10} {'base/(check+write)':>18} {'rows/s':>8} {'peak-before KiB':>15}")
    met = True
    for size, mb, rows, f, base_s in results:
        total = f["check"] + f["write"]
        write_ratio, total_ratio = base_s / f["write"], base_s / total
        met &= write_ratio >= 0.5 and total_ratio >= 0.5
        print(f"{size:>7} {mb:>7.1f} {rows:>8} {f['check']:>8.2f} {f['write']:>8.2f} {base_s:>7.2f} "
              f"{write_ratio:>10.3f} {total_ratio:>18.3f} {size / total:>8,.0f} {f['peak'] - f['before']:>15}")
    print(f"target base/write >= 0.5 and base/(check+write) >= 0.5 at every size: {'met' if met else 'NOT met'}")
    if args.old:
        csv_path = WORK / f"outcomes-old-{args.old}.csv"
        write_csv(csv_path, args.old)
        table_import.PREVIEW_ROWS = args.old
        seconds = old_path(template, csv_path)
        print(f"row-by-row path (records.insert_outcome per row), {args.old} rows: {seconds:.2f} s, "
              f"{args.old / seconds:,.0f} rows/s")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
