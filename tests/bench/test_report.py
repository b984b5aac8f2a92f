"""bench/report.py renders docs/benchmarks.md from a run's results: here, from a small sample."""

from bench.measure import CLAIM_PAGES, PAGES
from bench.report import render


def wrk(rps, p50=1.0):
    return {"rps": rps, "p50": p50, "p95": p50 * 2, "requests": int(rps * 5)}


def facts(ms, queries=3, *, hindsight_ms=None):
    return {
        name: {
            "url": "/hindsight/" if name == "hindsight" else f"/{name}/",
            "status": 200,
            "queries": queries,
            "bytes": 10_240,
            "ms": hindsight_ms if name == "hindsight" and hindsight_ms else ms,
            **({"hits": 7} if name == "search" else {}),
        }
        for name in PAGES
    }


def sample():
    database = {
        "version": "SQLite 3.40.1",
        "facts": {
            "small": facts(10.0),
            "large": facts(12.0, hindsight_ms=40.0),
            "small_claims": facts(10.0),
            "claims": facts(11.0),
        },
        "uncached": {
            "small": {name: wrk(100) for name in PAGES},
            "large": {name: wrk(30 if name == "hindsight" else 90) for name in PAGES},
            "small_claims": {name: wrk(100) for name in CLAIM_PAGES},
            "claims": {name: wrk(95) for name in CLAIM_PAGES},
        },
        "cached": {
            "cached": {name: wrk(900) for name in PAGES},
            "static": {name: wrk(1000) for name in PAGES},
        },
    }
    return {
        "context": {
            "date": "2026-12-04 10:00 UTC",
            "revision": "abc1234",
            "machine": "Test CPU, 2 GiB memory, Linux",
            "cores": 2,
            "load": {"before": 3.25, "after": 4.5},
            "versions": "Python 3.11, Django 5.2",
            "connections": 4,
            "duration": 3,
            "workers": 2,
            "rounds": 2,
        },
        "sites": {
            "small": "10 posts",
            "large": "10,000 posts",
            "small_claims": "10 posts, 30 claims",
            "claims": "10,000 posts, 30,000 claims",
        },
        "databases": {"sqlite": database},
        "freshness": {
            "workers": 2,
            "checks": [
                {"counterpoint": 5, "shown_before": False, "next_request": True, "visible_after_ms": 70},
                {"counterpoint": 7, "shown_before": False, "next_request": False, "visible_after_ms": 900},
            ],
        },
    }


def rows_of(document, first_cell):
    return [line for line in document.splitlines() if line.startswith(f"| {first_cell} |")]


def test_the_report_states_the_machine_and_its_load():
    document = render(sample(), findings="")

    assert document.startswith("# Benchmarks")
    assert "load average (1 minute) 3.2 before the runs and 4.5 after, on 2 cores" in document
    assert "commit abc1234" in document


def test_each_page_is_a_row_with_its_ratios_and_target():
    document = render(sample(), findings="")

    home = rows_of(document, "home")[0]
    assert home.split(" | ")[-5:] == ["1.20x", "100", "90", "1.11x", "met |"]
    hindsight = rows_of(document, "hindsight")[0]
    assert "4.00x" in hindsight and "3.33x" in hindsight and hindsight.endswith("**missed** |")
    assert "- SQLite 3.40.1: uncached pages within 1.5x: **missed** (hindsight)." in document


def test_the_claims_site_and_the_cached_pages_have_tables_of_their_own():
    document = render(sample(), findings="")

    claims_post = rows_of(document, "post")[1]
    assert claims_post == "| post | 3 / 3 | 10.0 | 11.0 | 1.10x | 1.05x | met |"
    cached_feed = rows_of(document, "feed")[-1]
    assert cached_feed == "| feed | 900 | 1.0 | 1,000 | 1.0 | 90% | met |"


def test_freshness_says_how_many_approvals_were_on_the_next_request():
    document = render(sample(), findings="## Kept by hand")

    assert "**fail**, 1 of 2 approvals were on the very next request." in document
    assert "| 7 | no | no | 900 ms |" in document
    assert document.rstrip().endswith("## Kept by hand")
