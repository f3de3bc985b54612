"""Signal receivers feeding the audit trail; each one a single call into services."""

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save

from apps.imports.signals import import_posted, import_undone
from apps.rewards.signals import points_adjusted
from apps.transactions.signals import account_checked, ledger_changed
from apps.users.backends import refused_by_lockout
from apps.users.models import UserManager
from apps.users.signals import (
    data_export_files,
    data_exported,
    email_changed,
    password_changed,
    password_reset_requested,
    profile_changed,
    profile_closed,
    sessions_signed_out,
    two_factor_changed,
)

from .selectors import ACTIVITY_EXPORT_COLUMNS, security_activity_rows
from .services import Action, audit_record, import_record, money_movement_record, points_adjustment_record


def on_ledger_changed(sender, user, changes, **kwargs):
    money_movement_record(owner=user, changes=changes, actor=kwargs.get("actor"), reason=kwargs.get("reason", ""))


def on_points_adjusted(sender, entry, actor, **kwargs):
    points_adjustment_record(entry=entry, actor=actor)


def on_import_posted(sender, batch, user, **kwargs):
    import_record(batch=batch, user=user)


def on_import_undone(sender, batch, user, removed, **kwargs):
    import_record(batch=batch, user=user, undone=True, removed=removed)


def on_logged_in(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, request=request, actor=user, obj=user)


def on_logged_out(sender, request, user, **kwargs):
    audit_record(action=Action.LOGOUT, request=request, actor=user, obj=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    if refused_by_lockout(request):  # not a wrong password: on_locked_out records the refusal
        return
    audit_record(action=Action.LOGIN_FAILED, request=request,
                 actor_email=UserManager.normalize_email(credentials.get("username")),
                 details={"factor": credentials.get("factor", "password")})


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(action=Action.LOCKED_OUT, request=request, actor_email=username or "",
                 details={"ip_address": ip_address})


def on_password_changed(sender, user, request, how, **kwargs):
    audit_record(action=Action.PASSWORD_RESET if how == "reset" else Action.PASSWORD_CHANGED,
                 request=request, actor=user, obj=user)


def on_password_reset_requested(sender, request, email, throttled, **kwargs):
    audit_record(action=Action.PASSWORD_RESET_REQUESTED, request=request, actor_email=email,
                 details={"throttled": throttled})


def on_two_factor_changed(sender, user, request, action, **kwargs):
    audit_record(action=Action.TWO_FACTOR, request=request, actor=user, obj=user,
                 details={"change": action, **({"device": kwargs["device"]} if "device" in kwargs else {})})


def on_profile_changed(sender, user, changes, **kwargs):
    audit_record(action=Action.PROFILE_CHANGED, actor=user, obj=user, details={"changes": changes})


def on_email_changed(sender, user, old_email, new_email, **kwargs):
    audit_record(action=Action.EMAIL_CHANGED, actor=user, actor_email=old_email, obj=user,
                 details={"old_email": old_email, "new_email": new_email})


def on_data_exported(sender, user, files, **kwargs):
    audit_record(action=Action.DATA_EXPORTED, actor=user, obj=user, details={"files": list(files)})


def on_profile_closed(sender, user, email, closed_accounts, **kwargs):
    audit_record(action=Action.PROFILE_CLOSED, actor=user, actor_email=email, obj=user,
                 details={"closed_accounts": list(closed_accounts)})


def on_account_checked(sender, user, account, day, balance, **kwargs):
    audit_record(action=Action.ACCOUNT_CHECKED, actor=user, obj=account,
                 details={"account": account.name, "day": day.isoformat(), "balance": str(balance),
                          "currency": account.currency})


def on_sessions_signed_out(sender, user, sessions, by, reason, **kwargs):
    audit_record(action=Action.SESSIONS_SIGNED_OUT, actor=by or user, obj=user,
                 details={"sessions": list(sessions), "reason": reason, "owner_email": user.email})


def on_admin_log_entry(sender, instance, created, **kwargs):
    if created:
        audit_record(
            action=Action.ADMIN_CHANGE, actor=instance.user,
            object_type=instance.content_type.app_label + "." + instance.content_type.model
            if instance.content_type_id else "",
            object_id=instance.object_id or "",
            details={"operation": {1: "addition", 2: "change", 3: "deletion"}.get(instance.action_flag),
                     "object": instance.object_repr, "message": instance.get_change_message()},
        )


def on_data_export_files(sender, user, **kwargs):
    return [("security_activity.csv", ACTIVITY_EXPORT_COLUMNS, security_activity_rows(user=user))]


def connect():
    ledger_changed.connect(on_ledger_changed, dispatch_uid="audit.ledger_changed")
    points_adjusted.connect(on_points_adjusted, dispatch_uid="audit.points_adjusted")
    import_posted.connect(on_import_posted, dispatch_uid="audit.import_posted")
    import_undone.connect(on_import_undone, dispatch_uid="audit.import_undone")
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.user_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.user_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.user_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.user_locked_out")
    password_changed.connect(on_password_changed, dispatch_uid="audit.password_changed")
    password_reset_requested.connect(on_password_reset_requested, dispatch_uid="audit.password_reset_requested")
    two_factor_changed.connect(on_two_factor_changed, dispatch_uid="audit.two_factor_changed")
    profile_changed.connect(on_profile_changed, dispatch_uid="audit.profile_changed")
    account_checked.connect(on_account_checked, dispatch_uid="audit.account_checked")
    email_changed.connect(on_email_changed, dispatch_uid="audit.email_changed")
    data_exported.connect(on_data_exported, dispatch_uid="audit.data_exported")
    data_export_files.connect(on_data_export_files, dispatch_uid="audit.data_export_files")
    profile_closed.connect(on_profile_closed, dispatch_uid="audit.profile_closed")
    sessions_signed_out.connect(on_sessions_signed_out, dispatch_uid="audit.sessions_signed_out")
    post_save.connect(on_admin_log_entry, sender=LogEntry, dispatch_uid="audit.admin_log_entry")
