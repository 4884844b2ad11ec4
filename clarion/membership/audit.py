"""Writing the audit log: one line per look at, export of, or change to personal data."""

import getpass

from .models import AuditEntry

Action = AuditEntry.Action


def record(user, action, record_type, record_id="", count=1, detail=""):
    """Adds an entry. `user` is the staff account, or None for a command run on the server
    (the entry then names the server account that ran it)."""
    if user is not None and user.is_authenticated:
        actor = user.get_username()
    else:
        user = None
        actor = f"command line ({getpass.getuser()})"
    return AuditEntry.objects.create(
        user=user,
        actor=actor[:150],
        action=action,
        record_type=record_type,
        record_id=str(record_id)[:50],
        count=count,
        detail=detail[:300],
    )


def record_type_of(model):
    return model._meta.verbose_name
