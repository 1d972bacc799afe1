from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(sender, **kwargs) -> None:
    from schools.services import role_groups_ensure

    role_groups_ensure()


class SchoolsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schools"
    verbose_name = _("Schools and partners")

    def ready(self) -> None:
        # The role groups exist in every database, right after its migrations.
        post_migrate.connect(_ensure_role_groups, sender=self, dispatch_uid="schools_role_groups")
