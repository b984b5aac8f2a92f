# One human form for every date a reader sees in English, "14 Sep 2025"
# (issue 15: the meta line said "28 Jan 2025" and the banner "2025-09-14"),
# and with the time "14 Sep 2025, 09:00". Other languages use Django's own
# formats ("14. September 2025", "14. September 2025, 09:00").
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
# blog_tags.percent: "63%".
PERCENT_FORMAT = "{}%"
