"""
Sent after moderation changes what readers may see on some posts, once the
change commits (services.refresh_after_moderation). The page cache and search
do not listen here (``core.freshness`` refreshes them once per transaction);
the signal is for anything else that wants to hear about it.

counterpoints_changed(sender=Counterpoint, post_ids=set[int])
"""

from django.dispatch import Signal

counterpoints_changed = Signal()
