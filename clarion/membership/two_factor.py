"""Two-factor login (TOTP, django-otp) for staff who can see personal data.

Every account that reaches members' personal data (`can_see_personal_data`: superusers and
staff with a StaffAccess row) must confirm each sign-in with a code from an authenticator
app before the admin opens. The first time, the admin shows a QR code to set the app up;
afterwards it asks for the app's current code. Other staff (editors) may set it up from
their account page, and once they have, their sign-ins ask for a code too.

CLARION_TWO_FACTOR=off turns the requirement off, only for trying the demo."""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks

from .access import can_see_personal_data

DEVICE_NAME = "Authenticator app"
TEMPLATES = "membership/two_factor/"


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def _with_next(url_name, next_url):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class RequireTwoFactorMiddleware:
    """Under /admin/, a signed-in account that needs two-factor login and has not confirmed
    this sign-in is sent to set up an authenticator app (when it has none) or to type its
    code, and comes back to the page it asked for. Signing in and out, the two-factor pages
    and the admin's icons and translations stay open; nothing outside the admin changes."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def paths(self):
        """(admin prefix, prefixes open before the second step), from the URL names."""
        if self._paths is None:
            open_paths = (
                reverse("clarion_two_factor_set_up"),
                reverse("clarion_two_factor_verify"),
                reverse("wagtailadmin_login"),
                reverse("wagtailadmin_logout"),
                reverse("wagtailadmin_sprite"),
                reverse("wagtailadmin_javascript_catalog"),
                reverse("wagtailadmin_password_reset"),
            )
            self._paths = (reverse("wagtailadmin_home"), open_paths)
        return self._paths

    def __call__(self, request):
        admin, open_paths = self.paths()
        path = request.path
        if (
            settings.CLARION_TWO_FACTOR
            and path.startswith(admin)
            and not path.startswith(open_paths)
            and request.user.is_authenticated
            and not request.user.is_verified()
        ):
            step = self.step_needed(request.user)
            if step:
                next_url = request.get_full_path() if request.method in ("GET", "HEAD") else ""
                return HttpResponseRedirect(_with_next(step, next_url))
        return self.get_response(request)

    @staticmethod
    def step_needed(user):
        """The page an unconfirmed sign-in must go through first, or None."""
        device = confirmed_device(user)
        if device is not None:
            return "clarion_two_factor_verify"
        if can_see_personal_data(user):
            return "clarion_two_factor_set_up"
        return None


class CodeForm(OTPAuthenticationFormMixin, forms.Form):
    """The code the app shows, checked against one device with django-otp's own checks:
    each code works once, and failures slow further tries down (1, 2, 4, 8… seconds)."""

    otp_token = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": "",
            }
        ),
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "invalid_token": gettext_lazy(
            "That code is not right. Type the 6 digits the app shows now for this site "
            "(codes change every 30 seconds)."
        ),
    }

    def __init__(self, user, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.device = user, device
        self.verified_device = None

    def clean_otp_token(self):
        code = "".join(self.cleaned_data["otp_token"].split()).replace("-", "")
        if not (code.isascii() and code.isdigit() and len(code) == self.device.digits):
            raise forms.ValidationError(
                _("Type the %(digits)d-digit code the app shows, digits only.")
                % {"digits": self.device.digits}
            )
        return code

    def clean(self):
        cleaned_data = super().clean()
        code = cleaned_data.get("otp_token")
        if not code:
            return cleaned_data
        refused = None
        # The device is locked while it is checked, so two tries at once cannot both pass.
        # A refusal is carried out of the transaction: its failure count must be kept.
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=self.device.pk)
            try:
                self.verified_device = self._verify_token(self.user, code, device)
            except forms.ValidationError as error:
                refused = error
        if refused is not None:
            raise refused
        return cleaned_data


class TwoFactorView(View):
    template_name = None

    def next_url(self):
        wanted = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if wanted and url_has_allowed_host_and_scheme(
            wanted,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return wanted
        return ""

    def signed_in(self, device, message):
        """The sign-in is confirmed with `device` for the rest of this session."""
        self.request.session.cycle_key()
        otp_login(self.request, device)
        messages.success(self.request, message)
        return redirect(self.next_url() or reverse("wagtailadmin_home"))

    def render(self, **context):
        context.setdefault("next", self.next_url())
        return TemplateResponse(self.request, self.template_name, context)


class SetUpView(TwoFactorView):
    """Shows a new app key (a QR code, and the same key as text to type) and confirms it
    with a code from the app. An account that already has an app must confirm this sign-in
    with it first; then a new app replaces the old one."""

    template_name = TEMPLATES + "set_up.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        self.current = confirmed_device(user)
        if self.current is not None and not user.is_verified():
            return redirect(_with_next("clarion_two_factor_verify", self.next_url()))
        # The same new key until it is confirmed, so reloading the page keeps the QR code
        # already scanned.
        self.device = (
            TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
        )
        if self.device is None:
            self.device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.show(CodeForm(request.user, self.device))

    def post(self, request):
        form = CodeForm(request.user, self.device, request.POST)
        if not form.is_valid():
            return self.show(form)
        with transaction.atomic():
            device = form.verified_device
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        return self.signed_in(
            device,
            _("Two-factor login is set up: from now on, signing in asks for a code from the app."),
        )

    def show(self, form):
        device = self.device
        qr = segno.make(device.config_url, error="m")
        secret = b32encode(device.bin_key).decode()
        return self.render(
            form=form,
            replacing=self.current is not None,
            qr_svg=qr.svg_inline(
                scale=5,
                border=4,
                dark="#000",
                light="#fff",
                title=_("QR code for the authenticator app"),
                svgclass="two-factor__qr",
            ),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            issuer=settings.OTP_TOTP_ISSUER,
            account=self.request.user.get_username(),
        )


class VerifyView(TwoFactorView):
    """Asks for the app's current code to confirm this sign-in."""

    template_name = TEMPLATES + "verify.html"

    def dispatch(self, request, *args, **kwargs):
        self.device = confirmed_device(request.user)
        if self.device is None:
            return redirect(_with_next("clarion_two_factor_set_up", self.next_url()))
        if request.user.is_verified():
            return redirect(self.next_url() or reverse("wagtailadmin_home"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(form=CodeForm(request.user, self.device))

    def post(self, request):
        form = CodeForm(request.user, self.device, request.POST)
        if not form.is_valid():
            return self.render(form=form)
        return self.signed_in(form.verified_device, _("Signed in with two-factor login."))


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/set-up/", SetUpView.as_view(), name="clarion_two_factor_set_up"),
        path("two-factor/verify/", VerifyView.as_view(), name="clarion_two_factor_verify"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    """On the account page: set up an app, or move to a new one."""
    has_app = confirmed_device(request.user) is not None
    return {
        "url": reverse("clarion_two_factor_set_up"),
        "label": _("Set up a new authenticator app") if has_app else _("Set up two-factor login"),
        "help_text": _(
            "Signing in asks for a code from an app on your phone, so a stolen password is "
            "not enough to get in."
        )
        if not has_app
        else _("Replaces the app you use now: for a new phone."),
    }
