"""Views, one module per domain: the public pages, delegate registration, the venue. This package
re-exports nothing."""
