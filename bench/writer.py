"""A curator at work on one letter, for `make bench`'s "reads while writing" phase.

`python -m bench.writer SLUG RATE` sets up Django with the server's environment and, while
told to write, saves RATE public changes a second to the letter SLUG: one of its listed
signatures at a time goes from its status (reported or confirmed) to disputed and back,
each save its own committed transaction, as a curator's edits (or sign-ups being
confirmed) would. It reads commands on stdin, one a line: `start`, then `stop` (it
answers with the number of changes it made since `start`), and stops at the end of its
input.
"""

import sys
import threading
import time


def main(slug: str, rate: float) -> None:
    import django

    django.setup()
    from letters.models import SIGNED_STATUSES, Signature, SignatureStatus, on_public_list

    # Listed signatures, so that every save changes what the public sees.
    signatures = list(
        Signature.objects.filter(
            on_public_list(statuses=SIGNED_STATUSES), letter__slug=slug
        ).order_by("list_rank")[:20]
    )
    if not signatures:
        raise SystemExit(f"No listed or disputed signature on {slug} to change")
    # Each signature goes back and forth between its own status and the other one.
    statuses = {
        signature.pk: (
            signature.status,
            SignatureStatus.CONFIRMED
            if signature.status == SignatureStatus.DISPUTED
            else SignatureStatus.DISPUTED,
        )
        for signature in signatures
    }
    writing = threading.Event()
    changes = 0

    def write() -> None:
        nonlocal changes
        interval = 1 / rate
        next_at = time.monotonic()
        while True:
            writing.wait()
            signature = signatures[changes % len(signatures)]
            own, other = statuses[signature.pk]
            signature.status = other if signature.status == own else own
            signature.save()
            changes += 1
            next_at = max(next_at + interval, time.monotonic() - interval)
            time.sleep(max(0.0, next_at - time.monotonic()))

    threading.Thread(target=write, daemon=True).start()
    for line in sys.stdin:
        command = line.strip()
        if command == "start":
            changes = 0
            writing.set()
        elif command == "stop":
            writing.clear()
            print(changes, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
