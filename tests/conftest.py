import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production hashes static files at collectstatic time; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-chief-1")
    client.force_login(user)
    client.user = user
    return client
