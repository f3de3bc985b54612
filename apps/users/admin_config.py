from django.contrib.admin.apps import AdminConfig


class BankDashAdminConfig(AdminConfig):
    """django.contrib.admin with BankDash's site as the default ``admin.site``, so every
    ``@admin.register`` lands on a site that requires staff's second factor."""

    default_site = "apps.users.admin_site.BankDashAdminSite"
