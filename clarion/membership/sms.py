"""Text-to-join: the SMS gateway's inbound webhook.

A reader texts the join word, their name and their postcode or town ("JOIN Ann Smith XD1
2AB", "join ann smith, Northtown") to the advertised number; the gateway posts it here,
form-encoded, with `From` and `Body` (the shape Twilio and most gateways share). It becomes
the same join request as the web form's: a Person, a JoinRequest (source: text message) and
their consent to the text-to-join wording, for the nearest branch, whose organisers are told
by email at once (there is no email address to confirm). The reply is TwiML, which the
gateway sends back as a text.

When CLARION_SMS_WEBHOOK_SECRET is set, every request must carry the gateway's signature
(`X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the secret, of the full URL followed
by each posted name and value, sorted by name); anything else is refused, with nothing
stored. Without a secret, production settings turn the webhook off (404) and development
takes unsigned texts. Texts are limited per sender number, and, when requests are not signed, per
address: a signed request's address is the gateway's, shared by every sender."""

import base64
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clarion.core import ratelimit
from clarion.core.models import PaperSettings
from clarion.organising.gazetteer import looks_like_postcode
from clarion.organising.locator import Located, locate
from clarion.organising.models import place_key

from .joining import file_join_request, nearest_branch
from .models import ConsentWording, JoinRequest, MembershipSettings, Person
from .public_forms import RATE_WINDOW, plain_text

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
DEFAULT_KEYWORD = "JOIN"
BODY_MAX = 1600  # characters: the longest message gateways deliver
REQUEST_MAX_BYTES = 64 * 1024  # 1,600 emoji, percent-encoded, and the gateway's other fields
PHONE = re.compile(r"\+?[0-9]{3,20}")
PHONE_SEPARATORS = re.compile(r"[\s().-]")
PLACE_WORDS_MAX = 5  # "Ashby de la Zouch", "Newcastle upon Tyne"
POSTCODE_WORDS_MAX = 2  # "XD1 2AB", "1012 AB"
EDGE_PUNCTUATION = ",;:.!?-"
REPEAT_WINDOW = timedelta(days=1)
LOCK_SECONDS = 30
NAME_MAX = Person._meta.get_field("name").max_length
TOWN_MAX = Person._meta.get_field("town").max_length
POSTCODE_MAX = Person._meta.get_field("postcode").max_length
FIRST_NAME_MAX = 40  # of the name, in the reply

TOO_MANY = (
    "Sorry, we have had too many messages from your number in the last hour. Please try "
    "again later."
)
TOO_MANY_HERE = "Sorry, we have had too many messages just now. Please try again later."
ALREADY = (
    "Thanks, we already have your request to join from this number: someone will be in touch soon."
)


# -- The webhook ------------------------------------------------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["POST"])
def text_to_join(request):
    """The gateway's POST for one incoming text; the reply is TwiML. Never stores anything
    for a request refused (bad signature, too large, too many), and never fails on a text's
    content: whatever was typed gets a reply."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > REQUEST_MAX_BYTES:
        return twiml(None, status=413)
    try:
        posted = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return twiml(None, status=413)

    secret = settings.CLARION_SMS_WEBHOOK_SECRET
    if not secret and not settings.CLARION_SMS_ACCEPT_UNSIGNED:
        logger.warning("Text-to-join is off: CLARION_SMS_WEBHOOK_SECRET is not set")
        return HttpResponse(
            "Text-to-join is off: set CLARION_SMS_WEBHOOK_SECRET to the gateway's auth token.",
            status=404,
            content_type="text/plain",
        )
    if secret and not signature_valid(request, secret):
        logger.warning("Text-to-join: a request without a valid signature was refused")
        return HttpResponse(
            "Signature missing or not valid.", status=403, content_type="text/plain"
        )

    phone = phone_number(posted.get("From", ""))
    if not phone:
        return twiml(None, status=400)  # no one to reply to, or store

    if not ratelimit.attempt("sms-from", phone, settings.CLARION_FORM_RATE_LIMIT, RATE_WINDOW):
        return twiml(TOO_MANY)
    if not secret:
        address = ratelimit.client_address(request)
        if not ratelimit.attempt(
            "sms-address", address, settings.CLARION_FORM_RATE_LIMIT, RATE_WINDOW
        ):
            return twiml(TOO_MANY_HERE)

    keyword = join_keyword(request)
    body = plain_text(posted.get("Body", ""))
    if len(body) > BODY_MAX:
        return twiml(
            f"Sorry, that message was too long. To join, text {keyword} your name and postcode."
        )
    rest = after_keyword(body, keyword)
    if rest is None:
        return twiml(f"Thanks for your text. To join us, text {keyword} your name and postcode.")

    lock = f"sms-join:{hashlib.sha256(phone.encode()).hexdigest()}"
    if not cache.add(lock, 1, LOCK_SECONDS):
        return twiml(ALREADY)  # the same text, sent twice at once: one is being stored
    try:
        if recently_joined(phone):
            return twiml(ALREADY)
        joiner = read_joiner(rest)
        if not joiner.name:
            return twiml(f"To join, please text {keyword} your name and postcode.")
        join_request = store(request, phone, joiner)
    finally:
        cache.delete(lock)
    return twiml(thanks(joiner.name, join_request.person.branch))


def store(request, phone, joiner):
    """The join request, as the web form makes it: one transaction, organisers told once it
    is committed."""
    located = joiner.located
    person_fields = {
        "name": joiner.name,
        "phone": phone,
        "postcode": joiner.postcode,
        "town": located.place.name[:TOWN_MAX] if located.place else joiner.town,
        "branch": nearest_branch(located.point, located.postcode),
    }
    options = MembershipSettings.for_request(request)
    consent = (ConsentWording.Purpose.TEXT_TO_JOIN, options.sms_consent)
    return file_join_request(request, person_fields, JoinRequest.Source.SMS, consent)


def recently_joined(phone):
    since = timezone.now() - REPEAT_WINDOW
    return JoinRequest.objects.filter(
        source=JoinRequest.Source.SMS, person__phone=phone, received_at__gte=since
    ).exists()


def thanks(name, branch):
    first = name.split()[0][:FIRST_NAME_MAX]
    if branch is None:
        return (
            f"Thanks {first}, we have your request to join. We could not tell which branch is "
            "nearest to you, so someone from our national office will be in touch."
        )
    where = branch.name if branch.name.casefold().endswith("branch") else f"{branch.name} branch"
    return f"Thanks {first}, the {where} will be in touch."


# -- The request ------------------------------------------------------------------------------


def signature_valid(request, secret):
    """Whether the request carries the gateway's signature of its URL and posted fields
    (Twilio's scheme, which most gateways share). The URL is tried as given, with its
    port and without, as Twilio's own validator does: proxies differ in which they pass."""
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not given:
        return False
    given = given.strip().encode("utf-8", "replace")
    fields = request.POST
    signed = "".join(
        name + value for name in sorted(fields) for value in sorted(set(fields.getlist(name)))
    )
    key = secret.encode()
    for url in url_variants(request.build_absolute_uri()):
        digest = hmac.new(key, (url + signed).encode(), hashlib.sha1).digest()
        if hmac.compare_digest(base64.b64encode(digest), given):
            return True
    return False


def url_variants(url):
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return [url]
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = port or (443 if parts.scheme == "https" else 80)
    return list(
        dict.fromkeys(
            [
                url,
                parts._replace(netloc=host).geturl(),
                parts._replace(netloc=f"{host}:{port}").geturl(),
            ]
        )
    )


def phone_number(text):
    """The sender's number, without spaces or punctuation ('+44 7700 900123' →
    '+447700900123'); '' for anything else (a name as sender, nothing at all)."""
    text = text.strip()
    if len(text) > Person._meta.get_field("phone").max_length:
        return ""
    number = PHONE_SEPARATORS.sub("", text)
    return number if PHONE.fullmatch(number) else ""


def join_keyword(request):
    keyword = PaperSettings.for_request(request).text_to_join_keyword
    return " ".join(keyword.split()) or DEFAULT_KEYWORD


def after_keyword(body, keyword):
    """What follows the join word at the start of the text, in any case ('join: Ann …'),
    or None when the text does not start with it."""
    words = body.split()
    wanted = keyword.casefold().split()
    start = [word.casefold() for word in words[: len(wanted)]]
    if start:
        start[-1] = start[-1].rstrip(EDGE_PUNCTUATION)
    if start != wanted:
        return None
    return " ".join(words[len(wanted) :]).lstrip(EDGE_PUNCTUATION + " ")


# -- Reading the name and the place -----------------------------------------------------------


@dataclass
class Joiner:
    name: str
    located: Located  # Located() when the place was not found, or is ambiguous
    postcode: str = ""  # as typed, when the place was found by it
    town: str = ""  # as typed, when the place was not found


def read_joiner(rest):
    """The name and the place from what followed the join word. The place is the longest
    tail of words that the locator finds: a postcode first, else a town's whole name; the
    name is what comes before it. A place not found is what follows the first comma, else
    a tail that looks like a postcode; else there is only a name."""
    words = [word.strip(EDGE_PUNCTUATION) for word in rest.replace(",", " ").split()]
    words = [word for word in words if word]
    found = find_postcode(words) or find_town(words)
    if found:
        count, located, postcode, town = found
        name_words = words[:-count]
        if located.place:  # 'Ann Smith Northtown XD1 2AB': the town is not part of the name
            name_words = without_tail(name_words, located.place.name)
        return Joiner(name_of(name_words), located, postcode, town)
    if "," in rest:
        before, _, after = rest.partition(",")
        return Joiner(name_of(before.split()), Located(), town=place_text(after.split()))
    count = postcode_like_tail(words)
    return Joiner(
        name_of(words[: len(words) - count]),
        Located(),
        town=place_text(words[len(words) - count :]),
    )


def find_postcode(words):
    """(words used, Located, postcode as typed, '') for the longest postcode at the end."""
    for count in range(min(POSTCODE_WORDS_MAX, len(words)), 0, -1):
        tail = words[-count:]
        if not looks_like_postcode(tail[0]):  # 'XD1 2AB', '1012 AB', never 'Smith M5'
            continue
        located = locate(" ".join(tail))
        if located.point and located.postcode:
            return count, located, " ".join(tail).upper()[:POSTCODE_MAX], ""
    return None


def find_town(words):
    """(words used, Located, '', name as typed) for the longest town's name at the end: its
    whole name, not a start of it ('Smith' is not 'Smithfield'). A name several places
    share gives no point: the national office finds the branch."""
    for count in range(min(PLACE_WORDS_MAX, len(words)), 0, -1):
        text = " ".join(words[-count:])
        if looks_like_postcode(text):
            continue
        key = place_key(text)
        located = locate(text)
        if located.place and place_key(located.place.name) == key:
            return count, located, "", ""
        if any(place_key(place.name) == key for place in located.choices):
            return count, Located(), "", text[:TOWN_MAX]
    return None


def without_tail(words, place_name):
    """`words` without the place's name at their end."""
    count = len(place_name.split())
    if (
        count
        and len(words) >= count
        and place_key(" ".join(words[-count:])) == place_key(place_name)
    ):
        return words[:-count]
    return words


def postcode_like_tail(words):
    """How many words at the end look like a postcode (one the gazetteer does not know):
    0, 1 ('ZZ99') or 2 ('ZZ99 9ZZ')."""
    if not words or not looks_like_postcode(words[-1]):
        return 0
    if len(words) > 1 and looks_like_postcode(words[-2]) and len(words[-2]) <= 4:
        return 2
    return 1


def name_of(words):
    return " ".join(words)[:NAME_MAX].strip()


def place_text(words):
    return " ".join(words)[:TOWN_MAX].strip()


# -- The reply --------------------------------------------------------------------------------


def twiml(message, status=200):
    """A TwiML reply: the gateway texts `message` back (nothing, when None)."""
    inner = f"<Message>{escape(message)}</Message>" if message else ""
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
