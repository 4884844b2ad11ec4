"""The people who join, subscribe and give, and the records of what they asked for.

Personal data lives in `Person` and the records hanging from it; every query staff make
goes through `visible_to(user)` (see `access.py`), so a branch secretary's list, export,
search and guessed address all see the same people: their branch's."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from clarion.organising.models import Branch, Region

from .access import scope_filter

CURRENCY_HELP = "Three-letter code, e.g. GBP, EUR, KZT"
# Crockford's base 32 without the letters people misread (I, L, O, U).
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix):
    """A payment reference a person can read out or type into a bank form: 'D-7K3M-9QX2'."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{code[:4]}-{code[4:]}"


class MembershipRecord(models.Model):
    """Every membership model: kept out of Wagtail's reference index, whose "usage" pages
    would otherwise show, to anyone who may edit a branch, how many people are in it — and
    whose upkeep would queue a task for every save of a person's record."""

    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True


class VisibleQuerySet(models.QuerySet):
    """Records of people: `visible_to(user)` keeps those the user's role and place allow."""

    person_path = "person__"  # how to reach the Person from this model

    def visible_to(self, user):
        condition = scope_filter(user, self.person_path)
        return self.none() if condition is None else self.filter(condition)


class PersonQuerySet(VisibleQuerySet):
    person_path = ""

    def members(self):
        return self.filter(member_since__isnull=False)


class Person(MembershipRecord):
    """Someone who joined, subscribed or gave. Kept as little as the work needs: a name and
    a way to reach them, where they live to the postcode, and their branch."""

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, db_index=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True, db_index=True)
    postcode = models.CharField(max_length=20, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postal_address = models.TextField(blank=True, help_text="Only for print subscriptions")
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text="Follows the branch; set by hand only for people with no branch",
    )
    member_since = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["branch", "member_since"], name="person_branch_member"),
            models.Index(fields=["region", "member_since"], name="person_region_member"),
            # The inbox's lists of people, newest first: everyone's, a region's, a branch's.
            models.Index(fields=["-created_at"], name="person_newest"),
            models.Index(fields=["region", "-created_at"], name="person_region_newest"),
            models.Index(fields=["branch", "-created_at"], name="person_branch_newest"),
        ]

    def __str__(self):
        # Log entries and page titles show this; it is deliberately not the name, so that
        # nothing outside this table holds it once the person is erased.
        return f"Person {self.pk}"

    def save(self, *args, **kwargs):
        if self.branch_id:
            self.region_id = (
                Branch.objects.filter(pk=self.branch_id).values_list("region_id", flat=True).get()
            )
        super().save(*args, **kwargs)

    def clean(self):
        if not (self.email or self.phone):
            raise ValidationError("Give an email address or a phone number, or both.")

    @property
    def is_member(self):
        return self.member_since is not None


class ConsentWording(MembershipRecord):
    """One version of the words a person agreed to. Never changed: new words, new version."""

    class Purpose(models.TextChoices):
        JOIN = "join", "Joining"
        TEXT_TO_JOIN = "sms", "Joining by text message"
        SUBSCRIBE = "subscribe", "Subscribing"
        DONATE = "donate", "Donating"

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    version = models.PositiveIntegerField()
    text = models.TextField()
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="wording_version"),
            models.UniqueConstraint(fields=["purpose", "digest"], name="wording_digest"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()}, version {self.version}"

    @classmethod
    def current(cls, purpose, text):
        """The stored version of these words, made the next version if they are new."""
        text = text.strip()
        digest = hashlib.sha256(text.encode()).hexdigest()
        for _try in range(3):
            found = cls.objects.filter(purpose=purpose, digest=digest).first()
            if found:
                return found
            last = cls.objects.filter(purpose=purpose).aggregate(models.Max("version"))
            version = (last["version__max"] or 0) + 1
            try:
                with transaction.atomic():  # a savepoint: the person's transaction goes on
                    return cls.objects.create(
                        purpose=purpose, version=version, text=text, digest=digest
                    )
            except IntegrityError:
                continue  # another form stored these words, or took the number, just now
        raise IntegrityError(f"Could not store a new version of the {purpose} wording")


class Consent(MembershipRecord):
    """That a person agreed to a wording, when, and how."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    wording = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]

    def __str__(self):
        return f"Consent {self.pk}"


class JoinRequest(MembershipRecord):
    """Someone asked to join; their branch's organisers follow it up."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        MEMBER = "member", "Member"
        NOT_INTERESTED = "not-interested", "Not interested"

    class Source(models.TextChoices):
        WEB = "web", "Join form"
        SMS = "sms", "Text message"
        STAFF = "staff", "Entered by staff"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="join_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    interests = models.CharField(max_length=500, blank=True)
    message = models.TextField("their message", blank=True)
    notes = models.TextField("organisers' notes", blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_retries = models.PositiveSmallIntegerField(default=0, editable=False)
    organisers_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"Join request {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk:
            before = JoinRequest.objects.filter(pk=self.pk).values_list("status", flat=True)
            if before and before[0] != self.status:
                self.status_changed_at = timezone.now()
        super().save(*args, **kwargs)
        if self.status == self.Status.MEMBER and self.person.member_since is None:
            self.person.member_since = timezone.localdate()
            self.person.save(update_fields=["member_since", "region", "updated_at"])

    @property
    def organisers_due(self):
        """Whether the organisers should be told: once an email address is confirmed, or
        straight away when there is only a phone number."""
        person = self.person
        return not person.email or person.email_confirmed_at is not None


class Payable(MembershipRecord):
    """What a person pays for through a payment provider: found again by its reference."""

    class Frequency(models.TextChoices):
        ONCE = "once", "Once"
        MONTHLY = "monthly", "Every month"
        YEARLY = "yearly", "Every year"

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank-transfer", "Bank transfer"
        STANDING_ORDER = "standing-order", "Standing order"
        CARD = "card", "Card (Stripe)"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP", help_text=CURRENCY_HELP)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="once")
    method = models.CharField(max_length=20, choices=Method.choices, default="bank-transfer")
    provider_reference = models.CharField(
        max_length=255, blank=True, help_text="The payment provider's id for it"
    )
    payments_received = models.PositiveIntegerField(default=0)
    last_paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    reference_prefix = "P"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference(self.reference_prefix)
        super().save(*args, **kwargs)

    @property
    def is_regular(self):
        return self.frequency != self.Frequency.ONCE


class Subscription(Payable):
    """The paper, in print to a postal address or read online, from a date until renewal."""

    class Kind(models.TextChoices):
        PRINT = "print", "Print, by post"
        DIGITAL = "digital", "Digital"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="subscriptions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    start_date = models.DateField(null=True, blank=True)
    renewal_date = models.DateField(null=True, blank=True)

    objects = VisibleQuerySet.as_manager()
    reference_prefix = "S"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Subscription {self.reference}"


class Donation(Payable):
    """A gift, once or pledged regularly. Kept, without the person, if they are erased:
    the accounts need the sums, not the names."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        ACTIVE = "active", "Paying regularly"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    objects = VisibleQuerySet.as_manager()
    reference_prefix = "D"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Donation {self.reference}"


class ProviderEvent(MembershipRecord):
    """A payment provider's notification already acted on: a repeat changes nothing."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=100)
    reference = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once")
        ]

    def __str__(self):
        return f"{self.provider} {self.event_id}"


class MembershipGoal(MembershipRecord):
    """A membership drive's target: national (no region) or a region's minimum."""

    region = models.OneToOneField(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="membership_goal"
    )
    target = models.PositiveIntegerField()
    deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["region__sort_order", "region__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"],
                condition=models.Q(region__isnull=True),
                name="one_national_goal",
                violation_error_message="There is already a national goal: change that one.",
            )
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "National"
        return f"{where}: {self.target:,} members"

    def validate_constraints(self, exclude=None):
        super().validate_constraints(exclude)
        if self.region_id is None:
            others = MembershipGoal.objects.filter(region__isnull=True).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError("There is already a national goal: change that one.")


class StaffAccess(MembershipRecord):
    """Whose personal data a member of staff may see: their branch's, their region's, or
    everyone's. Staff without one see no one, whatever else they may do."""

    class Scope(models.TextChoices):
        BRANCH = "branch", "Branch secretary: their branch"
        REGION = "region", "Regional organiser: their region"
        NATIONAL = "national", "National staff: everyone"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_data_access"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices)
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "staff access to personal data"
        verbose_name_plural = "staff access to personal data"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="branch", branch__isnull=False, region__isnull=True)
                    | models.Q(scope="region", region__isnull=False, branch__isnull=True)
                    | models.Q(scope="national", region__isnull=True, branch__isnull=True)
                ),
                name="staff_access_place_fits_scope",
                violation_error_message="A branch secretary needs a branch (and no region), a "
                "regional organiser a region (and no branch), national staff neither.",
            )
        ]

    def __str__(self):
        place = self.branch or self.region or "everyone"
        return f"{self.user}: {place}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is not changed once written.")

    def delete(self):
        raise PermissionError("The audit log is not changed once written.")


class AuditEntry(MembershipRecord):
    """Who looked at, exported, changed or erased personal data, and when. Rows are only
    ever added: the model refuses changes and deletions, and the admin offers none. It
    names records by number, never by the person's details, so it survives an erasure."""

    class Action(models.TextChoices):
        LISTED = "listed", "Listed"
        VIEWED = "viewed", "Viewed"
        EXPORTED = "exported", "Exported"
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        ERASED = "erased", "Erased"

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    actor = models.CharField(max_length=150, editable=False, help_text="Username at the time")
    action = models.CharField(max_length=10, choices=Action.choices, editable=False)
    record_type = models.CharField(max_length=50, editable=False)
    record_id = models.CharField(max_length=50, blank=True, editable=False)
    count = models.PositiveIntegerField(default=1, editable=False)
    detail = models.CharField(max_length=300, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.actor} {self.action} {self.record_type} {self.record_id}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is not changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is not changed once written.")


@register_setting(icon="group")
class MembershipSettings(BaseSiteSetting):
    """What the join, subscribe and donate forms say and charge. Changing a consent wording
    makes a new version; everyone's consent keeps the words they agreed to."""

    join_intro = models.TextField(
        default="Join us: we will put you in touch with your nearest branch.", blank=True
    )
    join_consent = models.TextField(
        "join consent wording",
        default="I agree that the organisation may keep my details to contact me about "
        "membership and my local branch. Only organisers for my area will see them, and I "
        "can ask for them to be deleted at any time.",
    )
    join_interests = models.TextField(
        blank=True,
        default="Going to meetings\nSelling the paper\nWriting for the paper\n"
        "Legal and prisoner support\nYouth section",
        help_text="One per line: what someone joining can say they would like to do",
    )
    sms_consent = models.TextField(
        "text-to-join consent wording",
        default="By texting the join word you agree that the organisation may keep your "
        "name, number and postcode to contact you about membership.",
        help_text="Put this wherever the text-to-join number is advertised",
    )
    subscribe_intro = models.TextField(
        default="Get the paper every week, in print or online.", blank=True
    )
    subscribe_consent = models.TextField(
        "subscription consent wording",
        default="I agree that the paper may keep my details to send me the paper and to "
        "remind me when my subscription is due.",
    )
    print_price = models.DecimalField(
        "print subscription, a year", max_digits=8, decimal_places=2, default=52
    )
    digital_price = models.DecimalField(
        "digital subscription, a year", max_digits=8, decimal_places=2, default=26
    )
    donate_intro = models.TextField(
        default="The paper takes no money from advertisers or the state.", blank=True
    )
    donate_consent = models.TextField(
        "donation consent wording",
        default="I agree that the organisation may keep my details to record my gift.",
    )
    suggested_amounts = models.CharField(
        max_length=100, default="5, 10, 25, 50", help_text="Amounts offered, separated by commas"
    )
    currency = models.CharField(max_length=3, default="GBP", help_text=CURRENCY_HELP)
    bank_details = models.TextField(
        blank=True,
        default="Account name: Unity Workers' Party\nSort code: 00-00-00\nAccount: 00000000",
        help_text="Shown to people paying by bank transfer or standing order",
    )
    office_email = models.EmailField(
        "membership office email",
        blank=True,
        help_text="Told of join requests that no branch or regional organiser can take",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("join_intro"), FieldPanel("join_consent"), FieldPanel("join_interests")],
            heading="Joining",
        ),
        FieldPanel("sms_consent"),
        MultiFieldPanel(
            [
                FieldPanel("subscribe_intro"),
                FieldPanel("subscribe_consent"),
                FieldPanel("print_price"),
                FieldPanel("digital_price"),
            ],
            heading="Subscribing",
        ),
        MultiFieldPanel(
            [
                FieldPanel("donate_intro"),
                FieldPanel("donate_consent"),
                FieldPanel("suggested_amounts"),
            ],
            heading="Donating",
        ),
        FieldPanel("currency"),
        FieldPanel("bank_details"),
        FieldPanel("office_email"),
    ]

    class Meta:
        verbose_name = "membership settings"

    def interest_choices(self):
        return [line.strip() for line in self.join_interests.splitlines() if line.strip()]

    def amount_choices(self):
        amounts = []
        for part in self.suggested_amounts.split(","):
            try:
                amounts.append(int(part.strip()))
            except ValueError:
                continue
        return [amount for amount in amounts if amount > 0]
