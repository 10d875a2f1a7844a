"""What the provinces app tells the rest of the site (which it may not import).

``reorganisation_applied`` is sent inside the transaction of
:func:`provinces.services.reorganisation_apply` when a reorganisation changed something (never
for a dry run, never when it was already applied), with ``reorganisation`` (the saved
:class:`~provinces.models.Reorganisation`), ``changes`` (one translated line per change) and
``actor`` (the user who applied it in the admin, or an actor code such as the server command's).
The conference app records it in its audit log (conference/services/editions.py).
"""

from django.dispatch import Signal

reorganisation_applied = Signal()
