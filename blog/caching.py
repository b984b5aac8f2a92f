"""The page cache moved to ``core.caching`` (issue 12); kept for branches written before the move."""

from core.caching import PageCacheMiddleware, cache_for_anonymous, fragment_cache  # noqa: F401
