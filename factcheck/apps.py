from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin app, with our site (two-factor login) as `admin.site`."""

    default_site = "claims.admin_site.NewsroomAdminSite"
