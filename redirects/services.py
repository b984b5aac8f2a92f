"""Recording a move, the one way redirects are written (admin, slugs, tags, imports)."""

import hashlib

from django.core.cache import cache
from django.db import transaction

from .models import Redirect

CACHE_SECONDS = 600
MISSING = ""
MAX_PATH = Redirect._meta.get_field("old_path").max_length


def _cache_key(path):
    # Hashed: a path may be longer than, or have characters memcached refuses in, a key.
    return "redirects:" + hashlib.sha256(path.encode()).hexdigest()


def remember_redirect(old_path, new_path):
    """
    Make ``old_path`` answer with a 301 to ``new_path`` from now on.

    Chains are collapsed: what pointed at ``old_path`` now points straight at
    ``new_path``. A redirect away from ``new_path`` is dropped, since that
    address is live again (a slug renamed back and forth).
    """
    if not old_path or old_path == new_path:
        return None
    with transaction.atomic():
        Redirect.objects.filter(old_path=new_path).delete()
        stale = list(Redirect.objects.filter(new_path=old_path).values_list("old_path", flat=True))
        Redirect.objects.filter(new_path=old_path).update(new_path=new_path)
        redirect, _ = Redirect.objects.update_or_create(old_path=old_path, defaults={"new_path": new_path})
        paths = [old_path, new_path, *stale]
        transaction.on_commit(lambda: forget_cached(paths))
    return redirect


def forget_cached(paths):
    cache.delete_many([_cache_key(path) for path in paths])


def find_redirect(path):
    """Where ``path`` moved to, or None; remembered for a while either way."""
    if len(path) > MAX_PATH:
        return None
    key = _cache_key(path)
    target = cache.get(key)
    if target is None:
        target = Redirect.objects.filter(old_path=path).values_list("new_path", flat=True).first() or MISSING
        cache.set(key, target, CACHE_SECONDS)
    return target or None
