"""The reader's counterpoint form, with its honeypot and signed timestamp."""

import re
import time

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from claims.models import Claim
from core import text
from core.markup import render_counterpoint_markdown

from . import antispam
from .antispam import TokenState
from .models import BODY_MAX_LENGTH, BODY_MIN_LENGTH, QUOTE_MAX_LENGTH, Counterpoint

STANCE_CHOICES = [
    ("", _("Choose one…")),
    (Counterpoint.Stance.PUSH_BACK, _("Push back: I think this is wrong")),
    (Counterpoint.Stance.EXTEND, _("Extend: this goes further")),
    (Counterpoint.Stance.SHARPEN, _("Sharpen: this needs to be more precise")),
]

_URL_IN_TEXT = re.compile(r"(?i)\b(?:https?://|www\.)")
_LINK_IN_HTML = re.compile(r"(?i)<a\s")

TOO_FAST = _(
    "That was quicker than anyone can write. Please take a moment, then send your counterpoint again."
)
FORGED = _("This form could not be verified. Please send your counterpoint again from this page.")
EXPIRED = _(
    "This form had been open for a long time, so it needs a fresh start. "
    "Your text is kept below: please check it and send it again."
)
HONEYPOT = _("This submission looks automated, so it was not accepted.")
BIDI = _(
    "This contains invisible characters that reverse the direction of text, which can disguise "
    "what it says. Please remove them (retyping the affected words is the easiest way)."
)
ONE_LINE = _("Please give your name on one line.")
SITES_NAME = _("Please use your own name: this one is the site’s.")
TOO_LONG = _("Please keep this to at most %(limit_value)d characters (it has %(show_value)d).")
TOO_SHORT = _("Please write at least %(limit_value)d characters (this has %(show_value)d).")


RECORD_NEEDS_EMAIL = _(
    "The readers’ record needs your e-mail address: it is how you say yes, through the link we send."
)


def _not_the_sites_name(name):
    site = "".join(text.comparable(settings.SITE_NAME).split())
    if name and site and site in "".join(text.comparable(name).split()):
        raise forms.ValidationError(SITES_NAME, code="sites_name")
    return name


def count_links(body, body_html):
    """Links as a reader would see them: Markdown links, autolinks and bare URLs."""
    return max(len(_URL_IN_TEXT.findall(body)), len(_LINK_IN_HTML.findall(body_html)))


class WebAddressField(forms.URLField):
    """A web page: http or https only (no ftp:, no javascript:)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class ReaderTextField(forms.CharField):
    """
    Text a reader typed: its length checked before anything else looks at it
    (so a huge body costs nothing to refuse), bidi controls refused and other
    invisible characters removed (core/text.py). Text areas get no maxlength
    attribute: browsers cut pasted text silently, whereas an error keeps it.
    """

    def __init__(self, *, max_length, one_line=False, **kwargs):
        self.one_line = one_line
        kwargs["error_messages"] = {
            "max_length": TOO_LONG,
            "min_length": TOO_SHORT,
            **kwargs.get("error_messages", {}),
        }
        super().__init__(max_length=max_length, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Textarea):
            attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if self.one_line and ("\n" in value or "\r" in value):
            raise forms.ValidationError(ONE_LINE, code="one_line")
        return value

    def validate(self, value):
        super().validate(value)
        if text.has_bidi_controls(value):
            raise forms.ValidationError(BIDI, code="bidi")

    def clean(self, value):
        value = super().clean(value)
        return text.clean_name(value) if self.one_line else text.strip_invisible(value)


class CounterpointForm(forms.ModelForm):
    author_name = ReaderTextField(
        label=_("Name"),
        max_length=Counterpoint._meta.get_field("author_name").max_length,
        one_line=True,
        help_text=_("Shown with your counterpoint."),
        error_messages={"required": _("Give a name to show with your counterpoint.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_email = forms.EmailField(
        label=_("E-mail (optional, never shown)"),
        required=False,
        max_length=Counterpoint._meta.get_field("author_email").max_length,
        help_text=_("Only for the author to reach you."),
        error_messages={"invalid": _("This does not look like an e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    quote = ReaderTextField(
        label=_("Quoted passage (optional)"),
        required=False,
        max_length=QUOTE_MAX_LENGTH,
        help_text=_("Paste the sentence of the post you are answering."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = ReaderTextField(
        label=_("Counterpoint"),
        min_length=BODY_MIN_LENGTH,
        max_length=BODY_MAX_LENGTH,
        error_messages={"required": _("Write your counterpoint.")},
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    stance = forms.ChoiceField(
        label=_("Stance"),
        choices=STANCE_CHOICES,
        error_messages={"required": _("Choose whether you push back, extend or sharpen.")},
    )
    author_website = WebAddressField(
        label=_("Website (optional)"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address starting with https://.")},
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    )
    # The honeypot: hidden from people by CSS, irresistible to form-filling bots.
    subject = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    issued = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    # Which of the post's claims the reader answers, and their own probability
    # for it: stored by claims.services.record_forecast, not on Counterpoint.
    claim = forms.ModelChoiceField(
        label=_("The claim you answer (optional)"),
        queryset=Claim.objects.none(),
        required=False,
        to_field_name="key",
        empty_label=_("The post as a whole"),
    )
    probability = forms.IntegerField(
        label=_("Your probability that it holds, in % (optional)"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("From 1 to 99. Scored against the author's when the claim is judged."),
    )

    # The public readers' record (trust.py, counterpoints/readers_record.py): off unless ticked.
    joins_record = forms.BooleanField(
        label=_("List my forecasts in the public readers’ record"),
        required=False,
        help_text=_(
            "Your Brier score on the claims you give a probability for, beside the author’s, on the "
            "hindsight page. Needs your e-mail address: you say yes through the link we send to it. "
            "You can leave at any time."
        ),
    )
    record_name = ReaderTextField(
        label=_("Name in the record (optional)"),
        max_length=Counterpoint._meta.get_field("record_name").max_length,
        one_line=True,
        required=False,
        help_text=_("Left empty, the name above."),
    )

    class Meta:
        model = Counterpoint
        fields = [
            "stance",
            "author_name",
            "author_email",
            "author_website",
            "quote",
            "body",
            "joins_record",
            "record_name",
        ]

    def __init__(self, *args, post, issued=None, **kwargs):
        """``issued``: the empty form's signed timestamp (default: one issued now; see post_page.py)."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.post = post
        self.token_state = None
        self.fields["claim"].queryset = Claim.objects.filter(post=post, withdrawn=False).order_by("order")
        max_links = settings.COUNTERPOINT_MAX_LINKS
        self.fields["body"].help_text = ngettext(
            "Markdown: *emphasis*, **strong**, [links](https://…), lists and > quotes. "
            "No images or headings; at most %(limit)d link.",
            "Markdown: *emphasis*, **strong**, [links](https://…), lists and > quotes. "
            "No images or headings; at most %(limit)d links.",
            max_links,
        ) % {"limit": max_links}
        if not self.is_bound:
            self.initial["issued"] = issued or antispam.issue_token(post)

    def clean_author_name(self):
        return _not_the_sites_name(self.cleaned_data["author_name"])

    def clean_record_name(self):
        return _not_the_sites_name(self.cleaned_data["record_name"])

    def clean_body(self):
        body = self.cleaned_data["body"]
        links = count_links(body, render_counterpoint_markdown(body))
        limit = settings.COUNTERPOINT_MAX_LINKS
        if links > limit:
            raise forms.ValidationError(
                ngettext(
                    "Please keep to at most %(limit)d link (this has %(links)d).",
                    "Please keep to at most %(limit)d links (this has %(links)d).",
                    limit,
                )
                % {"limit": limit, "links": links},
                code="too_many_links",
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("probability") is not None and not cleaned.get("claim"):
            self.add_error("probability", gettext("Choose the claim your probability is for."))
        if (
            cleaned.get("joins_record")
            and not cleaned.get("author_email")
            and "author_email" not in self.errors
        ):
            self.add_error("joins_record", RECORD_NEEDS_EMAIL)
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
