"""What every template knows: the newsroom's name."""

from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME}
