"""Outgoing email: templates (``compose``), delivery by SMTP or to the outbox
(``transport``), and the queue job that sends a mail after commit (``jobs``).

Mail is never sent inside a request: the domain enqueues a ``mail.send`` job in
the transaction of the change that causes it (``domain.queue``), and a worker
sends it after commit.
"""
