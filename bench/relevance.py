"""Benchmark: how well search finds what people mean, as MRR and nDCG@10, on both backends.

The judgements are in `tests/search/relevance_judgements.json`: queries in Swedish and English
(misspellings, missing diacritics, half-typed words, compounds, organisation and place names,
abbreviations such as GTFS), each with the datasets that are the right first answer (`best`)
and others that are relevant too (`also`). They run over the demo catalogue with ten
municipalities' bathing-place datasets and three more beside it (the situation in which the
dataset titled exactly "Badplatser" used to come last of eleven), loaded through the same
use-case functions as any publication. `--datasets N` adds N generated datasets (bench/search.py's
catalogue, bulk-inserted, then reindexed) so that the judged datasets must be found among
100,000 others, plus judged queries for generated titles.

MRR: the mean over queries of 1 / the rank of the first `best` dataset (0 when it is not in
the first 10). nDCG@10: gain 2 for a `best` dataset, 1 for an `also` one, log2 discount.
Goal: MRR ≥ 0.9 on both backends. tests/search/test_relevance.py keeps a floor under the
measured MRR on the test database.

    .venv/bin/python bench/relevance.py [--database-url URL] [--datasets 100000] [--misses]
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from torget.accounts.permissions import COMMAND_LINE, SYSTEM  # noqa: E402
from torget.catalog.model import DatasetIn, OrganisationIn  # noqa: E402
from torget.db.engine import read, write  # noqa: E402
from torget.publishing.changes import create_dataset, create_organisation  # noqa: E402
from torget.search import SearchQuery, search_datasets  # noqa: E402
from torget.site import Site  # noqa: E402

JUDGEMENTS = Path(__file__).resolve().parent.parent / "tests/search/relevance_judgements.json"
GOAL_MRR = 0.9
DEPTH = 10
DEMO = Path(__file__).resolve().parent.parent / "torget/catalog/demo/catalogue.json"


def judgements() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    return loaded


def _record(template: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """A dataset to judge: the demo's template record with the judged fields, a draft."""
    record = copy.deepcopy(template)
    record["state"] = "draft"
    record.pop("classification", None)
    for field in ("name", "organisation", "title", "description", "keywords", "themes"):
        record[field] = spec[field]
    if spec is not template and not spec.get("hvd"):
        record["hvd_categories"], record["applicable_legislation"] = [], []
    record.pop("conforms_to", None)
    for i, dist in enumerate(record["distributions"]):
        if spec is not template:
            titles = spec["title"].items()
            dist["title"] = {lang: f"{text} ({dist['format']})" for lang, text in titles}
        dist["download_url"] = dist["access_url"] = f"https://data.example/{spec['name']}/{i}"
        dist.pop("checksum_sha1", None)
        dist.pop("byte_size", None)
        dist.pop("conforms_to", None)
    return record


def load_judged(engine: sa.Engine) -> None:
    """The demo catalogue's organisations and datasets and the judged datasets beside them,
    through the use-case functions, as drafts: relevance is judged over what a reader could
    find, not over what passes the publishing gates today (the searches read as the system)."""
    found = judgements()
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in demo["datasets"]}
    records = [_record(d, d) for d in demo["datasets"]]
    records += [_record(by_name["hallplatser" if s.get("hvd") else "badplatser"], s)
                for s in found["datasets"]]  # fmt: skip
    with write(engine) as conn:
        for org in [*demo["organisations"], *found["organisations"]]:
            create_organisation(conn, COMMAND_LINE, OrganisationIn.model_validate(org))
        for record in records:
            create_dataset(conn, COMMAND_LINE, DatasetIn.model_validate(record))


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    rank: int | None  # of the first `best` dataset, from 1; None beyond DEPTH
    ndcg: float
    top: list[str]


def _ndcg(names: list[str], best: list[str], also: list[str]) -> float:
    def gain(name: str) -> int:
        return 2 if name in best else 1 if name in also else 0

    dcg = sum(gain(n) / math.log2(i + 2) for i, n in enumerate(names[:DEPTH]))
    ideal = sorted((2 for _ in best), reverse=True) + [1 for _ in also]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal[:DEPTH]))
    return dcg / idcg if idcg else 0.0


def judge(engine: sa.Engine, queries: list[dict[str, Any]] | None = None) -> list[Judged]:
    """Every judged query in relevance order, the first page."""
    out = []
    with read(engine) as conn:
        for q in queries if queries is not None else judgements()["queries"]:
            result = search_datasets(conn, SYSTEM, SearchQuery(text=q["q"], page_size=DEPTH))
            names = [d.name for d in result.items]
            rank = next((i + 1 for i, n in enumerate(names) if n in q["best"]), None)
            ndcg = _ndcg(names, q["best"], q["also"])
            out.append(Judged(q["q"], q["kind"], rank, ndcg, names[:3]))
    return out


def mrr(found: list[Judged]) -> float:
    return sum(1 / j.rank for j in found if j.rank) / len(found)


def mean_ndcg(found: list[Judged]) -> float:
    return sum(j.ndcg for j in found) / len(found)


def _report(label: str, found: list[Judged], misses: bool) -> None:
    goal = "meets" if mrr(found) >= GOAL_MRR else "MISSES"
    print(f"{label}: {len(found)} queries  MRR {mrr(found):.3f}  nDCG@10 {mean_ndcg(found):.3f}"
          f"  ({goal} the goal MRR ≥ {GOAL_MRR})")  # fmt: skip
    kinds: dict[str, list[Judged]] = {}
    for j in found:
        kinds.setdefault(j.kind, []).append(j)
    for kind, group in sorted(kinds.items()):
        print(f"    {kind:<20} {len(group):>3}  MRR {mrr(group):.3f}  nDCG {mean_ndcg(group):.3f}")
    if misses:
        for j in found:
            if j.rank != 1:
                print(f"    rank {j.rank}: {j.query!r} → {j.top}")


def _generated(n: int) -> list[dict[str, Any]]:
    """Judged queries for generated datasets: their titles typed carelessly."""
    from bench.search import DISTRICTS, TOPICS, stored_dataset

    out = []
    cycle = len(TOPICS) * len(DISTRICTS) * 14  # the same title again (see stored_dataset)
    for i in range(7, min(n, cycle), max(1, min(n, cycle) // 20))[:20]:
        data, _ = stored_dataset(i)
        plain = data["title"]["sv"].translate(str.maketrans("åäöÅÄÖ", "aaoAAO")).lower()
        same = [f"ds-{j:06d}" for j in range(i, n, cycle)]
        out.append({"q": plain, "best": same, "also": [], "kind": "generated, no diacritics"})
    return out


def run(args: argparse.Namespace) -> int:
    from bench.feed import backend, bench_settings
    from bench.search import build

    with tempfile.TemporaryDirectory() as tmp, backend(args.database_url) as (db_url, label):
        settings = bench_settings(Path(tmp), db_url)
        if args.datasets:
            from torget.db.engine import make_engine

            build(make_engine(settings.resolved_database_url), args.datasets)
        with Site.open(settings, queue=False) as site:
            load_judged(site.engine)
            _report(f"{label}, demo + {args.datasets} generated", judge(site.engine), args.misses)
            if args.datasets:
                generated = judge(site.engine, _generated(args.datasets))
                _report(f"{label}, generated titles", generated, args.misses)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; SQLite when empty")
    parser.add_argument("--datasets", type=int, default=0, help="generated datasets beside")
    parser.add_argument("--misses", action="store_true", help="list queries not ranked first")
    return run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
