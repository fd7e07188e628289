"""Drive one URL with wrk and read its report."""

import re
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Goes round a list of paths (bench/round_robin.lua).
ROUND_ROBIN = Path(__file__).with_name("round_robin.lua")

_REQUESTS_PER_SECOND = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$", re.MULTILINE)
_SOCKET_ERRORS = re.compile(
    r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$", re.MULTILINE
)
_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int  # completed in the run; with none, the latencies mean nothing
    errors: int  # non-2xx/3xx responses plus socket errors (timeouts included)


def parse_wrk_output(text: str) -> WrkResult:
    """Read throughput, median and 99th percentile latency, and errors from `wrk --latency`."""
    throughput = _REQUESTS_PER_SECOND.search(text)
    requests = _REQUESTS.search(text)
    percentiles = {
        float(share): float(value) * _TO_MS[unit]
        for share, value, unit in _PERCENTILE.findall(text)
    }
    if throughput is None or requests is None or not {50.0, 99.0} <= percentiles.keys():
        raise WrkError(f"Unexpected wrk output (was --latency given?):\n{text}")
    non_2xx = _NON_2XX.search(text)
    socket_errors = _SOCKET_ERRORS.search(text)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(count) for count in socket_errors.groups())
    return WrkResult(
        requests_per_second=float(throughput.group(1)),
        p50_ms=percentiles[50.0],
        p99_ms=percentiles[99.0],
        requests=int(requests.group(1)),
        errors=errors,
    )


def run_wrk(
    url: str,
    *,
    seconds: float,
    threads: int,
    connections: int,
    headers: dict[str, str],
    paths: Path | None = None,
) -> WrkResult:
    """Drive `url`, or with `paths` (a file of paths, one a line) every path of it in
    turn on `url`'s server."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    # Slow pages are measured rather than counted as errors at wrk's 2 s default.
    command += ["--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    if paths is not None:
        command[-1:-1] = ["-s", str(ROUND_ROBIN)]
        command += ["--", str(paths)]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if completed.returncode != 0:
        raise WrkError(f"wrk failed on {url}: {completed.stderr or completed.stdout}")
    return parse_wrk_output(completed.stdout)


def median_result(results: list[WrkResult]) -> WrkResult:
    """Each figure's median over the repetitions; counts are summed."""
    return WrkResult(
        requests_per_second=statistics.median(r.requests_per_second for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
    )
