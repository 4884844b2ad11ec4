"""The Membership menu in the admin (admin_views.py), and two-factor login's pages."""

from wagtail import hooks

from . import admin_actions, two_factor  # noqa: F401  (register their actions, admin URLs)
from .admin_views import MembershipGroup


@hooks.register("register_admin_viewset")
def register_membership():
    return MembershipGroup()
