"""
gunicorn settings for `make serve` and production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.
Each limit is chosen, not inherited; the README's "Security model" explains them.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# No request of ours needs more than a second or two of CPU (readers' bodies
# are capped before parsing, Markdown is linear); a worker stuck for 20 s is
# killed and replaced rather than held.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "20"))
graceful_timeout = 20
keepalive = 5
# The request line: a path and a query string (search queries are cut at
# 200 characters); header count and size well within any browser's.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = "-"
logger_class = "core.gunicorn.RedactingLogger"
