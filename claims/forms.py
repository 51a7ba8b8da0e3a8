from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Rating, StatusChange


class StatusChangeForm(forms.Form):
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
        choices=StatusChange.Kind.choices,
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
