"""Redacted configurations: `cccform import --redact` writes placeholders for agents' emails
and mobiles, for sharing a configuration (with a vendor, in a ticket). A redacted
configuration cannot be applied: an agent's email is immutable, so a placeholder would be a
rejection at best and a wrong address at worst. Loading refuses it, at every placeholder."""

from __future__ import annotations

from cccform.config.document import Document
from cccform.config.models import InstanceConfig
from cccform.diagnostics import Diagnostic

# `.invalid` is reserved (RFC 2606): a placeholder can never be someone's address.
REDACTED_DOMAIN = "redacted.invalid"
REDACTED_MOBILE = "00000000000"


def redacted_email(login_name: str) -> str:
    """The placeholder of an agent's email: unique per agent, never deliverable."""
    return f"{login_name}@{REDACTED_DOMAIN}"


def redacted_fields(key: str, instance: InstanceConfig, document: Document) -> list[Diagnostic]:
    """A diagnostic at the first placeholder of `cccform import --redact` in `instance`
    (one per instance: a redacted instance holds one per agent)."""
    suffix = "@" + REDACTED_DOMAIN
    logins = [
        login for login, agent in instance.agents.items() if agent.email.lower().endswith(suffix)
    ]
    if not logins:
        return []
    path = ("instances", key, "agents", logins[0], "email")
    others = len(logins) - 1
    also = f" (and those of {others} other agent{'s' if others != 1 else ''} of this instance)"
    message = REDACTED_MESSAGE.format(also=also if others else "")
    return [Diagnostic(message, document.location_of(path), path, REDACTED_HINT)]


REDACTED_MESSAGE = (
    "this agent's email{also} is a placeholder written by `cccform import --redact`: a redacted "
    "configuration cannot be validated, planned or applied"
)
REDACTED_HINT = (
    "import again without --redact to get the real emails (a redacted copy is for reading "
    "only), or write the agent's real email here"
)
