"""The reader's counterpoint form, with its honeypot and signed timestamp."""

import re
import time

from django import forms
from django.conf import settings
from django.core.validators import URLValidator

from blog.markup import render_counterpoint_markdown
from claims.models import Claim

from . import antispam
from .antispam import TokenState
from .models import Counterpoint

STANCE_CHOICES = [
    ("", "Choose one…"),
    (Counterpoint.Stance.PUSH_BACK, "Push back: I think this is wrong"),
    (Counterpoint.Stance.EXTEND, "Extend: this goes further"),
    (Counterpoint.Stance.SHARPEN, "Sharpen: this needs to be more precise"),
]

_URL_IN_TEXT = re.compile(r"(?i)\b(?:https?://|www\.)")
_LINK_IN_HTML = re.compile(r"(?i)<a\s")

TOO_FAST = "That was quicker than anyone can write. Please take a moment, then send your counterpoint again."
FORGED = "This form could not be verified. Please send your counterpoint again from this page."
EXPIRED = (
    "This form had been open for a long time, so it needs a fresh start. "
    "Your text is kept below: please check it and send it again."
)
HONEYPOT = "This submission looks automated, so it was not accepted."


def count_links(body, body_html):
    """Links as a reader would see them: Markdown links, autolinks and bare URLs."""
    return max(len(_URL_IN_TEXT.findall(body)), len(_LINK_IN_HTML.findall(body_html)))


class WebAddressField(forms.URLField):
    """A web page: http or https only (no ftp:, no javascript:)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class CounterpointForm(forms.ModelForm):
    stance = forms.ChoiceField(
        label="Stance",
        choices=STANCE_CHOICES,
        error_messages={"required": "Choose whether you push back, extend or sharpen."},
    )
    author_website = WebAddressField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address starting with https://."},
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    )
    # The honeypot: hidden from people by CSS, irresistible to form-filling bots.
    subject = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    issued = forms.CharField(widget=forms.HiddenInput, required=False)
    # Which of the post's claims the reader answers, and their own probability
    # for it: stored by claims.services.record_forecast, not on Counterpoint.
    claim = forms.ModelChoiceField(
        label="The claim you answer (optional)",
        queryset=Claim.objects.none(),
        required=False,
        to_field_name="key",
        empty_label="The post as a whole",
    )
    probability = forms.IntegerField(
        label="Your probability that it holds, in % (optional)",
        min_value=1,
        max_value=99,
        required=False,
        help_text="From 1 to 99. Scored against the author's when the claim is judged.",
    )

    class Meta:
        model = Counterpoint
        fields = ["stance", "author_name", "author_email", "author_website", "quote", "body"]
        labels = {
            "author_name": "Name",
            "author_email": "E-mail (optional, never shown)",
            "quote": "Quoted passage (optional)",
            "body": "Counterpoint",
        }
        help_texts = {
            "author_name": "Shown with your counterpoint.",
            "author_email": "Only for the author to reach you.",
            "author_website": "",
            "quote": "Paste the sentence of the post you are answering.",
        }
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            # No maxlength on the textareas: browsers cut pasted text silently.
            # Too long is an error that keeps the text instead.
            "quote": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 10}),
        }
        error_messages = {
            "author_name": {"required": "Give a name to show with your counterpoint."},
            "author_email": {"invalid": "This does not look like an e-mail address."},
            "body": {"required": "Write your counterpoint."},
        }

    def __init__(self, *args, post, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.post = post
        self.token_state = None
        self.fields["claim"].queryset = Claim.objects.filter(post=post, withdrawn=False).order_by("order")
        self.fields["body"].help_text = (
            "Markdown: *emphasis*, **strong**, [links](https://…), lists and > quotes. "
            f"No images or headings; at most {settings.COUNTERPOINT_MAX_LINKS} links."
        )
        if not self.is_bound:
            self.initial["issued"] = antispam.issue_token(post)

    def clean_body(self):
        body = self.cleaned_data["body"]
        links = count_links(body, render_counterpoint_markdown(body))
        limit = settings.COUNTERPOINT_MAX_LINKS
        if links > limit:
            raise forms.ValidationError(
                f"Please keep to at most {limit} link{'s' if limit != 1 else ''} (this has {links}).",
                code="too_many_links",
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("probability") is not None and not cleaned.get("claim"):
            self.add_error("probability", "Choose the claim your probability is for.")
        if cleaned.get("subject"):
            raise forms.ValidationError(HONEYPOT, code="honeypot")
        self.token_state = antispam.check_token(self.data.get("issued"), self.post)
        messages = {
            TokenState.TOO_FAST: TOO_FAST,
            TokenState.FORGED: FORGED,
            TokenState.EXPIRED: EXPIRED,
        }
        if self.token_state in messages:
            raise forms.ValidationError(messages[self.token_state], code=self.token_state)
        return cleaned

    def refresh_token(self):
        """
        Give a re-shown form a new token. A reader whose form expired, or who
        is fixing a mistake, has already spent the time: the new token counts
        from the original minimum, so sending it straight away is accepted.
        """
        issued_at = time.time()
        if self.token_state in {TokenState.OK, TokenState.EXPIRED}:
            issued_at -= settings.COUNTERPOINT_MIN_SECONDS
        self.data = self.data.copy()
        self.data["issued"] = antispam.issue_token(self.post, issued_at=issued_at)

    def submission(self):
        """The reader's fields, as the service takes them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}
