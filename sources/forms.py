"""Form helpers every admin form shares: refuse script links and oversize text."""

from django import forms

from .validators import SafeInputMixin


class SafeModelForm(SafeInputMixin, forms.ModelForm):
    """The admin's default form for every model and inline (see factcheck/admin_site.py)."""
