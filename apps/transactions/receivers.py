from .models import DEFAULT_CATEGORIES, Category, default_category_kind


def ensure_default_categories(sender, using="default", **kwargs):
    existing = set(Category.objects.using(using).filter(owner=None).values_list("name", flat=True))
    Category.objects.using(using).bulk_create(
        [Category(owner=None, name=name, kind=default_category_kind(name))
         for name in DEFAULT_CATEGORIES if name not in existing]
    )
