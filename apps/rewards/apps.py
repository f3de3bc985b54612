from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "apps.rewards"
    label = "rewards"
    verbose_name = "Rewards"

    def ready(self):
        from apps.bills.signals import occurrence_paid, occurrence_unpaid

        from . import receivers

        occurrence_paid.connect(receivers.award_points_on_bill_paid, dispatch_uid="rewards.occurrence_paid")
        occurrence_unpaid.connect(receivers.reverse_points_on_bill_unpaid, dispatch_uid="rewards.occurrence_unpaid")
