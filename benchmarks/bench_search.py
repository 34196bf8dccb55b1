"""Benchmark of full-text search: latency of ``services.search.search`` (and ``count``)
against a raw FTS5 baseline on the same index in the same run. A script to run by
hand, not a test.

It builds a demo archive plus N outcomes (default 500,000), each with a text in two
languages: Spanish and English for most, Arabic and English for 10 %, Chinese and
English for 10 % (2 N text versions). Words follow a Zipf law (rank^-1) over a
vocabulary of real words (the most frequent) and made-up ones (the long tail); Arabic
words carry articles and prefixes as written. Rows are inserted straight into SQLite
inside the archive's unit of work (as benchmarks/bench_sync.py does), so the index
triggers mark them; the index is then built by the real code path
(``search.refresh_index``) and its time is reported, with the file size.

Then, for each kind of query (common word, rare word, two words, phrase, prefix,
Arabic, Chinese), every query runs ``--repeat`` times and the median and 95th
percentile latency are printed for:

- search: ``search(archive, query, limit=50)``, the whole service (folding, newest
  candidates, ranking, owners, highlights);
- baseline: ``SELECT rowid FROM fts_text WHERE fts_text MATCH ? ORDER BY
  bm25(fts_text) LIMIT 50`` with the same FTS5 expression, on a plain connection;
- count: ``count(archive, query)``.

Run from the repository root:

    python benchmarks/bench_search.py [--outcomes 500000] [--repeat 5] [--seed 2026]

Files live in a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="piel-bench-search-"))
os.environ["XDG_DATA_HOME"] = str(WORK / "data")
os.environ["XDG_CONFIG_HOME"] = str(WORK / "config")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piel_desktop.services import search  # noqa: E402
from piel_desktop.services.archive import create_archive  # noqa: E402
from piel_desktop.storage import sync as tracking  # noqa: E402
from piel_desktop.storage.search_text import fts_expression, parse_query  # noqa: E402

SPANISH = ("de la que el en y a los del se las por un para con no una su al lo como más "
           "pero sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta "
           "grupo trabajo protección infancia línea estados miembros consejo recomienda "
           "políticas nacionales campañas sensibilización cooperación internacional industria "
           "familias educadores entorno digital seguro inclusivo accesible niños niñas jóvenes "
           "regiones mundo resoluciones secretaría reunión informe consulta organizaciones").split()
ENGLISH = ("the of and to in a is that for it as was with be by on not he this are or his "
           "from at which but have an they you were her she there been one all we their "
           "working group child online protection member states council recommends national "
           "policies awareness campaigns international cooperation industry families educators "
           "digital environment safe inclusive accessible children young people regions world "
           "resolutions secretariat meeting report consultation organisations").split()
ARABIC = ("في من على إلى أن عن مع هذا التي الذي كان بين كل حماية الأطفال الجمعية العامة "
          "والجمعية بالجمعية للجمعية جمعية الإنترنت الدول الأعضاء المجلس يوصي السياسات الوطنية "
          "حملات التوعية التعاون الدولي الصناعة والأسر المعلمين بيئة رقمية آمنة الشباب "
          "المناطق العالم قرارات الأمانة اجتماع تقرير مشاورة المنظمات").split()
CHINESE_WORDS = ("儿童 保护 网络 安全 在线 工作组 建议 成员国 加强 国家 政策 宣传 活动 国际 合作 "
                 "行业 家庭 教育 环境 数字 包容 青年 地区 世界 决议 秘书处 会议 报告 磋商 组织 "
                 "的 和 在 是 了 与 对 为").split()
LETTERS = "bcdfghjklmnprstvz"
VOWELS = "aeiou"
ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"


def vocabulary(rng: random.Random, head: list[str], tail: int, make) -> list[str]:
    """``head`` (most frequent first) then ``tail`` made-up words."""
    seen = set(head)
    words = list(head)
    while len(words) < len(head) + tail:
        w = make(rng)
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def latin_word(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4)))


def arabic_word(rng: random.Random) -> str:
    core = "".join(rng.choice(ARABIC_LETTERS) for _ in range(rng.randint(3, 6)))
    return rng.choice(("", "", "ال", "و", "ب", "لل", "وال")) + core


def chinese_word(rng: random.Random) -> str:
    return "".join(chr(0x4E00 + int(rng.paretovariate(0.9) * 30) % 6000) for _ in range(rng.randint(1, 3)))


class Zipf:
    """Words drawn with probability ~ 1 / rank, from a pool sampled once."""

    def __init__(self, rng: random.Random, words: list[str], pool: int) -> None:
        weights = list(itertools.accumulate(1 / (r + 1) for r in range(len(words))))
        self.words = words
        self.pool = rng.choices(words, cum_weights=weights, k=pool)
        self.rng = rng

    def text(self, low: int, high: int, sep: str = " ") -> str:
        n = self.rng.randint(low, high)
        start = self.rng.randrange(len(self.pool) - n)
        return sep.join(self.pool[start:start + n])


def build(archive, n: int, rng: random.Random) -> dict[str, Zipf]:
    """Write ``n`` outcomes with two text versions each as one changeset."""
    langs = {
        "es": Zipf(rng, vocabulary(rng, SPANISH, 30_000, latin_word), 2_000_000),
        "en": Zipf(rng, vocabulary(rng, ENGLISH, 30_000, latin_word), 2_000_000),
        "ar": Zipf(rng, vocabulary(rng, ARABIC, 20_000, arabic_word), 500_000),
        "zh": Zipf(rng, vocabulary(rng, CHINESE_WORDS, 8_000, chinese_word), 500_000),
    }
    with archive.unit_of_work() as uow:
        con = uow.raw
        replica = archive.replica_id.hex
        clock = tracking.dumps({"*": tracking.new_changeset(con, replica)})
        meetings = [r[0] for r in con.execute("SELECT id FROM meeting ORDER BY id")]
        now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        for start in range(0, n, 50_000):
            texts, versions, outcomes, links = [], [], [], []
            for i in range(start, min(n, start + 50_000)):
                text_id, outcome_id = uuid.uuid4().hex, uuid.uuid4().hex
                texts.append((text_id, now, now, replica, clock))
                first = "ar" if i % 10 == 3 else "zh" if i % 10 == 7 else "es"
                for lang, status in ((first, "original"), ("en", "official")):
                    body = (langs[lang].text(10, 40, "") if lang == "zh"
                            else langs[lang].text(15, 40) + ".")
                    versions.append((uuid.uuid5(uuid.UUID(text_id), lang).hex, text_id, lang, body,
                                     status, 1, None if status == "original" else 1, now, now, replica, clock))
                outcomes.append((outcome_id, None, i + 1, str(i + 1), "recommendation", "agreed", None,
                                 text_id, now, now, replica, clock))
                links.append((meetings[i % len(meetings)], outcome_id, clock))
            con.executemany("INSERT INTO text VALUES (?, ?, ?, ?, ?)", texts)
            con.executemany("INSERT INTO text_version (id, text_id, lang, body, status, revision, "
                            "source_revision, created_at, updated_at, changed_by, sync_clock) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", versions)
            con.executemany("INSERT INTO outcome (id, parent_id, position, label, kind, status, addressee, "
                            "text_id, created_at, updated_at, changed_by, sync_clock) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", outcomes)
            con.executemany("INSERT INTO meeting_outcome VALUES (?, ?, ?)", links)
        uow.commit()
    return langs


def queries(langs: dict[str, Zipf], rng: random.Random) -> dict[str, list[str]]:
    es, en = langs["es"].words, langs["en"].words
    phrases = []
    for lang in ("es", "en"):
        for _ in range(3):  # two neighbouring words from the texts themselves
            at = rng.randrange(100, len(langs[lang].pool) - 2)
            phrases.append('"%s %s"' % tuple(langs[lang].pool[at:at + 2]))
    return {
        "common word": ["de", "the", "la", "and"],
        "mid word": [es[60], en[70], es[300], en[500]],
        "rare word": [es[20_000], en[25_000], es[29_000], en[15_000]],
        "two words": ["protección infancia", "child protection", "de grupo", "the working"],
        "phrase": ['"protección infancia"', '"online protection"', *phrases],
        "prefix": ["prot*", "inter*", "co*", "sec*", es[5_000][:4] + "*"],
        "arabic": ["جمعية", "حماية الأطفال", "الإنترنت", "دولي", langs["ar"].words[10_000]],
        "chinese": ["儿童", "童", "儿童保护", "网络安全", "秘书处", "的"],
    }


def measure(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cpus, "
          f"{args.outcomes} outcomes ({2 * args.outcomes} text versions)")
    archive = create_archive(WORK / "a.piel", demo=True, office="HQ")
    start = time.perf_counter()
    langs = build(archive, args.outcomes, rng)
    print(f"rows written in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    indexed = search.refresh_index(archive)
    build_s = time.perf_counter() - start
    con = sqlite3.connect(WORK / "a.piel")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in WORK.glob("a.piel*")) / 1e6
    try:
        pages = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'fts%'").fetchone()[0] / 1e6
        index_mb = f"{pages:.0f} MB"
    except sqlite3.OperationalError:
        index_mb = "n/a (no dbstat)"
    print(f"index built for {indexed} text versions in {build_s:.1f} s "
          f"({indexed / build_s:,.0f}/s); file {size:.0f} MB, of which index {index_mb}")

    print(f"\nlatency in ms over {args.repeat} runs of each query "
          f"(search: limit 50; baseline: MATCH ... ORDER BY bm25 LIMIT 50)")
    print(f"{'kind':<12} {'queries':>7} {'search med':>10} {'p95':>7} {'base med':>9} {'p95':>7} "
          f"{'count med':>9} {'p95':>7} {'hits':>9}")
    everything = {"search": [], "baseline": [], "count": []}
    for kind, texts in queries(langs, rng).items():
        times = {"search": [], "baseline": [], "count": []}
        matched = []
        for q in texts:
            expression = fts_expression(parse_query(q))
            search.search(archive, q)  # warm the page cache alike for all three
            times["search"] += measure(lambda: search.search(archive, q), args.repeat)
            times["baseline"] += measure(lambda: con.execute(
                "SELECT rowid FROM fts_text WHERE fts_text MATCH ? ORDER BY bm25(fts_text) LIMIT 50",
                (expression,)).fetchall(), args.repeat)
            times["count"] += measure(lambda: search.count(archive, q), 1)
            matched.append(search.count(archive, q))
        for name, values in times.items():
            everything[name] += values
        print(f"{kind:<12} {len(texts):>7} {statistics.median(times['search']):>10.1f} "
              f"{p95(times['search']):>7.1f} {statistics.median(times['baseline']):>9.1f} "
              f"{p95(times['baseline']):>7.1f} {statistics.median(times['count']):>9.1f} "
              f"{p95(times['count']):>7.1f} {min(matched):>4}-{max(matched)}")
    s, b = everything["search"], everything["baseline"]
    print(f"{'all':<12} {'':>7} {statistics.median(s):>10.1f} {p95(s):>7.1f} "
          f"{statistics.median(b):>9.1f} {p95(b):>7.1f} {statistics.median(everything['count']):>9.1f} "
          f"{p95(everything['count']):>7.1f}")
    print(f"search p95 / baseline p95: {p95(s) / p95(b):.3f}; target search p95 <= 50 ms: "
          f"{'met' if p95(s) <= 50 else 'NOT met'}")
    con.close()
    archive.close()


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
