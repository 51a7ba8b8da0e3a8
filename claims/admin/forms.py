"""The admin's forms for claims: the claim itself, status changes, evidence by URL, withdrawal."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from sources.forms import SafeModelForm
from sources.models import http_url
from sources.validators import SafeInputMixin

from ..models import Claim, Evidence, Rating, StatusChange


class StatusChangeForm(SafeInputMixin, forms.Form):
    """What an editor must say to move a claim's rating."""

    to_rating = forms.ModelChoiceField(
        label=_("New rating"), queryset=Rating.objects.all(), empty_label=None
    )
    facts_known_on = forms.DateField(
        label=_("Facts known on"),
        widget=AdminDateWidget,
        help_text=_("The date the facts behind this change became known."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        # "Reviewed, no change" has its own form, which keeps the rating.
        choices=[c for c in StatusChange.Kind.choices if c[0] != StatusChange.Kind.REVIEWED],
        widget=forms.RadioSelect,
        help_text=_("An update reflects new facts; a correction fixes our own error."),
    )
    explanation = forms.CharField(
        label=_("Public explanation"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Readers see this on the claim's timeline."),
    )

    def clean_facts_known_on(self):
        value = self.cleaned_data["facts_known_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Facts cannot become known in the future."))
        return value

    def clean_explanation(self):
        value = self.cleaned_data["explanation"].strip()
        if not value:
            raise forms.ValidationError(_("A status change needs a public explanation."))
        return value


class ClaimAdminForm(SafeModelForm):
    """The editors' claim form, refusing to overwrite a colleague's newer save."""

    # Not named "version": a model form may not list the model's non-editable field.
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = [  # the admin's fieldsets decide what shows; these are all it may edit
            "text",
            "slug",
            "quote",
            "quote_language",
            "quote_translation",
            "claimant",
            "said_on",
            "language",
            "topics",
            "investigations",
            "summary",
            "editor_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        seen = cleaned.get("edit_version")
        # Locked until the admin's transaction ends, so a concurrent save waits for this one.
        current = Claim.objects.select_for_update().get(pk=self.instance.pk)
        if seen is None or seen != current.version:
            raise forms.ValidationError(conflict_message(current, seen), code="conflict")
        cleaned["edit_version"] = current.version
        return cleaned


def conflict_message(current: Claim, seen: int | None) -> str:
    """Who saved the claim since the editor opened it, and what they changed."""
    newest = current.history.order_by("-history_date", "-history_id").first()
    base = current.history.filter(version=seen).order_by("-history_date", "-history_id").first()
    changes = []
    if newest is not None and base is not None:
        for change in newest.diff_against(base).changes:
            label = Claim._meta.get_field(change.field).verbose_name
            new = str(change.new)
            changes.append(f"{label}: “{new[:200]}{'…' if len(new) > 200 else ''}”")
    who = newest.history_user if newest is not None and newest.history_user else _("someone")
    when = formats.localize(timezone.localtime(newest.history_date)) if newest is not None else ""
    message = _(
        "%(who)s saved this claim (%(when)s) after you opened it, so your changes were not "
        "saved. Their changes: %(changes)s. Copy what you need, reload the page, and apply "
        "your edits to the current version."
    ) % {"who": who, "when": when, "changes": "; ".join(changes) or _("see History")}
    return message


class EvidenceByUrlForm(SafeInputMixin, forms.Form):
    url = forms.URLField(
        label=_("Address of the document"),
        max_length=2000,
        assume_scheme="https",
        validators=[http_url],
        help_text=_(
            "An existing source with the same address is reused (tracking parameters, "
            "fragments and trailing slashes are ignored)."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=500,
        required=False,
        help_text=_("For a new source; leave empty to use the address."),
    )
    stance = forms.ChoiceField(label=_("Stance"), choices=Evidence.Stance.choices)
    excerpt = forms.CharField(
        label=_("Relevant excerpt"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
    )
    note = forms.CharField(
        label=_("Editor's note"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        required=False,
        help_text=_("Internal."),
    )


class ReviewedForm(SafeInputMixin, forms.Form):
    explanation = forms.CharField(
        label=_("Public explanation"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("What was re-checked and why the rating stands."),
    )


class WithdrawForm(SafeInputMixin, forms.Form):
    note = forms.CharField(
        label=_("Public withdrawal note"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Readers see why the fact-check was withdrawn."),
    )
