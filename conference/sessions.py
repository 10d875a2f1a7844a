"""Sessions in the database, read through the shared cache (``SESSION_ENGINE`` with a shared
``CACHE_URL``; see settings.py).

Django's ``cached_db`` engine, except that a cache that cannot be reached is never an error: the
session is read from and written to the database as with the ``db`` engine (which stays the
source of truth), so a Redis outage logs no one out. A session deleted while the cache was
unreachable (a logout) may linger there until the cache comes back empty or the entry expires:
Django's own engine leaves the same entry behind, with an error page besides.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            data = None
        if data is not None:
            return data
        found = self._get_session_from_db()
        if not found:
            return {}
        data = self.decode(found.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=found.expire_date))
        except Exception:
            logger.warning("Could not keep the session in the cache (%s)", self._cache)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            pass
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            logger.warning("Could not keep the session in the cache (%s)", self._cache)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.warning("Could not remove the session from the cache (%s)", self._cache)
