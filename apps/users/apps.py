from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_migrate


class UsersConfig(AppConfig):
    name = "apps.users"
    label = "users"
    verbose_name = "Users and roles"

    def ready(self):
        from axes.signals import user_locked_out

        from . import receivers

        # Permissions exist only after every app has migrated, so the roles'
        # permissions are (re)applied after each migrate run.
        post_migrate.connect(receivers.sync_roles_after_migrate, dispatch_uid="users.sync_roles")
        user_logged_in.connect(receivers.record_device_on_login, dispatch_uid="users.known_devices")
        user_logged_in.connect(receivers.record_session_on_login, dispatch_uid="users.signed_in_sessions")
        user_logged_out.connect(receivers.forget_session_on_logout, dispatch_uid="users.signed_in_sessions")
        user_locked_out.connect(receivers.tell_account_locked, dispatch_uid="users.account_locked")
