"""
The benchmark: ``make bench`` (or ``python -m bench.run``). A script, not a test.

1. Generates three sites (bench/generate.py) into databases of their own
   (never db.sqlite3): small (10 posts), large (10,000 posts, 50,000 tag
   uses, 100,000 counterpoints) and claims (the large site's shape plus
   30,000 claims, half judged), as SQLite files under var/bench/, and again
   on PostgreSQL when BENCH_DATABASE_URL=postgres://…/NAME is set (the bench
   drops and recreates NAME, NAME_small and NAME_claims on that server).
2. Measures them (bench/measure.py): queries and in-process time per page;
   every site served at once by gunicorn (bench/serve.py) and loaded with
   wrk, uncached, the sites taking turns page by page; on the first
   database, each cached page against its static twin and the freshness
   check.
3. Saves the figures to var/bench/results.json and writes docs/benchmarks.md
   (bench/report.py), with the machine, its load, the versions and the
   targets met or missed. The "Findings" section of that document is kept
   by hand in bench/findings.md.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

from . import measure, report
from .serve import ROOT, app_env, manage, python

VAR = ROOT / "var" / "bench"
RESULTS = VAR / "results.json"
SITES = ["small", "large", "small_claims", "claims"]
SITE_SHAPES = {
    "small": "10 posts",
    "large": "10,000 posts (5 tags each from a pool of 200, 10 counterpoints each of which 6 approved,"
    " 5% drafts, 30% with a verdict)",
    "small_claims": "the small site's 10 posts with 30 claims, half of them judged",
    "claims": "the large site's 10,000 posts with 30,000 claims, half of them judged",
}


def say(message):
    print(message, file=sys.stderr, flush=True)


def database_urls():
    """{database: {site: url}}: SQLite files always, PostgreSQL too with BENCH_DATABASE_URL."""
    urls = {"sqlite": {site: f"sqlite:///{VAR / site}.sqlite3" for site in SITES}}
    server = os.environ.get("BENCH_DATABASE_URL")
    if server:
        name = server.rsplit("/", 1)[1].split("?", 1)[0]
        if not name or name in {"postgres", "template0", "template1"}:
            raise SystemExit(
                "BENCH_DATABASE_URL must name a database of its own: the bench drops and recreates it."
            )
        suffix = {"small": "_small", "large": "", "small_claims": "_small_claims", "claims": "_claims"}
        urls["postgresql"] = {site: server.replace(f"/{name}", f"/{name}{suffix[site]}", 1) for site in SITES}
    return urls


def generate_args(site, large_posts):
    posts = ["--posts", "10" if site.startswith("small") else str(large_posts)]
    return posts + (["--claims-per-post", "3", "--judged-share", "0.5"] if site.endswith("claims") else [])


def build_site(url, generate_args, static_root):
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        _recreate_postgres_database(url)
    env = app_env(url, static_root=static_root)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "createcachetable")
    say("  " + python(env, "-m", "bench.generate", *generate_args).strip())
    if url.startswith("postgres"):
        # What autovacuum does within a minute of a bulk load, done now so
        # every run measures the same plans. SQLite has no such daemon and
        # Django never runs ANALYZE there, so its files are left as loaded.
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            db.execute("ANALYZE")


def _recreate_postgres_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    with psycopg.connect(url.replace(f"/{name}", "/postgres", 1), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def database_version(url):
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as db:
        return "PostgreSQL " + db.execute("SHOW server_version").fetchone()[0].split()[0]


def machine():
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    return f"{model}{memory}, {platform.system()} {platform.release()}"


def versions():
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout
    return (
        f"Python {platform.python_version()}, Django {version('django')}, gunicorn {version('gunicorn')},"
        f" whitenoise {version('whitenoise')}, wrk {wrk.split()[1] if wrk else '?'}"
    )


def revision():
    """The commit measured (BENCH_REVISION when run outside a git checkout)."""
    if os.environ.get("BENCH_REVISION"):
        return os.environ["BENCH_REVISION"]
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    if head.returncode != 0:
        return "unknown"
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return head.stdout.strip() + (" with uncommitted changes" if dirty else "")


def measure_database(urls, *, static_root, args, first):
    """Everything measured on one database's three sites."""
    harness = {"static_root": static_root, "workers": args.workers, "log_path": VAR / "gunicorn.log"}
    load = {"rounds": args.rounds, "duration": args.duration, "connections": args.connections, "say": say}
    facts = measure.page_facts(urls, static_root=static_root, rounds=args.rounds)
    for site, pages in facts.items():
        bad = {name: page["status"] for name, page in pages.items() if page["status"] != 200}
        if bad or not pages["search"].get("hits"):
            raise SystemExit(f"the {site} site answered {bad or 'a search with no results'}")
    say("== Uncached, every site, page by page")
    uncached, page_bytes = measure.uncached(urls, facts, load=load, **harness)
    measured = {"version": database_version(urls["large"]), "facts": facts, "uncached": uncached}
    if first:
        say("== Cached, large site, each page and its static twin")
        measured["cached"] = measure.cached(urls["large"], facts["large"], page_bytes, load=load, **harness)
    return measured


def main(argv=None):
    parser = argparse.ArgumentParser(description="Generate the sites and load their pages with wrk.")
    parser.add_argument("--large-posts", type=int, default=10_000, help="posts on the large and claims sites")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page and round")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="runs per page; the best counts")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--report-only", action="store_true", help=f"rewrite the document from {RESULTS.name}"
    )
    args = parser.parse_args(argv)
    if not args.report_only:
        if not shutil.which("wrk"):
            raise SystemExit("wrk is not installed: apt-get install wrk (make bench does this).")
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(run(args), indent=1))
    args.output.write_text(report.render(json.loads(RESULTS.read_text())))
    say(f"== Wrote {args.output}")


def run(args):
    started, measured_revision, load_before = time.monotonic(), revision(), os.getloadavg()[0]
    (VAR / "gunicorn.log").write_text("")
    static_root = VAR / "static"
    shutil.rmtree(static_root, ignore_errors=True)
    databases, freshness = {}, None
    for database, urls in database_urls().items():
        say(f"== {database}: generating the sites")
        for site, url in urls.items():
            build_site(url, generate_args(site, args.large_posts), static_root)
        if not static_root.exists():
            manage(
                app_env(urls["small"], static_root=static_root),
                "collectstatic",
                "--noinput",
                "--verbosity",
                "0",
            )
        first = not databases
        databases[database] = measure_database(urls, static_root=static_root, args=args, first=first)
        if first:
            say("== Freshness")
            freshness = measure.freshness(
                urls["large"], static_root=static_root, workers=args.workers, log_path=VAR / "gunicorn.log"
            )
    context = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "revision": measured_revision,
        "machine": machine(),
        "cores": os.cpu_count(),
        "load": {"before": load_before, "after": os.getloadavg()[0]},
        "versions": versions(),
        **{key: getattr(args, key) for key in ("connections", "duration", "workers", "rounds")},
        "seconds": round(time.monotonic() - started),
    }
    sites = {
        site: shape.replace("10,000 posts", f"{args.large_posts:,} posts")
        for site, shape in SITE_SHAPES.items()
    }
    return {"context": context, "sites": sites, "databases": databases, "freshness": freshness}


if __name__ == "__main__":
    main()
