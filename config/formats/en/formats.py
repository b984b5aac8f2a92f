# One human form for every date a reader sees in English, "14 Sep 2025"
# (issue 15: the meta line said "28 Jan 2025" and the banner "2025-09-14").
# Other languages use Django's own DATE_FORMAT ("14. September 2025").
DATE_FORMAT = "j M Y"
