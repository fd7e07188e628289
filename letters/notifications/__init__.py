"""Notifications, all sent by the worker through the outbox (letters/jobs/outbox.py).

- `signers`: a signer hears when moderation approves or rejects their sign-up, and
  whoever reported a correction hears when it is resolved.
- `digest`: a hosted letter's contact gets, if they opted in, a daily digest of the
  signatures confirmed the day before.
- `subscriptions`: the public follows an organisation, a person or a letter by email
  (double opt-in, daily alerts, one-click unsubscribe).
- `changes`: what changed on a given day, which the digest and the alerts report.
"""
