"""Jira adapter: requests per read against the API's lower bound, and parse rate.

Seeds the fake Jira of the adapter's tests (Cloud and Data Center flavours, on 127.0.0.1) with
2,000 issues of about 30 status changes each (one in ten has 45 changelog entries, past the 40 a
Cloud search inlines; one in twenty has 110, past the 100 of ``GET /issue``), a dozen sprints and
some Flagged periods, then measures:

* **requests per full read** and **per incremental read** with 0, 10 and 200 changed issues,
  counted by the fake, next to the **lower bound**: the search pages any client needs at the
  server's page size (100 issues with changelogs on Cloud, the Data Center cap of 50 here), plus,
  on Cloud, the bulk changelog pages needed for the issues whose inline changelog is short
  (1,000 entries a page). The adapter adds ``serverInfo`` (the cursor's clock) and one small
  search for the overlap window per read, and ``myself`` + ``field`` on its first read;
* **parse rate**: issues per second turned into records (fields, complete changelog to
  transitions, Flagged to blocked periods, sprints) from JSON already in memory, and the end-to-end
  rate of a full read over loopback.

Usage: ``python benchmarks/bench_jira.py [--quick] [--issues N]`` (2,000; quick: 300).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "adapters" / "agilemarketing-jira" / "tests"))

from agilemarketing_jira.adapter import JiraAdapter  # noqa: E402
from agilemarketing_jira.records import record_from_issue  # noqa: E402
from fake_jira import TOKEN, USER, FakeJira  # noqa: E402

from agilemarketing.history import BlockedPeriod, ItemHistory, Transition  # noqa: E402

STATUSES = ("To Do", "In Progress", "Review", "Done")


def histories(count: int) -> list[ItemHistory]:
    """``count`` issues, ~30 status changes each; every 10th has 45, every 20th 110."""
    start = datetime(2025, 6, 2, 9, tzinfo=UTC)
    out = []
    for i in range(count):
        moves = 110 if i % 20 == 7 else 45 if i % 10 == 3 else 26 + i % 9
        created = start + timedelta(hours=3 * i)
        transitions = [Transition(created, None, "To Do")]
        status = "To Do"
        for n in range(moves):
            following = STATUSES[(STATUSES.index(status) + 1 + (n % 3 == 2)) % len(STATUSES)]
            transitions.append(Transition(created + timedelta(hours=n + 1), status, following))
            status = following
        blocked = (
            (BlockedPeriod(created + timedelta(minutes=30), created + timedelta(hours=5)),)
            if i % 7 == 0
            else ()
        )
        out.append(
            ItemHistory(
                key=f"MKT-{i + 1}",
                summary=f"Campaign asset {i + 1}",
                type=("Email", "Campaign", "Content")[i % 3],
                status=status,
                created=created,
                points=float(i % 8) or None,
                labels=("q3",) if i % 2 else ("q3", "launch"),
                sprints=(f"Sprint {1 + i % 12}",),
                transitions=transitions,
                blocked=blocked,
            )
        )
    return out


def lower_bound(fake: FakeJira, keys: list[str]) -> int:
    """Requests any client needs to read ``keys`` with complete status/Flagged histories."""
    page = 100 if fake.cloud else fake.dc_page_cap
    pages = max(1, math.ceil(len(keys) / page))
    if not fake.cloud:
        return pages
    flagged = fake.field_ids["flagged"]
    missing = sum(
        sum(
            1
            for h in fake.issues[k].histories
            if any(i["fieldId"] in ("status", flagged) for i in h["items"])
        )
        for k in keys
        if len(fake.issues[k].histories) > 40
    )
    return pages + math.ceil(missing / 1000)


def adapter(fake: FakeJira) -> JiraAdapter:
    options: dict[str, object] = {"token_env": "BENCH_JIRA_TOKEN", "read_timeout": 120.0}
    if fake.cloud:
        options["user"] = USER
    return JiraAdapter(f"{fake.url}?project={fake.project}", options)


def measure(flavour: str, count: int) -> None:
    fake = FakeJira(flavour, timezone="Europe/Berlin")
    fake.seed(histories(count))
    fake.start()
    try:
        jira = adapter(fake)
        keys = sorted(fake.issues, key=lambda k: fake.issues[k].number)
        fake.log.clear()
        started = time.perf_counter()
        first = jira.read()
        records = list(first)
        elapsed = time.perf_counter() - started
        assert len(records) == count
        sent = len(fake.log)
        print(
            f"{flavour:5} full read of {count} issues: {sent} requests "
            f"(lower bound {lower_bound(fake, keys)}; first read adds myself + field), "
            f"{count / elapsed:,.0f} issues/s end to end over loopback"
        )
        cursor = first.cursor
        for changed in (0, 10, 200):
            changed = min(changed, count)
            fake.advance(600)
            edited = keys[:: max(1, count // changed)][:changed] if changed else []
            for key in edited:
                fake.edit(key, summary=f"{fake.issues[key].summary} (edited)")
            fake.log.clear()
            result = jira.read(cursor)
            got = [r.key for r in result]
            assert sorted(got) == sorted(edited), (len(got), len(edited))
            cursor = result.cursor
            print(
                f"{flavour:5} incremental read, {changed:3} changed: {len(fake.log)} requests "
                f"(lower bound {lower_bound(fake, edited) if edited else 1})"
            )
        # parse rate: the same JSON the adapter turns into records, already in memory
        site = jira.site()
        fields = site.fields.read_fields()
        raw = [
            (fake.issue_json(fake.issues[k], fields, expand=set(), cap=None), fake.issues[k])
            for k in keys
        ]
        payload = [
            (issue, [fake._history_json(h) for h in source.histories]) for issue, source in raw
        ]
        cpu = math.inf
        for _ in range(3):  # best of three: the machine is shared
            started = time.process_time()
            for issue, changes in payload:
                record_from_issue(issue, changes, site.fields)
            cpu = min(cpu, time.process_time() - started)
        entries = sum(len(c) for _, c in payload)
        print(
            f"{flavour:5} parse: {count / cpu:,.0f} issues/s "
            f"({entries / cpu:,.0f} changelog entries/s, {entries / count:.0f} per issue)"
        )
    finally:
        fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 issues")
    parser.add_argument("--issues", type=int, default=None)
    args = parser.parse_args()
    count = args.issues or (300 if args.quick else 2000)
    os.environ["BENCH_JIRA_TOKEN"] = TOKEN
    for flavour in ("cloud", "dc"):
        measure(flavour, count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
