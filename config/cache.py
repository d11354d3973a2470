"""The Redis cache, for when Redis is down: the site carries on as with an empty cache.

Django's own Redis backend raises on a connection error, and Wagtail asks the cache for the
site's root paths whenever it writes a page's address, so without this every page a pupil
uses would be a server error until Redis came back. Nothing kept in the cache is the only copy
of anything (sessions and sign-in failures are in the database), so a miss is always safe.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _as_if_empty(empty):
    """Run the client's method; if Redis cannot be reached, log it and answer as an empty
    cache would: `empty(*args, **kwargs)`."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                logger.warning("Cache unavailable (%s): carrying on without it", error)
                return empty(*args, **kwargs)

        return wrapper

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found")


class _Client(RedisCacheClient):
    # An empty cache accepts an `add`, finds nothing and has nothing to delete.
    add = _as_if_empty(lambda *a, **k: True)(RedisCacheClient.add)
    get = _as_if_empty(lambda key, default=None: default)(RedisCacheClient.get)
    set = _as_if_empty(lambda *a, **k: None)(RedisCacheClient.set)
    touch = _as_if_empty(lambda *a, **k: False)(RedisCacheClient.touch)
    delete = _as_if_empty(lambda *a, **k: False)(RedisCacheClient.delete)
    get_many = _as_if_empty(lambda *a, **k: {})(RedisCacheClient.get_many)
    has_key = _as_if_empty(lambda *a, **k: False)(RedisCacheClient.has_key)
    incr = _as_if_empty(_missing_key)(RedisCacheClient.incr)
    set_many = _as_if_empty(lambda *a, **k: [])(RedisCacheClient.set_many)
    delete_many = _as_if_empty(lambda *a, **k: None)(RedisCacheClient.delete_many)
    clear = _as_if_empty(lambda *a, **k: False)(RedisCacheClient.clear)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
