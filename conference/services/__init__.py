"""Writes with rules, one module per domain (``<entity>_<action>`` functions). Import the module
you need (``from conference.services import registrations``): this package re-exports nothing."""
