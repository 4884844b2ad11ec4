"""Repeating events (RFC 5545 RRULE with exception dates), expanded in the event's own time
zone: a fortnightly 7.30pm meeting stays at 7.30pm local time across a clock change."""

import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

# A runaway rule (FREQ=MINUTELY with no end) must not fill the database.
MAX_OCCURRENCES = 2000

RULE_PREFIX = "RRULE:"


class RecurrenceError(ValueError):
    """A rule or exception date an editor typed that cannot be used; the message says why."""


def clean_rule(text, zone):
    """The rule as it will be stored and published: without an `RRULE:` prefix, upper case,
    and with any `UNTIL` written in UTC, as RFC 5545 requires when the start has a time zone.
    Editors may write `UNTIL=20271231`; it means the end of that day in the event's zone."""
    text = (text or "").strip()
    if text.upper().startswith(RULE_PREFIX):
        text = text[len(RULE_PREFIX) :]
    if not text:
        return ""
    parts = []
    for part in text.replace("\n", "").split(";"):
        name, sep, value = part.strip().partition("=")
        if not sep or not name or not value:
            raise RecurrenceError(f"“{part.strip()}” is not NAME=VALUE, e.g. FREQ=WEEKLY.")
        name, value = name.strip().upper(), value.strip().upper()
        if name == "UNTIL":
            value = _utc_until(value, zone)
        parts.append(f"{name}={value}")
    rule = ";".join(parts)
    if not any(p.startswith("FREQ=") for p in parts):
        raise RecurrenceError("A repeat rule needs FREQ, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU.")
    try:
        rrulestr(rule, dtstart=datetime.datetime(2000, 1, 1, tzinfo=ZoneInfo(zone)))
    except (ValueError, TypeError) as problem:
        raise RecurrenceError(f"The repeat rule cannot be read: {problem}.") from None
    return rule


def _utc_until(value, zone):
    if value.endswith("Z"):
        return value
    formats = {8: "%Y%m%d", 15: "%Y%m%dT%H%M%S"}
    try:
        local = datetime.datetime.strptime(value, formats[len(value)])
    except (KeyError, ValueError):
        raise RecurrenceError(f"UNTIL={value} is not a date like 20271231.") from None
    if len(value) == 8:
        local = local.replace(hour=23, minute=59, second=59)
    utc = local.replace(tzinfo=ZoneInfo(zone)).astimezone(datetime.UTC)
    return utc.strftime("%Y%m%dT%H%M%SZ")


def parse_exceptions(text):
    """Exception dates, one per line (or separated by commas), as `YYYY-MM-DD`."""
    dates = []
    for item in (text or "").replace(",", "\n").split():
        try:
            dates.append(datetime.date.fromisoformat(item))
        except ValueError:
            raise RecurrenceError(f"“{item}” is not a date like 2026-12-24.") from None
    return sorted(set(dates))


def local_starts(start, rule, exceptions, until):
    """The local (zone-aware) start of every occurrence up to the date `until`: `start` alone
    when there is no rule. `start` carries its zone; dateutil keeps each occurrence's wall
    time and the zone gives each its own offset, so summer and winter meetings both start at
    the same time on the clock."""
    if not rule:
        return [start]
    skipped = set(exceptions)
    starts = []
    for moment in rrulestr(rule, dtstart=start):
        if moment.date() > until or len(starts) >= MAX_OCCURRENCES:
            break
        if moment.date() not in skipped:
            starts.append(moment)
    return starts


WEEKDAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday"}
WEEKDAYS |= {"FR": "Friday", "SA": "Saturday", "SU": "Sunday"}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def describe(rule):
    """A reader's wording of the common rules ("every second week on Tuesday", "on the first
    Thursday of every month"); the rule itself for anything else."""
    if not rule:
        return ""
    fields = dict(part.split("=", 1) for part in rule.split(";"))
    unit = UNITS.get(fields.get("FREQ", ""))
    interval = int(fields.get("INTERVAL", "1") or 1)
    if unit is None or set(fields) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT", "WKST"}:
        return rule
    every = f"every {unit}" if interval == 1 else f"every {ORDINALS.get(interval, interval)} {unit}"
    if interval > 4:
        every = f"every {interval} {unit}s"
    days = [d for d in fields.get("BYDAY", "").split(",") if d]
    if not days:
        return every.capitalize()
    if unit == "month" and len(days) == 1 and days[0][:-2].lstrip("+-").isdigit():
        number, day = int(days[0][:-2]), days[0][-2:]
        if number in ORDINALS and day in WEEKDAYS:
            return f"The {ORDINALS[number]} {WEEKDAYS[day]} of {every}"
        return rule
    if any(d not in WEEKDAYS for d in days):
        return rule
    names = [WEEKDAYS[d] for d in days]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{every.capitalize()} on {listed}"
