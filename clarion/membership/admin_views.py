"""The organisers' inbox in the admin: join requests, people, subscriptions and donations,
each limited to what the signed-in member of staff may see (access.py) in every view —
the list, its filters and search, the CSV export, and each record's pages, where an id
outside their area is a 404 — and each look or export written to the audit log."""

import django_filters
from django import forms
from django.db import transaction
from django.db.models import Q
from django.forms import modelform_factory
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.coreutils import multigetattr
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from clarion.organising.models import Branch

from . import audit, payments
from .access import staff_scope
from .models import (
    AuditEntry,
    Donation,
    JoinRequest,
    MembershipGoal,
    Person,
    StaffAccess,
    Subscription,
)
from .personal_data import (
    DONATION_FIELDS,
    JOIN_REQUEST_FIELDS,
    PERSON_FIELDS,
    SUBSCRIPTION_FIELDS,
    erase_person,
    export_person,
)

Action = AuditEntry.Action
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The person's details in the exports of their records.
PERSON_EXPORT = ["person.name", "person.email", "person.phone", "person.postcode"]


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_value(item, accessor):
    """A column of the CSV export; empty where the record has no person (a donation kept
    in the accounts after its giver was erased)."""
    head, _, rest = accessor.partition(".")
    if rest and getattr(item, head, None) is None:
        return ""
    return multigetattr(item, accessor)


def visible(model, user):
    return model._default_manager.visible_to(user)


class ScopedObjectMixin:
    """Record pages find the record among those the user may see: any other id is a 404."""

    def get_object(self, queryset=None):
        return get_object_or_404(visible(self.model, self.request.user), pk=self.kwargs["pk"])

    def get_base_object_queryset(self):  # history and usage views
        return visible(self.model, self.request.user)


class ScopedIndexView(generic.IndexView):
    """The list: only visible records; CSV export only (no formulas); logged."""

    FORMATS = ("csv",)
    select_related = ()  # what the columns show of other tables, fetched with each row

    def get_base_queryset(self):
        return visible(self.model, self.request.user).select_related(*self.select_related)

    def to_row_dict(self, item):
        return {field: export_value(item, field) for field in self.list_export}

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Filters are written by name only: a search term may be someone's name.
        used = sorted(key for key, value in request.GET.items() if value and key != "export")
        detail = f"filters: {', '.join(used)}" if used else ""
        if self.is_export:
            count = self.get_queryset().count()
            audit.record(
                request.user, Action.EXPORTED, self.model._meta.verbose_name, "", count, detail
            )
        else:
            count = shown(getattr(response, "context_data", {}).get("page_obj"))
            audit.record(
                request.user, Action.LISTED, self.model._meta.verbose_name, "", count, detail
            )
        return response


def shown(page):
    """How many records a list page shows, from the counts its paginator has made: the
    list itself (`object_list`) is the whole filtered queryset, and reading it to count
    would load every record the user may see."""
    if page is None or not page.paginator.count:
        return 0
    return page.end_index() - page.start_index() + 1


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit.record(request.user, Action.VIEWED, self.model._meta.verbose_name, self.object.pk)
        return response

    def save_instance(self):
        instance = super().save_instance()
        changed = ", ".join(self.form.changed_data)
        audit.record(
            self.request.user,
            Action.CHANGED,
            self.model._meta.verbose_name,
            instance.pk,
            detail=f"fields: {changed}" if changed else "",
        )
        return instance


class ScopedCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        audit.record(self.request.user, Action.CREATED, self.model._meta.verbose_name, instance.pk)
        return instance


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    def delete_action(self):
        pk = self.object.pk
        super().delete_action()
        audit.record(self.request.user, Action.DELETED, self.model._meta.verbose_name, pk)


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    def get(self, request, *args, **kwargs):
        audit.record(request.user, Action.VIEWED, self.model._meta.verbose_name, self.object.pk)
        return super().get(request, *args, **kwargs)


class PersonFilterSet(WagtailFilterSet):
    member = django_filters.BooleanFilter(
        field_name="member_since", lookup_expr="isnull", exclude=True, label="Member"
    )
    added = django_filters.DateFromToRangeFilter(
        field_name="created_at", label="Added", widget=DateRangePickerWidget
    )

    class Meta:
        model = Person
        fields = ["member", "branch", "region", "added"]


class PersonIndexView(ScopedIndexView):
    filterset_class = PersonFilterSet


class PersonInspectView(ScopedInspectView):
    """A person's page: their details and every record of them, with the data-export and
    erasure actions."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        user = self.request.user
        context.update(
            same_contact=same_contact(person, user),
            join_requests=person.join_requests.all(),
            subscriptions=person.subscriptions.all(),
            donations=person.donations.all(),
            consents=person.consents.select_related("wording"),
            can_erase=may_erase(user),
            export_url_name="membership_people:export_data",
            erase_url_name="membership_people:erase",
        )
        return context


def may_erase(user):
    """Erasure is the one way a person is deleted: for those given 'delete' on people."""
    return user.is_active and user.has_perm("membership.delete_person")


def same_contact(person, user):
    """Others (that the user may see) with this person's email address or phone number:
    each form a person sends files a new record, and a request for their data or its
    erasure covers every one of them."""
    match = Q()
    if person.email:
        match |= Q(email__iexact=person.email)
    if person.phone:
        match |= Q(phone=person.phone)
    if not match:
        return Person.objects.none()
    return visible(Person, user).filter(match).exclude(pk=person.pk).order_by("pk")


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class PersonalDataViewSet(ModelViewSet):
    """A viewset whose every view is limited to the records the user may see."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None  # the database, on the limited queryset: never an index
    list_select_related = ("person__branch",)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(select_related=self.list_select_related, **kwargs)

    export_headings = {
        "pk": "Id",
        **{f"person.{field}": field.replace("_", " ").capitalize() for field in PERSON_FIELDS},
        "person.branch": "Branch",
    }
    form_class = None

    def get_form_class(self, for_update=False):
        if self.form_class:
            return self.form_class
        return modelform_factory(self.model, form=ScopedModelForm, fields=self.form_fields)


class ScopedModelForm(WagtailAdminModelForm):
    """Branch and region choices are those the user's area covers, so nobody files a record
    where they could no longer see it by mistake."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        scope = staff_scope(for_user)
        if "branch" in self.fields and scope:
            kind, place = scope
            if kind == "branch":
                self.fields["branch"].queryset = Branch.objects.filter(pk=place)
                self.fields["branch"].required = True
            elif kind == "region":
                self.fields["branch"].queryset = Branch.objects.filter(region_id=place)
                # A new record needs one to be in their region; an existing record of their
                # region without a branch (its branch closed) keeps its region when saved.
                self.fields["branch"].required = not self.instance.pk
        if "region" in self.fields and scope and scope[0] != "national":
            del self.fields["region"]  # follows the branch


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "email",
            "phone",
            "postcode",
            "town",
            "postal_address",
            "branch",
            "region",
            "member_since",
        ]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("email") or cleaned.get("phone")):
            raise forms.ValidationError("Give an email address or a phone number, or both.")
        return cleaned


class JoinRequestForm(ScopedModelForm):
    """Status, notes — and the branch, which is the person's: handing a request to another
    branch moves the person there."""

    branch = forms.ModelChoiceField(queryset=Branch.objects.all(), required=False)

    class Meta:
        model = JoinRequest
        fields = ["status", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["branch"].initial = self.instance.person.branch_id
        scope = staff_scope(kwargs.get("for_user"))
        if scope and scope[0] == "region":
            self.fields["branch"].queryset = Branch.objects.filter(region_id=scope[1])
        self.fields["branch"].help_text = "Choosing another branch hands the request over"

    def save(self, commit=True):
        with transaction.atomic():
            instance = super().save(commit=commit)
            person = instance.person
            branch = self.cleaned_data.get("branch")
            if branch != person.branch:
                person.branch = branch
                person.save()
        return instance


class PersonViewSet(PersonalDataViewSet):
    model = Person
    form_class = PersonForm
    list_select_related = ("branch", "region")
    icon = "user"
    menu_label = "People"
    url_prefix = "membership/people"
    name = "membership_people"
    list_display = [
        "name",
        "email",
        "phone",
        Column("branch", accessor="branch", label="Branch"),
        DateColumn("member_since", label="Member since"),
        DateColumn("created_at", label="Added"),
    ]
    search_fields = ["name", "email", "phone", "postcode", "town"]
    list_export = ["pk", *PERSON_FIELDS, "branch", "region"]
    export_filename = "people"
    index_view_class = PersonIndexView
    inspect_view_class = PersonInspectView
    inspect_template_name = "membership/admin/person_inspect.html"
    inspect_view_fields = [*PERSON_FIELDS[:-1], "branch", "region"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("export-data/<int:pk>/", self.personal_data_export, name="export_data"),
            path("erase/<int:pk>/", self.erase, name="erase"),
        ]

    def personal_data_export(self, request, pk):
        """Everything held about one person, as JSON (a subject access request)."""
        if not self.permission_policy.user_has_permission(request.user, "view"):
            raise Http404
        person = get_object_or_404(visible(Person, request.user), pk=pk)
        data = export_person(person)
        audit.record(request.user, Action.EXPORTED, "person", pk, detail="all their data")
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="person-{pk}.json"'
        return response

    def erase(self, request, pk):
        """Erasure on request: a confirmation page, then everything about them goes."""
        if not may_erase(request.user):
            raise Http404
        person = get_object_or_404(visible(Person, request.user), pk=pk)
        if request.method == "POST":
            try:
                erase_person(person, request.user)
            except payments.PaymentsNotStopped as problem:
                messages.error(request, f"{problem} Nothing was erased: try again later.")
                return redirect(self.get_url_name("inspect"), pk)
            messages.success(request, f"Person {pk} and everything about them was erased.")
            return redirect(self.get_url_name("index"))
        context = {"person": person, "summary": export_person(person)["records"]}
        return TemplateResponse(request, "membership/admin/erase_confirm.html", context)


class JoinRequestViewSet(PersonalDataViewSet):
    model = JoinRequest
    form_class = JoinRequestForm
    icon = "mail"
    menu_label = "Join requests"
    url_prefix = "membership/join-requests"
    name = "membership_join_requests"
    list_display = [
        "person__name",
        "person__branch",
        "status",
        "source",
        DateColumn("received_at", label="Received"),
        Column("email_confirmed", accessor="person.email_confirmed_at", label="Email confirmed"),
    ]
    list_filter = ["status", "source", "person__branch", "received_at"]
    search_fields = ["person__name", "person__email", "person__phone", "person__postcode"]
    list_export = ["pk", *PERSON_EXPORT, "person.branch", *JOIN_REQUEST_FIELDS]
    export_filename = "join-requests"
    inspect_view_fields = [
        "person",
        "status",
        "source",
        "interests",
        "message",
        "notes",
        "received_at",
        "status_changed_at",
        "organisers_told_at",
    ]


class PayableInspectView(ScopedInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_record_payment"] = self.permission_policy.user_has_permission(
            self.request.user, "change"
        )
        context["record_payment_url"] = reverse(
            self.index_url_name.replace(":index", ":record_payment"), args=[self.object.pk]
        )
        return context


class PayableViewSet(PersonalDataViewSet):
    """Subscriptions and donations: staff record money that came in by bank, as a
    provider's webhook does for card payments."""

    inspect_view_class = PayableInspectView
    inspect_template_name = "membership/admin/payable_inspect.html"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("record-payment/<int:pk>/", self.record_payment, name="record_payment"),
        ]

    def record_payment(self, request, pk):
        if request.method != "POST" or not self.permission_policy.user_has_permission(
            request.user, "change"
        ):
            raise Http404
        with transaction.atomic():
            payable = get_object_or_404(
                visible(self.model, request.user).select_for_update(), pk=pk
            )
            payments.record_payment(payable)
            audit.record(
                request.user,
                Action.CHANGED,
                self.model._meta.verbose_name,
                pk,
                detail="payment received",
            )
        messages.success(request, f"Payment recorded for {payable.reference}.")
        return redirect(self.get_url_name("inspect"), pk)


class SubscriptionViewSet(PayableViewSet):
    model = Subscription
    icon = "doc-full"
    url_prefix = "membership/subscriptions"
    name = "membership_subscriptions"
    form_fields = ["status", "start_date", "renewal_date", "amount", "currency", "method"]
    list_display = [
        "reference",
        Column("name", accessor="person.name", label="Name"),
        "kind",
        "status",
        DateColumn("renewal_date", label="Renewal"),
    ]
    list_filter = ["kind", "status", "renewal_date"]
    search_fields = ["reference", "person__name", "person__email"]
    list_export = [*PERSON_EXPORT, "person.postal_address", *SUBSCRIPTION_FIELDS]
    export_filename = "subscriptions"


class DonationViewSet(PayableViewSet):
    model = Donation
    icon = "pick"
    menu_label = "Donations and pledges"
    url_prefix = "membership/donations"
    name = "membership_donations"
    form_fields = ["status", "amount", "currency", "frequency", "method"]
    list_display = [
        "reference",
        Column("name", accessor="person.name", label="Name"),
        "amount",
        "currency",
        "frequency",
        "status",
        DateColumn("created_at", label="Pledged"),
    ]
    list_filter = ["frequency", "method", "status", "created_at"]
    search_fields = ["reference", "person__name", "person__email"]
    list_export = [*PERSON_EXPORT, *DONATION_FIELDS]
    export_filename = "donations"


class MembershipGoalViewSet(ModelViewSet):
    model = MembershipGoal
    icon = "pick"
    menu_label = "Drive goals"
    url_prefix = "membership/goals"
    name = "membership_goals"
    form_fields = ["region", "target", "deadline"]
    list_display = ["__str__", "deadline"]
    copy_view_enabled = False


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The audit log can be read (by those given 'view') and never written, not even by
    superusers."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


class SuperuserOnlyPolicy(ModelPermissionPolicy):
    """Granting access to personal data is for administrators alone."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return user.is_active and user.is_superuser


class RefusingPolicy(ModelPermissionPolicy):
    """The model's permissions, less some actions that no one takes in the admin."""

    def __init__(self, model, refused):
        super().__init__(model)
        self.refused = set(refused)

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        allowed = [action for action in actions if action not in self.refused]
        return super().user_has_any_permission(user, allowed)


# Join requests, subscriptions and donations come from the public forms, each with its
# person and their consent: the admin changes them but does not add them. A person goes
# only by erasure (which stops their card payments first), never by a plain delete, and
# subscriptions and donations are cancelled, not deleted: the accounts keep them.
register_permission_policy(Person, RefusingPolicy(Person, ["delete"]))
register_permission_policy(JoinRequest, RefusingPolicy(JoinRequest, ["add"]))
for model in (Subscription, Donation):
    register_permission_policy(model, RefusingPolicy(model, ["add", "delete"]))
register_permission_policy(AuditEntry, ReadOnlyPolicy(AuditEntry))
register_permission_policy(StaffAccess, SuperuserOnlyPolicy(StaffAccess))


class AuditLogViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = "Audit log"
    url_prefix = "membership/audit-log"
    name = "membership_audit_log"
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = []
    list_display = ["at", "actor", "action", "record_type", "record_id", "count", "detail"]
    list_filter = ["action", "record_type", "at"]
    search_fields = ["actor", "record_type", "record_id"]
    search_backend_name = None
    list_export = ["at", "actor", "action", "record_type", "record_id", "count", "detail"]
    export_filename = "audit-log"


class StaffAccessViewSet(ModelViewSet):
    model = StaffAccess
    icon = "lock"
    menu_label = "Staff access"
    url_prefix = "membership/staff-access"
    name = "membership_staff_access"
    form_fields = ["user", "scope", "branch", "region"]
    list_display = ["user", "scope", "branch", "region"]
    copy_view_enabled = False


class MembershipGroup(ModelViewSetGroup):
    menu_label = "Membership"
    menu_icon = "group"
    menu_order = 250
    items = (
        JoinRequestViewSet,
        PersonViewSet,
        SubscriptionViewSet,
        DonationViewSet,
        MembershipGoalViewSet,
        AuditLogViewSet,
        StaffAccessViewSet,
    )
