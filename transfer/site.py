"""
The whole site in open formats, and back (``export_site``, and
``import_posts`` given such a folder):

    posts/<slug>.md        Markdown with TOML front matter, as seeds/ (verdict history included,
                           and the claims stated in the front matter with theirs)
    claims.jsonl           the verdict history of every judged claim marked in a body, and of
                           withdrawn claims: one claim a line, named by its post and its id
    counterpoints.jsonl    one counterpoint a line: status, stance, quote, body, response, credits,
                           and the reader's forecast (the claim it answers, by id, and their probability)
    tags.jsonl             every tag's name and slug
    redirects.jsonl        old address → new address
    series.jsonl           every series: title, slug, description, its posts' slugs in order
    media/                 uploaded files, as stored

Everything is written in a fixed order with fixed formatting, so exporting,
importing into an empty database and exporting again gives the same bytes.

A claim marked in a body comes back with the body; claims.jsonl then adds
its verdicts (append-only: a verdict it has, same verdict and time, is not
added twice). It is found by its id (``{#id}`` in the Markdown, or the id it
was given when first saved), else by its words, and gets its exported id
back, so its anchor (#claim-…) stays the same. A withdrawn claim, no longer
in any text, is made again from its line, withdrawn.
E-mail addresses and moderators' notes are left out unless asked for, and
with them a reader's wish to join the public readers' record (which needs
their address); a listed reader confirms their address again on the new
site before they are listed there.
"""

import datetime
import json
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import translation
from taggit.models import Tag

from blog.models import Hindsight, Post, Series, SeriesPart
from claims.markup import KEY_LENGTH, KEY_PATTERN, MAX_CONFIDENCE, MIN_CONFIDENCE
from claims.models import Claim, ClaimVerdict, Forecast, Outcome
from claims.services import refresh_claim_verdict
from counterpoints.models import Counterpoint, body_fingerprint
from redirects.models import Redirect
from redirects.services import forget_cached

PRIVATE_FIELDS = ("author_email", "moderator_note", "record_name")
COUNTERPOINT_FIELDS = (
    "stance",
    "status",
    "author_name",
    "author_website",
    "quote",
    "body",
    "response",
    "author_reply",
    "rejection_reason",
)


def iso(moment):
    """A UTC time as TOML and JSON both read it: 2025-01-28T09:00:00Z (microseconds only if any)."""
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def toml_string(text):
    # A JSON string is a TOML basic string, except that TOML also refuses a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def normalised(text):
    """Text as the seed loader keeps it: one kind of line break, no surrounding blank space."""
    return "\n".join(text.splitlines()).strip()


def post_as_markdown(post, verdicts, claims=()):
    lines = [
        "+++",
        f"title = {toml_string(post.title.strip())}",
        f"slug = {toml_string(post.slug)}",
        f"dek = {toml_string(post.dek.strip())}",
        f"date = {iso(post.published_at)}",
    ]
    if post.status == Post.Status.DRAFT:
        lines.append("draft = true")
    tags = sorted((tag.name for tag in post.tags.all()), key=lambda name: (name.lower(), name))
    lines.append(f"tags = [{', '.join(toml_string(name) for name in tags)}]")
    if post.check_back_by:
        lines.append(f"check_back_by = {post.check_back_by.isoformat()}")
    if not post.counterpoints_open:
        lines.append("counterpoints_open = false")
    if post.cover_image:
        lines.append(f"cover = {toml_string(post.cover_image.name)}")
        lines.append(f"cover_alt = {toml_string(post.cover_alt.strip())}")
    for verdict in verdicts:
        with translation.override("en"):  # the seed format's labels are English, whatever the site speaks
            label = verdict.get_verdict_display()
        lines += [
            "",
            "[[hindsight]]",
            f"verdict = {toml_string(label)}",
            f"decided = {iso(verdict.decided_at)}",
            f"note = {toml_string(verdict.note.strip())}",
        ]
    for claim in claims:  # stated in the front matter (claims/seeds.py), not in the body
        lines += ["", "[[claims]]", f"id = {toml_string(claim.key)}", f"confidence = {claim.confidence}"]
        if claim.check_back_by:
            lines.append(f"by = {claim.check_back_by.isoformat()}")
        lines.append(f"text = {toml_string(claim.text)}")
        for verdict in claim.verdicts.all():
            lines += [
                "",
                "[[claims.verdicts]]",
                f"verdict = {toml_string(verdict.verdict)}",
                f"decided = {iso(verdict.decided_at)}",
                f"note = {toml_string(verdict.note.strip())}",
            ]
    return "\n".join([*lines, "+++", "", normalised(post.body), ""])


def _write_jsonl(path, rows):
    with path.open("w", encoding="utf-8", newline="\n") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def export_site(directory, *, include_private=False):
    """Write the site into ``directory``; returns a count of what was written, by kind."""
    directory = Path(directory)
    (directory / "posts").mkdir(parents=True, exist_ok=True)
    counts = {
        "posts": 0,
        "judged claims": 0,
        "counterpoints": 0,
        "tags": 0,
        "series": 0,
        "redirects": 0,
        "media files": 0,
    }

    verdicts_by_post = {}
    for verdict in Hindsight.objects.order_by("decided_at", "pk"):
        verdicts_by_post.setdefault(verdict.post_id, []).append(verdict)
    front_matter_claims = {}
    for claim in _claims_with_verdicts().filter(in_body=False, withdrawn=False).order_by("order", "pk"):
        front_matter_claims.setdefault(claim.post_id, []).append(claim)
    for post in Post.objects.order_by("slug").prefetch_related("tags").iterator(chunk_size=500):
        text = post_as_markdown(post, verdicts_by_post.get(post.pk, []), front_matter_claims.get(post.pk, []))
        (directory / "posts" / f"{post.slug}.md").write_text(text, encoding="utf-8", newline="\n")
        counts["posts"] += 1

    claims = [
        {
            "post": claim.post.slug,
            "id": claim.key,
            "text": claim.text,
            "confidence": claim.confidence,
            "by": claim.check_back_by.isoformat() if claim.check_back_by else None,
            "in_body": claim.in_body,
            "withdrawn": claim.withdrawn,
            "order": claim.order,
            "verdicts": [
                {"verdict": verdict.verdict, "decided": iso(verdict.decided_at), "note": verdict.note}
                for verdict in claim.verdicts.all()
            ],
        }
        for claim in _claims_with_verdicts()
        .filter(Q(in_body=True) | Q(withdrawn=True))
        .filter(verdicts__isnull=False)
        .distinct()
        .select_related("post")
    ]
    claims.sort(key=lambda row: (row["post"], row["id"]))
    _write_jsonl(directory / "claims.jsonl", claims)
    counts["judged claims"] = len(claims)

    credits = {}
    for counterpoint_id, decided_at in Hindsight.credited.through.objects.values_list(
        "counterpoint_id", "hindsight__decided_at"
    ):
        credits.setdefault(counterpoint_id, []).append(iso(decided_at))
    rows = []
    forecasts = {
        counterpoint_id: {"claim": key, "probability": probability}
        for counterpoint_id, key, probability in Forecast.objects.values_list(
            "counterpoint_id", "claim__key", "probability"
        )
    }
    for counterpoint in Counterpoint.objects.select_related("post").order_by("post__slug", "submitted_at"):
        row = {field: getattr(counterpoint, field) for field in COUNTERPOINT_FIELDS}
        row.update(
            post=counterpoint.post.slug,
            submitted_at=iso(counterpoint.submitted_at),
            reviewed_at=iso(counterpoint.reviewed_at) if counterpoint.reviewed_at else None,
            credited_in=sorted(credits.get(counterpoint.pk, [])),
            forecast=forecasts.get(counterpoint.pk),
        )
        if include_private:
            row.update({field: getattr(counterpoint, field) for field in PRIVATE_FIELDS})
            row["joins_record"] = counterpoint.joins_record
        rows.append(row)
    rows.sort(key=lambda row: (row["post"], row["submitted_at"], body_fingerprint(row["body"])))
    _write_jsonl(directory / "counterpoints.jsonl", rows)
    counts["counterpoints"] = len(rows)

    tags = [
        {"name": name, "slug": slug}
        for name, slug in Tag.objects.order_by("slug").values_list("name", "slug")
    ]
    _write_jsonl(directory / "tags.jsonl", tags)
    counts["tags"] = len(tags)
    series = [
        {
            "slug": one.slug,
            "title": one.title,
            "description": one.description,
            "parts": [part.post.slug for part in one.parts.all()],
        }
        for one in Series.objects.order_by("slug").prefetch_related("parts__post")
    ]
    _write_jsonl(directory / "series.jsonl", series)
    counts["series"] = len(series)
    redirects = [
        {"old_path": old, "new_path": new}
        for old, new in Redirect.objects.order_by("old_path").values_list("old_path", "new_path")
    ]
    _write_jsonl(directory / "redirects.jsonl", redirects)
    counts["redirects"] = len(redirects)

    for name in _stored_files(""):
        target = directory / "media" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as copy:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                copy.write(chunk)
        counts["media files"] += 1
    return counts


def _claims_with_verdicts():
    return Claim.objects.prefetch_related(
        Prefetch("verdicts", queryset=ClaimVerdict.objects.order_by("decided_at", "pk"))
    )


def _stored_files(folder):
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(folders):
        yield from _stored_files(f"{folder}{name}/")


def _read_jsonl(path, errors):
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    errors.append(f"{path.name} line {number}: not JSON ({error.msg})")


def import_tags(directory):
    """Tags first, so posts reuse them with their exported slugs."""
    errors = []
    for _, row in _read_jsonl(Path(directory) / "tags.jsonl", errors):
        taken = Tag.objects.filter(Q(name__iexact=row.get("name")) | Q(slug=row.get("slug")))
        if row.get("name") and row.get("slug") and not taken.exists():
            Tag.objects.create(name=row["name"], slug=row["slug"])
    return errors


def _moment(value):
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@transaction.atomic
def import_rest(directory, tally):
    """Counterpoints (with credits), series, redirects and media of an export_site folder; returns errors."""
    directory = Path(directory)
    errors = []
    posts = dict(Post.objects.values_list("slug", "pk"))
    verdicts = {
        (post_id, decided_at): pk
        for pk, post_id, decided_at in Hindsight.objects.values_list("pk", "post_id", "decided_at")
    }
    _import_claims(directory, posts, errors, tally)
    for number, row in _read_jsonl(directory / "counterpoints.jsonl", errors):
        post_id = posts.get(row.get("post"))
        if post_id is None:
            errors.append(f"counterpoints.jsonl line {number}: no post {row.get('post')!r}")
            continue
        if Counterpoint.objects.filter(post_id=post_id, body_hash=body_fingerprint(row["body"])).exists():
            continue
        fields = {field: row.get(field, "") for field in (*COUNTERPOINT_FIELDS, *PRIVATE_FIELDS)}
        forecast, problem = _forecast(post_id, row.get("forecast"))
        if problem:  # the counterpoint itself is still worth keeping
            errors.append(f"counterpoints.jsonl line {number}: {problem}; imported without it")
        counterpoint = Counterpoint.objects.create(
            post_id=post_id,
            submitted_at=_moment(row["submitted_at"]),
            reviewed_at=_moment(row.get("reviewed_at")),
            # Only with the address and the name it is listed under, as on the form.
            joins_record=bool(row.get("joins_record") and fields["author_email"] and fields["record_name"]),
            **fields,
        )
        if forecast is not None:
            Forecast.objects.create(counterpoint=counterpoint, **forecast)
        for decided_at in row.get("credited_in", []):
            verdict = verdicts.get((post_id, _moment(decided_at)))
            if verdict is None:
                errors.append(f"counterpoints.jsonl line {number}: no verdict of {decided_at} to credit it")
            else:
                Hindsight.credited.through.objects.create(hindsight_id=verdict, counterpoint=counterpoint)
        tally["counterpoints"] += 1
    for number, row in _read_jsonl(directory / "series.jsonl", errors):
        one, _ = Series.objects.update_or_create(
            slug=row["slug"], defaults={"title": row["title"], "description": row.get("description", "")}
        )
        missing = [slug for slug in row.get("parts", []) if slug not in posts]
        if missing:
            errors.append(f"series.jsonl line {number}: no post {', '.join(map(repr, missing))}")
        one.parts.all().delete()
        SeriesPart.objects.filter(
            post_id__in=[posts[slug] for slug in row.get("parts", []) if slug in posts]
        ).delete()
        SeriesPart.objects.bulk_create(
            SeriesPart(series=one, post_id=posts[slug], position=position)
            for position, slug in enumerate((slug for slug in row.get("parts", []) if slug in posts), start=1)
        )
    paths = []
    for _, row in _read_jsonl(directory / "redirects.jsonl", errors):
        _, created = Redirect.objects.update_or_create(
            old_path=row["old_path"], defaults={"new_path": row["new_path"]}
        )
        tally["redirects"] += created
        paths.append(row["old_path"])
    transaction.on_commit(lambda: forget_cached(paths))
    media = directory / "media"
    for path in sorted(media.rglob("*")) if media.is_dir() else []:
        name = path.relative_to(media).as_posix()
        if path.is_file() and not default_storage.exists(name):
            with path.open("rb") as file:
                default_storage.save(name, File(file))
    return errors


def _forecast(post_id, value):
    """(Its fields, None) for a counterpoints.jsonl ``forecast``; (None, None) for none; (None, why not)."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        return None, "its forecast is not a claim and a probability"
    claim = Claim.objects.filter(post_id=post_id, key=value.get("claim")).first()
    if claim is None:
        return None, f"its forecast answers no claim {value.get('claim')!r} of its post"
    probability = value.get("probability")
    if probability is not None and (
        type(probability) is not int or not MIN_CONFIDENCE <= probability <= MAX_CONFIDENCE
    ):
        return (
            None,
            f"its forecast's probability is not a whole percent from {MIN_CONFIDENCE} to {MAX_CONFIDENCE}",
        )
    return {"claim": claim, "probability": probability}, None


def _import_claims(directory, posts, errors, tally):
    """
    claims.jsonl: the claims in the text first (they came with the bodies),
    then the withdrawn ones (made again); each gets the verdicts it lacks.
    """
    rows = []
    for number, row in _read_jsonl(directory / "claims.jsonl", errors):
        if isinstance(row, dict) and isinstance(row.get("post"), str) and isinstance(row.get("id"), str):
            rows.append((number, row))
        else:
            errors.append(f"claims.jsonl line {number}: not a claim (it needs its post and id)")
    matched = set()
    for number, row in sorted(rows, key=lambda pair: bool(pair[1].get("withdrawn"))):
        where = f"claims.jsonl line {number}"
        post_id = posts.get(row["post"])
        if post_id is None:
            errors.append(f"{where}: no post {row.get('post')!r}")
            continue
        try:
            verdicts = [
                (v["verdict"], _moment(v["decided"]), str(v.get("note") or ""))
                for v in row.get("verdicts") or []
            ]
        except (AttributeError, KeyError, TypeError, ValueError):
            verdicts = None
        if verdicts is None or any(
            verdict not in Outcome.values or not decided for verdict, decided, _ in verdicts
        ):
            errors.append(f"{where}: each verdict needs one of {', '.join(Outcome.values)} and a time")
            continue
        claim = _find_claim(post_id, row, matched)
        if claim is None:
            problem = _cannot_make(post_id, row)
            if problem:
                errors.append(f"{where}: {problem}")
                continue
            claim = Claim.objects.create(
                post_id=post_id,
                key=row["id"],
                text=row["text"],
                confidence=row["confidence"],
                check_back_by=datetime.date.fromisoformat(row["by"]) if row.get("by") else None,
                order=row.get("order", 0),
                in_body=row.get("in_body", True),
                withdrawn=True,
            )
        changed = claim.key != row["id"]
        if changed:  # found by its words: its old id back, and with it its anchor
            claim.key = row["id"]
            claim.save(update_fields=["key", "updated_at"])
        matched.add(claim.pk)
        existing = set(claim.verdicts.values_list("verdict", "decided_at"))
        for verdict, decided, note in verdicts:
            if (verdict, decided) not in existing:
                ClaimVerdict.objects.create(claim=claim, verdict=verdict, decided_at=decided, note=note)
                existing.add((verdict, decided))
                tally["claim verdicts"] = tally.get("claim verdicts", 0) + 1
                changed = True
        if changed:
            refresh_claim_verdict(claim)


def _cannot_make(post_id, row):
    """Why a claims.jsonl line cannot be made into a withdrawn claim here ('' if it can)."""
    if not row.get("withdrawn"):
        return f"no claim {row.get('id')!r} in the text of {row['post']!r}"
    key, text, confidence = row.get("id"), row.get("text"), row.get("confidence")
    if not (isinstance(key, str) and KEY_PATTERN.match(key) and len(key) <= KEY_LENGTH):
        return f"{key!r} is not a claim id"
    if Claim.objects.filter(post_id=post_id, key=key).exists():
        return f"another claim of {row['post']!r} has the id {key!r}"
    if not (isinstance(text, str) and text.strip()):
        return "a claim needs its text"
    if not (isinstance(confidence, int) and MIN_CONFIDENCE <= confidence <= MAX_CONFIDENCE):
        return f"confidence must be a whole number from {MIN_CONFIDENCE} to {MAX_CONFIDENCE}"
    try:
        datetime.date.fromisoformat(row["by"]) if row.get("by") else None
    except (TypeError, ValueError):
        return f"{row['by']!r} is not a date"
    if not isinstance(row.get("order", 0), int) or row.get("order", 0) < 0:
        return "order must be a whole number"
    return ""


def _find_claim(post_id, row, matched):
    """The claim a claims.jsonl line names: by its id, else by its words, in the same state."""
    candidates = Claim.objects.filter(
        post_id=post_id, withdrawn=bool(row.get("withdrawn")), in_body=row.get("in_body", True)
    ).exclude(pk__in=matched)
    claim = candidates.filter(key=row.get("id")).first()
    if claim is None:
        claim = candidates.filter(text=row.get("text")).first()
        taken = Claim.objects.filter(post_id=post_id, key=row.get("id")).exists()
        if claim is not None and taken:
            return None  # its id belongs to another claim here: not the same claim after all
    return claim
