"""A small fixed-window rate limit in the cache (Redis when REDIS_URL is set).

Used for password reset requests, per client IP and per email address, so nobody
can flood a mailbox or probe addresses quickly. django-axes guards logins; its
decorator only counts failed authentications, which a reset request never is.
"""

import hashlib

from django.core.cache import cache


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request for (scope, key); False once more than ``limit`` happened in the window."""
    digest = hashlib.sha256(key.encode()).hexdigest()  # no raw emails or IPs in cache keys
    cache_key = f"throttle:{scope}:{digest}"
    # add() is atomic: the first request of a window creates the counter with its expiry.
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window_seconds)
        return True
    return count <= limit
