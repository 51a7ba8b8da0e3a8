"""Structured logs of what editors do in the admin and of every login, for the security log.

One JSON object per line (factcheck.logformat.JsonFormatter): an `event` name and plain fields.
Admin changes come from Django's LogEntry (the admin's own record, which the workflow views
write too); logins from Django's auth signals and django-axes. Passwords never reach a log:
Django masks them before the signal, and the formatter drops any field whose name looks like a
secret.
"""

import logging

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

logger = logging.getLogger("factcheck.audit")
ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


def client_address(request) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_change")
def admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    logger.info(
        "admin %s",
        ACTIONS.get(instance.action_flag, "other"),
        extra={
            "event": "admin_change",
            "action": ACTIONS.get(instance.action_flag, "other"),
            "user": instance.user.get_username(),
            "model": instance.content_type.model_class()._meta.label
            if instance.content_type_id and instance.content_type.model_class()
            else "",
            "object_id": str(instance.object_id),
            "object": instance.object_repr,
            "change": instance.get_change_message(),
        },
    )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    logger.warning(
        "login failed",
        extra={
            "event": "login_failed",
            "username": str(credentials.get("username", ""))[:150],
            "ip": client_address(request),
            "path": request.path if request is not None else "",
        },
    )


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def logged_in(sender, request, user, **kwargs) -> None:
    logger.info(
        "login",
        extra={
            "event": "login",
            "username": user.get_username(),
            "ip": client_address(request),
            "second_factor": bool(getattr(user, "otp_device", None)),
        },
    )


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    logger.warning(
        "login locked out",
        extra={"event": "login_locked_out", "username": username or "", "ip": ip_address or ""},
    )
