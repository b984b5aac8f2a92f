"""
gunicorn's access log without secrets: the private status and unsubscribe
links carry their token in the path, and an access log is read by more
people than should hold them. Used by config/gunicorn.conf.py.
"""

import re

from gunicorn.glogging import Logger

TOKEN_IN_PATH = re.compile(r"(/counterpoints/(?:status|unsubscribe|confirm)/)[^/\s?\"]+")
REDACTED = r"\1…"


class RedactingLogger(Logger):
    @staticmethod
    def redact(atoms):
        return {
            key: TOKEN_IN_PATH.sub(REDACTED, value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }

    def atoms(self, resp, req, environ, request_time):
        return self.redact(super().atoms(resp, req, environ, request_time))
