from django.db import migrations

DEFAULT_CATEGORIES = (
    "salary", "food", "rent", "transport", "utilities", "health", "shopping", "entertainment", "other",
)


def create_defaults(apps, schema_editor):
    Category = apps.get_model("transactions", "Category")
    for name in DEFAULT_CATEGORIES:
        Category.objects.get_or_create(owner=None, name=name)


def remove_defaults(apps, schema_editor):
    apps.get_model("transactions", "Category").objects.filter(owner=None, name__in=DEFAULT_CATEGORIES).delete()


class Migration(migrations.Migration):
    dependencies = [("transactions", "0002_initial")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
