import pytest

from counterpoints.outbox import deliver_due


@pytest.fixture
def sent_mail(mailoutbox):
    """
    ``sent_mail()``: send what waits in the outbox, as ``manage.py
    send_mail_outbox`` would, and return every mail sent so far.
    """

    def deliver():
        deliver_due()
        return mailoutbox

    return deliver
