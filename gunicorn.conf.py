"""gunicorn's settings for this site, read from the working directory (``./gunicorn.conf.py`` is
gunicorn's default ``--config``): the systemd unit, the tests and a hand-started gunicorn all run
from the project folder. Options given on the command line still win.

The ``Server`` response header: gunicorn writes ``Server: gunicorn`` on every response and has no
setting to change it. Naming the software (and so its known flaws) helps nobody but a scanner, so
the header is left out: each response's first lines are gunicorn's own, minus that one.
``tests/conference/test_settings.py`` checks it against a real gunicorn, so an upgrade that changes
this internal breaks a test, not the site.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
