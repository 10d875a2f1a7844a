"""Django's Redis cache backend, keeping its client object (settings.py swaps it in when
CACHE_URL names a Redis server).

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every cache operation; redis-py
fills that object's table of response callbacks (a few hundred entries) each time, about 0.3 ms
on a slow core — more than the round trip to Redis, paid two or three times by every signed-in
page (its session, its access record, the seat counts). A ``redis.Redis`` built on a connection
pool is safe to share between threads and holds no connection of its own, so one per pool is
kept; everything else (pools, serializer, options) is Django's.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
