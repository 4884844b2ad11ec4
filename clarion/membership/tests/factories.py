"""Factories for membership tests: people and their records, and staff of each role."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clarion.membership.models import (
    Donation,
    JoinRequest,
    Person,
    StaffAccess,
    Subscription,
)
from clarion.organising.tests.factories import BranchFactory


class PersonFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Zelda Quorn {n}")
    email = factory.Sequence(lambda n: f"zelda{n}@example.org")
    phone = factory.Sequence(lambda n: f"07700 900{n:03d}")
    postcode = "XD1 2AB"
    branch = factory.SubFactory(BranchFactory)

    class Meta:
        model = Person


class JoinRequestFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    interests = "Going to meetings"
    message = "Looking forward to it"

    class Meta:
        model = JoinRequest


class SubscriptionFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    kind = Subscription.Kind.PRINT
    amount = 52
    frequency = Subscription.Frequency.YEARLY

    class Meta:
        model = Subscription


class DonationFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    amount = 10
    frequency = Donation.Frequency.MONTHLY

    class Meta:
        model = Donation


def staff_user(username, group=None, scope=None, branch=None, region=None, **fields):
    """A staff account in `group`, with access to personal data as `scope` (branch, region
    or national) allows; no scope gives none."""
    user = get_user_model().objects.create_user(
        username=username, password="not-a-real-password-1", is_staff=True, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    if scope:
        StaffAccess.objects.create(user=user, scope=scope, branch=branch, region=region)
    return user
