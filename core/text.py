"""
Reader text made safe to show and compare: no characters that reverse or
hide what it says, names on one line.

- Bidi embedding, override and isolate controls (U+202A–202E, U+2066–2069)
  can make text read backwards ("gpj.exe" for "exe.jpg"): refused, with a
  message, rather than silently changed.
- Invisible characters with no job in reader text (zero-width space, word
  joiner, byte-order mark, soft hyphen, C0/C1 controls): removed.
- Zero-width joiners and non-joiners are kept in bodies (emoji sequences and
  scripts such as Persian need them) but not in names, where they could
  split a word to impersonate someone, unless they sit between two letters
  of a script that uses them.
"""

import re
import unicodedata

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
INVISIBLE = re.compile("[\u00ad\u180e\u200b\u2060-\u2064\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c]")
JOINERS = re.compile("[\u200c\u200d]")
# A joiner inside a name survives only between two non-ASCII letters.
STRAY_JOINER = re.compile("(?<![^\\W\\d_\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\\W\\d_\x00-\x7f])")


def has_bidi_controls(text):
    return bool(BIDI_CONTROLS.search(text or ""))


def strip_invisible(text):
    """Reader text without the characters that have no job in it (see above)."""
    return INVISIBLE.sub("", text or "")


def clean_name(name):
    """A name as shown: compatibility forms folded (NFKC), no invisible characters, one line."""
    name = unicodedata.normalize("NFKC", strip_invisible(name))
    name = STRAY_JOINER.sub("", DIRECTION_MARKS.sub("", name))
    return " ".join(name.split())


def comparable(text):
    """
    The form in which two texts count as the same: compatibility forms folded,
    case ignored, invisible characters and spacing differences dropped.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = JOINERS.sub("", DIRECTION_MARKS.sub("", BIDI_CONTROLS.sub("", strip_invisible(text))))
    return " ".join(text.casefold().split())
