"""Generated membership data for the demo: made-up people who joined the demo branches (some
now members, some subscribing or giving), the drive's goals, and two organisers' logins
that show access by place: a branch secretary and a regional organiser.

Counts are totals to reach, so a re-run adds nothing; the people are fictional (Faker) and
their addresses are on the reserved .example domain."""

import datetime
import random
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from faker import Faker

from clarion.membership.models import (
    ConsentWording,
    Donation,
    JoinRequest,
    MembershipGoal,
    MembershipSettings,
    Person,
    StaffAccess,
    Subscription,
)
from clarion.membership.public_forms import record_consent
from clarion.organising.models import Branch, Region

NATIONAL_GOAL = 40_000
REGIONAL_MINIMUM = 700
STATUSES = ["new", "new", "contacted", "member", "member", "not-interested"]


def seed_membership(people, seed=2026):
    """Reach `people` demo people; set the drive's goals. Returns nothing."""
    branches = list(Branch.objects.order_by("pk"))
    if not branches:
        return
    MembershipGoal.objects.get_or_create(region=None, defaults={"target": NATIONAL_GOAL})
    for region in Region.objects.all():
        MembershipGoal.objects.get_or_create(region=region, defaults={"target": REGIONAL_MINIMUM})
    wording = MembershipSettings.objects.first()
    consent = wording.join_consent if wording else MembershipSettings().join_consent
    for number in range(Person.objects.count(), people):
        make_person(number, branches, consent, seed)


@transaction.atomic
def make_person(number, branches, consent, seed):
    chance = random.Random(f"{seed}-person-{number}")
    fake = Faker("en_GB")
    fake.seed_instance(f"{seed}-{number}")
    name = fake.name()
    status = chance.choice(STATUSES)
    received = timezone.now() - datetime.timedelta(days=chance.randint(0, 120))
    person = Person.objects.create(
        name=name,
        email=f"{name.lower().replace(' ', '.').replace("'", '')}.{number}@members.example",
        email_confirmed_at=received,
        phone=f"07700 9{number:05d}"[:13],
        branch=chance.choice(branches),
        member_since=received.date() if status == "member" else None,
        created_at=received,
    )
    JoinRequest.objects.create(
        person=person,
        status=status,
        source=chance.choice(["web", "web", "sms"]),
        interests=chance.choice(["", "Going to meetings", "Selling the paper"]),
        received_at=received,
        organisers_told_at=received,
    )
    record_consent(person, ConsentWording.Purpose.JOIN, consent)
    if chance.random() < 0.2:
        Subscription.objects.create(
            person=person,
            kind=chance.choice(["print", "digital"]),
            status="active",
            amount=52,
            frequency="yearly",
            start_date=received.date(),
            renewal_date=received.date() + datetime.timedelta(days=365),
        )
    if chance.random() < 0.25:
        Donation.objects.create(
            person=person,
            amount=chance.choice([5, 10, 25]),
            frequency=chance.choice(["once", "monthly"]),
            status="active",
            method="standing-order",
        )


def demo_organisers():
    """(username, password, what they see) for a branch secretary and a regional organiser
    of the first demo branch, with fresh passwords each run."""
    branch = Branch.objects.select_related("region").order_by("pk").first()
    if branch is None:
        return []
    logins = []
    for username, group, scope, place in [
        ("secretary", "Branch secretaries", "branch", branch),
        ("organiser", "Regional organisers", "region", branch.region),
    ]:
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=group))
        StaffAccess.objects.update_or_create(
            user=user,
            defaults={
                "scope": scope,
                "branch": place if scope == "branch" else None,
                "region": place if scope == "region" else None,
            },
        )
        logins.append((username, password, place.name))
    return logins
