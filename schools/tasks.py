"""Background work for accounts: email sent after the request that asked for it."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def email_send(*, subject: str, body: str, from_email: str | None, to: list[str]) -> None:
    """Send one plain-text email (the task worker does, not the request)."""
    EmailMultiAlternatives(subject, body, from_email, to).send()
