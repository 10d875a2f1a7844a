"""English formats for this site: the same day/month/year order and 24-hour clock as the
Vietnamese pages (a reader switching languages sees the same dates), English separators."""

DATE_FORMAT = "j F Y"  # '17 May 2024'
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # '17/05/2024'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # '17/05/2024'
    "%d/%m/%y",  # '17/05/24'
    "%d-%m-%Y",  # '17-05-2024'
    "%d.%m.%Y",  # '17.05.2024'
    "%Y-%m-%d",  # '2024-05-17' (what <input type=date> sends)
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
