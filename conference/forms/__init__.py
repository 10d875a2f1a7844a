"""Forms, one module per domain. This package re-exports nothing."""
