# German sets the percent sign apart by a (no-break) space: "63 %" (DIN 5008).
PERCENT_FORMAT = "{}\u00a0%"
