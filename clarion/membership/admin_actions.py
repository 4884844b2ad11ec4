"""Saving and deleting membership records in the admin without Wagtail's change log.

Wagtail's log entries are shown, in the site-history report, to anyone with any
permission on the model, whatever their area: a branch secretary would see that record N
in another region was changed, and by whom. Membership keeps its own audit log instead
(audit.py), which only those given its 'view' permission read. Staff access and the
drive's goals, which only administrators and national staff change, keep Wagtail's log."""

from wagtail import hooks
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction

from .models import Consent, JoinRequest, Payable, Person


class UnloggedCreateAction(CreateAction):
    def __init__(self, *args, log_action=None, **kwargs):
        super().__init__(*args, log_action=log_action, **kwargs)


class UnloggedEditAction(EditAction):
    def __init__(self, *args, log_action=None, **kwargs):
        super().__init__(*args, log_action=log_action, **kwargs)


class UnloggedDeleteAction(DeleteAction):
    def __init__(self, *args, log_action=None, **kwargs):
        super().__init__(*args, log_action=log_action, **kwargs)


@hooks.register("register_actions")
def register_unlogged_actions(registry):
    for model in (Person, JoinRequest, Consent, Payable):  # Payable: subscriptions, donations
        for action in (UnloggedCreateAction, UnloggedEditAction, UnloggedDeleteAction):
            registry.register(model, action)
