"""Background work for accounts: email sent after the request that asked for it."""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

# Seconds before each try again when the mail server cannot be reached: over an hour and a
# half in all, well within the time a password reset link works (PASSWORD_RESET_TIMEOUT).
EMAIL_RETRY_AFTER = (60, 5 * 60, 15 * 60, 30 * 60, 60 * 60)


class EmailNotSent(Exception):
    """An email given up on. Its message names the failure, never the address."""


@task()
def email_send(
    *,
    subject: str,
    body: str,
    from_email: str | None,
    to: list[str],
    attempt: int = 1,
    person: int | None = None,
) -> None:
    """Send one plain-text email (the task worker does, not the request). When the mail
    server cannot take it now, it is tried again later (EMAIL_RETRY_AFTER), then given up
    on: the task fails, and the log says so. `person` is the primary key of the account the
    email is about, unused in sending: erasing the person finds the email by it, whatever
    address they have by then."""
    from .services import mail_failure_summary

    try:
        EmailMultiAlternatives(subject, body, from_email, to).send()
    except OSError as error:  # smtplib's errors are OSErrors too
        summary = mail_failure_summary(error)
        # The address refused, or this message for good (a 5xx): trying again cannot help.
        final = isinstance(error, smtplib.SMTPRecipientsRefused) or (
            isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600
        )
        if final or attempt > len(EMAIL_RETRY_AFTER) or not default_task_backend.supports_defer:
            logger.error("Email could not be sent, after %s tries: %s", attempt, summary)
            raise EmailNotSent(summary) from None
        run_after = timezone.now() + timedelta(seconds=EMAIL_RETRY_AFTER[attempt - 1])
        email_send.using(run_after=run_after).enqueue(
            subject=subject,
            body=body,
            from_email=from_email,
            to=to,
            attempt=attempt + 1,
            person=person,
        )
        logger.warning("Email could not be sent (try %s), trying again: %s", attempt, summary)
