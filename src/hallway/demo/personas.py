"""The named people of the demo network, used by tests, docs and acceptance checks.

Every demo account (personas and generated people alike) signs in with ``DEMO_PASSWORD``.
"""

from __future__ import annotations

DEMO_PASSWORD = "hallway-demo"  # noqa: S105 (public by design: documented in docs/demo.md)

# role → email; the roles are described in docs/demo.md.
PERSONAS: dict[str, str] = {
    "admin": "amira.haddad@northwind.example",
    "compliance": "conrad.keller@northwind.example",
    "manager": "maya.lindqvist@northwind.example",
    "engineer": "eli.novak@northwind.example",
    "sales": "sofia.ruiz@northwind.example",
    "new_hire": "noah.park@northwind.example",
    "guest": "grace.chen@acme.example",
}

PERSONA_NAMES: dict[str, str] = {
    "admin": "Amira Haddad",
    "compliance": "Conrad Keller",
    "manager": "Maya Lindqvist",
    "engineer": "Eli Novak",
    "sales": "Sofia Ruiz",
    "new_hire": "Noah Park",
    "guest": "Grace Chen",
}
