"""The results table and the ratios the acceptance criteria name."""

import statistics
from dataclasses import dataclass

BASELINE = "Django hello"
STATIC = "static file"


@dataclass(frozen=True)
class Ratio:
    label: str
    numerator: tuple[str, str]  # (cache mode, measurement name)
    denominator: tuple[str, str]
    target: float | None  # the acceptance threshold, when there is one


KEY_RATIOS = [
    Ratio("letter @100k / letter @100", ("off", "letter @100k"), ("off", "letter @100"), 0.9),
    Ratio(
        "fragment @100k / fragment @100",
        ("off", "fragment @100k"),
        ("off", "fragment @100"),
        0.9,
    ),
    Ratio("last page / first page @100k", ("off", "last page @100k"), ("off", "letter @100k"), 0.9),
    Ratio("search / first page @100k", ("off", "search @100k"), ("off", "letter @100k"), 0.7),
    Ratio("letter @100k / Django hello", ("off", "letter @100k"), ("off", BASELINE), None),
    Ratio("letter @100k / Django hello", ("on", "letter @100k"), ("on", BASELINE), 0.5),
    # What an uncached render costs, against what serving a file costs.
    Ratio("letter @100k / static file", ("off", "letter @100k"), ("off", STATIC), 0.05),
    Ratio("fragment @100k / static file", ("off", "fragment @100k"), ("off", STATIC), 0.1),
    # Reads while one letter is written to, against the same reads without writes.
    Ratio("mix: with / without writes", ("on", "mix + writes"), ("on", "mix"), 0.7),
    Ratio("others: with / without writes", ("on", "others + writes"), ("on", "others"), 0.9),
    Ratio("mix: with / without writes", ("off", "mix + writes"), ("off", "mix"), None),
    Ratio("others: with / without writes", ("off", "others + writes"), ("off", "others"), None),
]


def find(rows: list[dict], mode: str, name: str) -> dict | None:
    return next((row for row in rows if row["mode"] == mode and row["name"] == name), None)


def paired_ratio(numerator: dict | None, denominator: dict | None) -> float | None:
    """The median, over rounds, of one throughput divided by another in the same round.

    Two measurements of one round are seconds apart, so a change of background load
    between rounds (common on a shared machine) cancels out of the ratio.
    """
    if numerator is None or denominator is None:
        return None
    pairs = zip(numerator["rounds"], denominator["rounds"], strict=True)
    ratios = [top / bottom for top, bottom in pairs if bottom]
    return statistics.median(ratios) if ratios else None


def add_baseline_ratios(rows: list[dict]) -> None:
    for row in rows:
        row["vs_hello"] = paired_ratio(row, find(rows, row["mode"], BASELINE))


def key_ratios(rows: list[dict]) -> list[dict]:
    results = []
    for ratio in KEY_RATIOS:
        value = paired_ratio(find(rows, *ratio.numerator), find(rows, *ratio.denominator))
        results.append(
            {
                "label": ratio.label,
                "cache": ratio.numerator[0],
                "value": value,
                "target": ratio.target,
                "met": None if value is None or ratio.target is None else value >= ratio.target,
            }
        )
    return results


def _number(value: float | int | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def format_table(rows: list[dict]) -> str:
    header = (
        f"{'cache':<6}{'measurement':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'× hello':>9}{'queries':>9}{'errors':>8}"
    )
    lines = [header, "-" * len(header)]
    previous_mode = None
    for row in rows:
        if previous_mode is not None and row["mode"] != previous_mode:
            lines.append("")
        previous_mode = row["mode"]
        # wrk reports zero latencies when no request completed in time.
        p50, p99 = (row["p50_ms"], row["p99_ms"]) if row["requests"] else (None, None)
        lines.append(
            f"{row['mode']:<6}{row['name']:<18}"
            f"{_number(row['requests_per_second'], ',.0f'):>9}"
            f"{_number(p50, '.1f'):>9}{_number(p99, '.1f'):>9}"
            f"{_number(row['vs_hello'], '.2f'):>9}{_number(row['queries'], 'd'):>9}"
            f"{_number(row['errors'], 'd'):>8}"
        )
    return "\n".join(lines)


def format_ratios(ratios: list[dict]) -> str:
    lines = ["Key ratios (throughput, median of the per-round ratios):"]
    for ratio in ratios:
        verdict = ""
        if ratio["target"] is not None:
            outcome = {True: "met", False: "NOT met", None: "not measured"}[ratio["met"]]
            verdict = f"target ≥ {ratio['target']:g}  {outcome}"
        label = f"{ratio['label']} (cache {ratio['cache']})"
        lines.append(f"  {label:<46}{_number(ratio['value'], '.2f'):>6}   {verdict}".rstrip())
    return "\n".join(lines)
