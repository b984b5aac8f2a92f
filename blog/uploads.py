"""
Kept only because migration 0002 names ``blog.uploads.validate_image_upload``.

Image checks live in blog/images.py, the forms in blog/forms.py and the
editor's upload view in blog/admin_views.py.
"""

from .images import validate_image_upload

__all__ = ["validate_image_upload"]
