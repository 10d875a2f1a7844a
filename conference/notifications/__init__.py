"""What each email says, one module per domain; the delivery engine is ``conference.outbox``.
This package re-exports nothing."""
