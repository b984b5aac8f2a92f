"""
The benchmark: ``make bench`` (or ``python -m bench.run``). A script, not a test.

1. Generates two sites into databases of their own (never db.sqlite3): a
   large one (10,000 posts, 50,000 tag uses, 100,000 counterpoints) and a
   small one (10 posts, same shape), as SQLite files under var/bench/, or on
   PostgreSQL when BENCH_DATABASE_URL=postgres://…/NAME is set (the bench
   drops and recreates NAME and NAME_small on that server).
2. Counts the queries each page makes through Django's test client.
3. Serves each site with gunicorn on 127.0.0.1 (production settings, debug
   off, whitenoise) and loads each page with wrk: uncached
   (PAGE_CACHE_SECONDS=0) at both sizes, then cached at 10,000 posts, each
   page alternating with its own bytes served as a static file by the same
   server: the ceiling a cached page can approach.
4. Prints the table and writes it to docs/benchmarks.md, with the machine,
   the versions, the date and the targets met or missed. The "Findings"
   section of that document is kept by hand in bench/findings.md.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
WRK_SCRIPT = Path(__file__).resolve().parent / "report.lua"
FINDINGS = Path(__file__).resolve().parent / "findings.md"
RESULTS = VAR / "results.json"
PAGES = ["home", "post", "tag", "hindsight", "search", "feed"]


def static_path(name):
    return f"/static/bench/{name}.html"


QUERY_TARGET = "constant in the site's size"
CACHED_TARGET = 0.80  # of the static-file ceiling
SCALING_TARGET = 1.5  # uncached time at 10,000 posts over its time at 10


def say(message):
    print(message, file=sys.stderr, flush=True)


# Databases ---------------------------------------------------------------


def database_urls():
    """{"large": url, "small": url}, created empty."""
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        VAR.mkdir(parents=True, exist_ok=True)
        urls = {}
        for site in ("large", "small"):
            path = VAR / f"{site}.sqlite3"
            for stale in VAR.glob(f"{site}.sqlite3*"):
                stale.unlink()
            urls[site] = f"sqlite:///{path}"
        return urls
    import psycopg

    parts = urllib.parse.urlparse(server)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(
            "BENCH_DATABASE_URL must name a database of its own: the bench drops and recreates it."
        )
    maintenance = parts._replace(path="/postgres").geturl()
    urls = {}
    with psycopg.connect(maintenance, autocommit=True) as admin:
        for site, db in (("large", name), ("small", f"{name}_small")):
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db}"')
            urls[site] = parts._replace(path=f"/{db}").geturl()
    return urls


def app_env(database_url, *, cache_seconds):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "EMAIL_", "PAGE_CACHE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(VAR / "static"),
        PAGE_CACHE_SECONDS=str(cache_seconds),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


SECRET_KEY = secrets.token_urlsafe(40)


def run(env, *args):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def build_site(url, posts):
    env = app_env(url, cache_seconds=0)
    run(env, "manage.py", "migrate", "--noinput", "--verbosity", "0")
    run(env, "manage.py", "createcachetable")
    say("  " + run(env, "-m", "bench.generate", "--posts", str(posts)).strip())
    if url.startswith("postgres"):
        # What autovacuum does within a minute of a bulk load, done now so
        # every run measures the same plans. SQLite has no such daemon and
        # Django never runs ANALYZE there, so its files are left as loaded.
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            db.execute("ANALYZE")


def database_version(url):
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as db:
        return "PostgreSQL " + db.execute("SHOW server_version").fetchone()[0]


# Serving and loading --------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, workers):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(VAR / "gunicorn.log", "a")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{port}", f"--workers={workers}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {VAR / 'gunicorn.log'}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/robots.txt", timeout=2).close()
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer; see {VAR / 'gunicorn.log'}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200, (url, response.status)
        return response.read()


def load(url, *, duration, connections):
    """wrk against one URL: requests per second and latency percentiles (ms)."""
    for _ in range(3):  # warm every worker's caches and connections
        fetch(url)
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", str(WRK_SCRIPT), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    report = json.loads(output[output.index("{") :])
    errors = sum(report["errors"].values())
    if errors:
        raise SystemExit(f"wrk saw {errors} errors on {url}: {report['errors']}")
    if report["requests"] < 2:
        # Slower than the whole run (PostgreSQL search at 10,000 posts): time
        # two requests one after the other instead.
        times = []
        for _ in range(2):
            started = time.perf_counter()
            fetch(url)
            times.append(time.perf_counter() - started)
        return {"rps": 1 / max(times), "p50": min(times) * 1000, "p95": max(times) * 1000, "requests": 2}
    return {
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50": report["p50_us"] / 1000,
        "p95": report["p95_us"] / 1000,
        "requests": report["requests"],
    }


def best(so_far, result):
    return result if so_far is None or result["rps"] > so_far["rps"] else so_far


# Report ---------------------------------------------------------------------


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
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def versions(database):
    from importlib.metadata import version

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout
    return (
        f"Python {platform.python_version()}, Django {version('django')}, gunicorn {version('gunicorn')}, "
        f"whitenoise {version('whitenoise')}, {database}, wrk {wrk.split()[1] if wrk else '?'}"
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


def fmt_rate(value):
    return f"{value:,.0f}" if value >= 10 else f"{value:.2f}"


def fmt_ms(value):
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def verdict(ok):
    return "met" if ok else "**missed**"


def report(*, posts, small_posts, queries, uncached, cached, static, context):
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`bench/run.py`) on {context['date']}. Rerun it to refresh this page;",
        "the findings at the end are kept by hand in `bench/findings.md`.",
        "",
        f"- **Code**: commit {context.get('revision', 'unknown')}",
        f"- **Machine**: {context['machine']}",
        f"- **Versions**: {context['versions']}",
        f"- **Sites**: {posts:,} posts ({context['large_shape']}) and {small_posts} posts of the same shape,"
        " generated by `bench/generate.py`",
        f"- **Load**: `wrk -t1 -c{context['connections']} -d{context['duration']}s` per page against"
        f" gunicorn ({context['workers']} sync workers, `config.wsgi`, debug off, whitenoise) on 127.0.0.1;"
        " wrk shares the machine's cores with the server. Each figure is the best of"
        f" {context['rounds']} runs, the runs compared alternating; the machine's load average"
        f" (1 minute) was {context['load_average']} during the runs",
        "- **Uncached**: `PAGE_CACHE_SECONDS=0` (no page cache, no fragment cache: every request renders"
        " the page from the database); **cached**: the default 600 s, the page warmed first",
        "- **Ceiling**: each page's own bytes written to `STATIC_ROOT` and fetched from the same server"
        " (whitenoise) as `/static/bench/<page>.html`: what serving that page could cost at best",
        "",
        f"## Pages at {posts:,} posts",
        "",
        "Requests per second, and latency p50 / p95 in milliseconds.",
        "",
        "| page | URL | size | queries | uncached req/s | p50 | p95 | cached req/s | p50 | p95 |"
        " static twin req/s | p50 | p95 |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name in PAGES:
        q, u, c, t = queries["large"][name], uncached["large"][name], cached[name], static[name]
        lines.append(
            f"| {name} | `{q['url']}` | {q['bytes'] / 1024:,.0f} KiB | {q['queries']} |"
            f" {fmt_rate(u['rps'])} | {fmt_ms(u['p50'])} | {fmt_ms(u['p95'])} |"
            f" {fmt_rate(c['rps'])} | {fmt_ms(c['p50'])} | {fmt_ms(c['p95'])} |"
            f" {fmt_rate(t['rps'])} | {fmt_ms(t['p50'])} | {fmt_ms(t['p95'])} |"
        )

    hits = {site: queries[site]["search"].get("hits") for site in ("small", "large")}
    if hits["large"] is not None:
        lines += [
            "",
            f"The search matches {hits['large']:,} published posts at {posts:,} posts and {hits['small']}"
            f" at {small_posts}.",
        ]
    lines += [
        "",
        "## Targets",
        "",
        f"**Queries per page, {QUERY_TARGET}** (Django's test client, `CaptureQueriesContext`, uncached):",
        "",
        f"| page | at {small_posts} posts | at {posts:,} posts | target |",
        "|---|--:|--:|---|",
    ]
    met = {"queries": True, "cached": True, "scaling": True}
    for name in PAGES:
        small, large = queries["small"][name]["queries"], queries["large"][name]["queries"]
        met["queries"] &= small == large
        lines.append(f"| {name} | {small} | {large} | {verdict(small == large)} |")

    lines += [
        "",
        f"**A cached page at {CACHED_TARGET:.0%} or more of the static-file ceiling** (the same bytes"
        " as a static file through the same server):",
        "",
        "| page | cached req/s | static twin req/s | cached / static | target |",
        "|---|--:|--:|--:|---|",
    ]
    for name in PAGES:
        share = cached[name]["rps"] / static[name]["rps"]
        met["cached"] &= share >= CACHED_TARGET
        lines.append(
            f"| {name} | {fmt_rate(cached[name]['rps'])} | {fmt_rate(static[name]['rps'])} | {share:.0%} |"
            f" {verdict(share >= CACHED_TARGET)} |"
        )

    lines += [
        "",
        f"**Uncached pages at {posts:,} posts within {SCALING_TARGET}x of their time at {small_posts} posts**"
        " (time per request = 1 / throughput):",
        "",
        f"| page | req/s at {small_posts} | p50 at {small_posts} | req/s at {posts:,} | p50 at {posts:,}"
        " | slower by | target |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for name in PAGES:
        small, large = uncached["small"][name], uncached["large"][name]
        ratio = small["rps"] / large["rps"]
        met["scaling"] &= ratio <= SCALING_TARGET
        lines.append(
            f"| {name} | {fmt_rate(small['rps'])} | {fmt_ms(small['p50'])} | {fmt_rate(large['rps'])} |"
            f" {fmt_ms(large['p50'])} | {ratio:.2f}x | {verdict(ratio <= SCALING_TARGET)} |"
        )
    lines += [
        "",
        f"Summary: query counts constant: {verdict(met['queries'])}; cached pages at"
        f" {CACHED_TARGET:.0%} of the ceiling: {verdict(met['cached'])}; uncached pages within"
        f" {SCALING_TARGET}x: {verdict(met['scaling'])}.",
        "",
    ]
    if FINDINGS.exists():
        lines += ["## Findings", "", FINDINGS.read_text().strip(), ""]
    return "\n".join(lines)


# Main -----------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="Generate a large site and load its pages with wrk.")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--small-posts", type=int, default=10)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="runs per page; the best counts")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help=f"rewrite the document from the last run's {RESULTS.name} (after editing bench/findings.md)",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        write_report(json.loads(RESULTS.read_text()), args.output)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does this).")
    started = time.monotonic()
    measured_revision = revision()
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "gunicorn.log").write_text("")

    say("== Generating the sites")
    urls = database_urls()
    build_site(urls["large"], args.posts)
    build_site(urls["small"], args.small_posts)
    static_root = VAR / "static"
    shutil.rmtree(static_root, ignore_errors=True)
    run(
        app_env(urls["small"], cache_seconds=0), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"
    )

    say("== Queries per page")
    queries = {
        site: json.loads(run(app_env(url, cache_seconds=0), "-m", "bench.pages"))
        for site, url in urls.items()
    }
    for site in queries:
        bad = {name: page["status"] for name, page in queries[site].items() if page["status"] != 200}
        if bad:
            raise SystemExit(f"pages that did not answer 200 on the {site} site: {bad}")
        if not queries[site]["search"]["hits"]:
            raise SystemExit(f"the benchmark's search finds nothing on the {site} site")

    # The machine may be busy with other work: each figure is the best of
    # --rounds runs, and the runs being compared alternate, so a burst of
    # other load does not land on one side only.
    load_args = {"duration": args.duration, "connections": args.connections}
    load_average = os.getloadavg()
    uncached = {"small": {}, "large": {}}
    say("== Uncached, small and large site alternately")
    with (
        gunicorn(app_env(urls["small"], cache_seconds=0), args.workers) as small_base,
        gunicorn(app_env(urls["large"], cache_seconds=0), args.workers) as large_base,
    ):
        bases = {"small": small_base, "large": large_base}
        for _ in range(args.rounds):
            for name in PAGES:
                for site in ("small", "large"):
                    result = load(bases[site] + queries[site][name]["url"], **load_args)
                    uncached[site][name] = best(uncached[site].get(name), result)
                small, large = uncached["small"][name]["rps"], uncached["large"][name]["rps"]
                say(f"  {name}: {small:.0f} req/s at {args.small_posts} posts, {large:.0f} at {args.posts}")
        # Each page's own bytes, for its static twin (the post page's differ
        # from visitor to visitor only in the CSRF token).
        page_bytes = {name: fetch(large_base + queries["large"][name]["url"]) for name in PAGES}

    # The ceiling: each page's bytes as a static file through the same
    # server. whitenoise reads STATIC_ROOT when the server starts, so they
    # are written before the next one.
    for name, content in page_bytes.items():
        twin = static_root / static_path(name).removeprefix("/static/")
        twin.parent.mkdir(parents=True, exist_ok=True)
        twin.write_bytes(content)

    say("== Cached, large site, each page and its static twin alternately")
    cached, static = {}, {}
    with gunicorn(app_env(urls["large"], cache_seconds=600), args.workers) as base:
        for _ in range(args.rounds):
            for name in PAGES:
                assert fetch(base + static_path(name)) == page_bytes[name]
                cached[name] = best(cached.get(name), load(base + queries["large"][name]["url"], **load_args))
                static[name] = best(static.get(name), load(base + static_path(name), **load_args))
                rates = cached[name]["rps"], static[name]["rps"]
                say(f"  {name}: {rates[0]:.0f} req/s cached, {rates[1]:.0f} as a static file")
    load_average = max(load_average, os.getloadavg())

    context = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "revision": measured_revision,
        "machine": machine(),
        "versions": versions(database_version(urls["large"])),
        "large_shape": "5 tags each from a pool of 200, 10 counterpoints each of which 6 approved,"
        " 5% drafts, 30% with a verdict",
        "connections": args.connections,
        "duration": args.duration,
        "workers": args.workers,
        "page_bytes": {name: len(content) for name, content in page_bytes.items()},
        "rounds": args.rounds,
        "load_average": f"{load_average[0]:.1f}",
    }
    results = {
        "posts": args.posts,
        "small_posts": args.small_posts,
        "queries": queries,
        "uncached": uncached,
        "cached": cached,
        "static": static,
        "context": context,
    }
    RESULTS.write_text(json.dumps(results, indent=1))
    write_report(results, args.output)
    say(f"== Wrote {args.output} in {time.monotonic() - started:.0f} s")


def write_report(results, output):
    document = report(**results)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document)
    print(document)


if __name__ == "__main__":
    main()
