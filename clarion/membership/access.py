"""Who may see whose personal data: the one rule every list, export, search, record page
and command goes through.

A branch secretary sees their branch's people, a regional organiser their region's
(whatever branch, or none), national staff and superusers everyone. Anyone else — editors,
organisers of events, staff given model permissions but no place — sees no one."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

NATIONAL = "national"


def staff_scope(user):
    """('national', None), ('region', id), ('branch', id), or None: no personal data."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return (NATIONAL, None)
    if not hasattr(user, "_clarion_staff_scope"):
        try:
            access = user.personal_data_access
        except ObjectDoesNotExist:
            scope = None
        else:
            place = {"branch": access.branch_id, "region": access.region_id}.get(access.scope)
            scope = (access.scope, place)
        user._clarion_staff_scope = scope
    return user._clarion_staff_scope


def scope_filter(user, person_path=""):
    """A Q keeping the records (reached from a Person by `person_path`) the user may see;
    None when they may see none."""
    scope = staff_scope(user)
    if scope is None:
        return None
    kind, place = scope
    if kind == NATIONAL:
        return Q()
    return Q(**{f"{person_path}{kind}_id": place})


def can_see_personal_data(user):
    """Whether the account reaches anyone's personal data, so needs two-factor login."""
    return staff_scope(user) is not None


def forget_scope(user):
    """After the user's access changed within a request (tests, the admin)."""
    if hasattr(user, "_clarion_staff_scope"):
        del user._clarion_staff_scope
