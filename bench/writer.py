"""A curator at work on one letter, for `make bench`'s "reads while writing" phase.

`python -m bench.writer SLUG RATE` sets up Django with the server's environment and, while
told to write, saves RATE public changes a second to the letter SLUG: one of its listed
signatures at a time goes from confirmed to disputed and back, each save its own committed
transaction, as a curator's edits (or sign-ups being confirmed) would. It reads commands on
stdin, one a line: `start`, then `stop` (it answers with the number of changes it made
since `start`), and stops at the end of its input.
"""

import sys
import threading
import time


def main(slug: str, rate: float) -> None:
    import django

    django.setup()
    from letters.models import Signature, SignatureStatus

    signatures = list(
        Signature.objects.filter(
            letter__slug=slug,
            status__in=[SignatureStatus.CONFIRMED, SignatureStatus.DISPUTED],
        ).order_by("list_rank")[:20]
    )
    if not signatures:
        raise SystemExit(f"No confirmed or disputed signature on {slug} to change")
    writing = threading.Event()
    changes = 0

    def write() -> None:
        nonlocal changes
        interval = 1 / rate
        next_at = time.monotonic()
        while True:
            writing.wait()
            signature = signatures[changes % len(signatures)]
            signature.status = (
                SignatureStatus.DISPUTED
                if signature.status == SignatureStatus.CONFIRMED
                else SignatureStatus.CONFIRMED
            )
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
