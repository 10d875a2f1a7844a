import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import translation

from conference import dates

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def test_deadline_text_at_midnight_is_the_end_of_the_day_before():
    with translation.override("en"):
        assert [
            dates.deadline_text(datetime.datetime(2027, 2, 10, 0, 0, tzinfo=HANOI)),
            dates.deadline_text(datetime.datetime(2027, 2, 9, 17, 0, tzinfo=HANOI)),
            # Midnight in UTC is 07:00 in Vietnam: not the end of a day.
            dates.deadline_text(datetime.datetime(2027, 2, 10, 0, 0, tzinfo=datetime.UTC)),
        ] == ["the end of 09/02/2027", "09/02/2027 at 17:00", "10/02/2027 at 07:00"]


def test_dates_are_day_month_year_in_both_languages_and_local_time():
    moment = datetime.datetime(2024, 5, 17, 1, 42, tzinfo=datetime.UTC)  # 08:42 in Hà Nội
    for language in ("vi", "en"):
        with translation.override(language):
            assert [
                dates.short_date(datetime.date(2024, 5, 17)),
                dates.short_date(moment),
                dates.short_datetime(moment),
                dates.time_then_date(moment),
                dates.date_range(datetime.date(2024, 10, 16), datetime.date(2024, 10, 17)),
                dates.date_range(datetime.date(2024, 10, 16), None),
            ] == [
                "17/05/2024",
                "17/05/2024",
                "17/05/2024 08:42",
                "08:42 17/05/2024",
                "16/10–17/10/2024",
                "16/10/2024",
            ]
    with translation.override("vi"):
        assert dates.date_at_time(moment) == "08:42 ngày 17/05/2024"


def test_date_filters_show_nothing_for_a_missing_value():
    template = Template(
        "{% load site_tags %}[{{ d|short_date }}|{{ m|short_datetime }}|{{ m|time_of_day }}"
        "|{{ none|short_date }}|{{ none|short_datetime }}|{{ none|deadline }}]"
    )
    moment = datetime.datetime(2024, 5, 17, 1, 42, tzinfo=datetime.UTC)
    context = Context({"d": datetime.date(2024, 5, 17), "m": moment, "none": None})
    assert template.render(context) == "[17/05/2024|17/05/2024 08:42|08:42|||]"
