"""Fixed-window rate limits kept in the cache (shared cache in production)."""

from django.core.cache import cache


def hit(bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the bucket is within its limit."""
    key = f"ratelimit:{bucket}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return True
    return count <= limit


def reset(bucket: str) -> None:
    cache.delete(f"ratelimit:{bucket}")
