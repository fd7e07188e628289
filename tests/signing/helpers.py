"""What the sign-up, withdrawal and correction tests count and vary."""

import itertools

from letters.models import (
    Correction,
    CorrectionRequest,
    Organisation,
    Person,
    Signature,
    SignupRequest,
)

_addresses = itertools.count()


def new_ip() -> str:
    """A fresh client address, so that the per-IP rate limit stays out of the way."""
    n = next(_addresses)
    return f"198.18.{n // 250}.{n % 250 + 1}"


def row_counts() -> dict[str, int]:
    """How many rows a public form could have written: requests, signatures, signers,
    reports and logged corrections."""
    models = (SignupRequest, Signature, Organisation, Person, CorrectionRequest, Correction)
    return {model.__name__: model.objects.count() for model in models}
