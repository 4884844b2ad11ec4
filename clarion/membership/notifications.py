"""Telling people what happened: the person is asked to confirm their email address (double
opt-in); the branch's organisers are told a request is waiting. Both are sent by the task
worker after the request's transaction commits, so a slow mail server never slows a form.

Organisers' emails name the branch and link to the admin, and carry nothing else: a
mailbox is easier to seize than an account with two-factor login."""

from functools import partial

from django.db import transaction

from . import tasks


def base_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def join_received(join_request, request):
    """A new request: ask an email address to confirm itself first; tell the organisers
    now when there is only a phone number (nothing to confirm)."""
    if join_request.organisers_due:
        enqueue(tasks.tell_organisers, join_request.pk, base_url(request))
    else:
        enqueue(tasks.send_join_confirmation, join_request.pk, base_url(request))


def email_confirmed(join_request, request):
    enqueue(tasks.tell_organisers, join_request.pk, base_url(request))


def enqueue(task, *args):
    transaction.on_commit(partial(task.enqueue, *args))
