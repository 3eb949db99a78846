"""A new network starts with the default policy (hallway.policy.actions.DEFAULT_RULES)."""

from django.db import migrations
from django.utils import timezone

DEFAULT_RULES = [
    ("Payment card numbers", "Card numbers (Luhn-checked) may not be posted anywhere.",
     "card_number", "all", "block", 10),
    ("Private keys", "PEM private key blocks may not be posted anywhere.",
     "private_key", "all", "block", 20),
    ("IBANs in external groups", "Bank account numbers shown to guests need a justification.",
     "iban", "external", "warn", 30),
    ("Phone numbers in external groups", "Phone numbers shown to guests need a justification.",
     "phone", "external", "warn", 40),
]


def install(apps, schema_editor):
    PolicyRule = apps.get_model("policy", "PolicyRule")
    PolicyState = apps.get_model("policy", "PolicyState")
    state, _ = PolicyState.objects.get_or_create(id=1)
    if state.defaults_installed_at is not None:
        return
    for name, description, detector, destination, action, position in DEFAULT_RULES:
        PolicyRule.objects.create(
            name=name,
            description=description,
            detector=detector,
            destination=destination,
            action=action,
            position=position,
            config={},
        )
    state.defaults_installed_at = timezone.now()
    state.save()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
