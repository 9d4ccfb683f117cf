"""The portal's formats (Django date-format syntax), shared by every language."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = r"j M Y, H:i (\U\T\CO)"  # (UTC+0700): unambiguous, unlike CST
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
FIRST_DAY_OF_WEEK = 1  # Monday (ISO 8601)
