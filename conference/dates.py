"""Dates and times as the site writes them, in every language: 17/05/2024, 08:42, deadlines.

A leaf module (no models): pages, emails, badges, exports and the admin call these instead of
writing a format themselves; templates use the filters of ``conference.templatetags.site_tags``
(``short_date``, ``short_datetime``, ``deadline``). Times are local (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

# Day/month/year in both languages: the site is Vietnamese and so are its dates.
SHORT_DATE = "d/m/Y"
DAY_MONTH = "d/m"
TIME = "H:i"


def local(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` in the site's time zone."""
    return timezone.localtime(moment)


# SHORT_DATE and TIME are numbers in every language, so they are written directly (what
# ``date_format`` gives for them, without its per-call format lookup: lists write one per row).


def _day_month_year(value: datetime.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _hour_minute(value: datetime.datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def short_date(value: datetime.date | datetime.datetime) -> str:
    """ "17/05/2024" (a datetime's local date)."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return _day_month_year(value)


def time_of_day(moment: datetime.datetime) -> str:
    """ "08:42", local time."""
    return _hour_minute(local(moment))


def short_datetime(moment: datetime.datetime) -> str:
    """ "17/05/2024 08:42", local time."""
    return written_datetime(local(moment))


def written_datetime(moment: datetime.datetime) -> str:
    """ "17/05/2024 08:42" of a moment already in the wanted time zone (a list converts its
    rows' moments with one zone object instead of looking it up per row)."""
    return f"{_day_month_year(moment)} {_hour_minute(moment)}"


def time_then_date(moment: datetime.datetime) -> str:
    """ "08:42 17/05/2024", local time: when something happened today matters by its hour."""
    return f"{time_of_day(moment)} {short_date(moment)}"


def date_at_time(moment: datetime.datetime) -> str:
    """ "17/05/2024 at 08:42" ("17/05/2024 lúc 08:42"), local time."""
    return gettext("%(date)s at %(time)s") % {
        "date": short_date(moment),
        "time": time_of_day(moment),
    }


def date_range(first: datetime.date, last: datetime.date | None) -> str:
    """ "16/10–17/10/2024" for two days, "17/05/2024" for one."""
    if last and last != first:
        return f"{date_format(first, DAY_MONTH)}–{short_date(last)}"
    return short_date(first)


def deadline_text(moment: datetime.datetime) -> str:
    """A deadline as people read it after "until": a deadline at midnight local time is the end
    of the day before ("the end of 09/02/2027", not "10/02/2027 00:00", which reads as the
    10th); any other time is shown with its date ("09/02/2027 at 17:00")."""
    moment = local(moment)
    if moment.time() == datetime.time.min:
        return gettext("the end of %(date)s") % {
            "date": short_date(moment.date() - datetime.timedelta(days=1))
        }
    return date_at_time(moment)
