"""Django's admin app configured with the newsroom's admin site."""

from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin app, with our site (two-factor login) as `admin.site`."""

    default_site = "factcheck.admin_site.NewsroomAdminSite"

    def ready(self):
        super().ready()
        from axes.signals import user_locked_out

        from . import audit  # connects the admin-change and login receivers

        user_locked_out.connect(audit.locked_out, dispatch_uid="audit_locked_out")
