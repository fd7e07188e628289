"""bench/wrk.py reads wrk's report: throughput, p50 and p99 in milliseconds, and errors.

The samples are real `wrk --latency` output captured against this project under gunicorn.
"""

import pytest

from bench.wrk import WrkError, WrkResult, median_result, parse_wrk_output

DJANGO_HELLO = """\
Running 2s test @ http://127.0.0.1:8765/bench/hello/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.00ms    1.90ms  24.59ms   79.92%
    Req/Sec     0.89k   119.96     1.33k    85.00%
  Latency Distribution
     50%    9.01ms
     75%    9.68ms
     90%   10.72ms
     99%   15.41ms
  3526 requests in 2.01s, 1.65MB read
Requests/sec:   1757.55
Transfer/sec:    843.20KB
"""

# wrk pads a latency in seconds with a trailing space; `\n\` keeps it in the source.
SLOW_LAST_PAGE = """\
Running 3s test @ http://127.0.0.1:8765/letters/synthetic-100000/?page=2000
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.62s   742.83ms   2.81s    66.67%
    Req/Sec     6.64      7.24    20.00     81.82%
  Latency Distribution
     50%    1.89s \n\
     75%    2.35s \n\
     90%    2.39s \n\
     99%    2.81s \n\
  18 requests in 3.01s, 397.27KB read
Requests/sec:      5.98
Transfer/sec:    132.06KB
"""

SEARCH_WITH_TIMEOUTS = """\
Running 3s test @ http://127.0.0.1:8765/letters/synthetic-100000/?q=okafor
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   655.94ms  234.38ms 925.35ms   66.67%
    Req/Sec     6.76      4.91    20.00     82.35%
  Latency Distribution
     50%  800.08ms
     75%  870.18ms
     90%  925.35ms
     99%  925.35ms
  18 requests in 3.00s, 391.39KB read
  Socket errors: connect 0, read 0, write 0, timeout 12
Requests/sec:      5.99
Transfer/sec:    130.35KB
"""

NOT_FOUND = """\
Running 1s test @ http://127.0.0.1:8765/no-such-page/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.17ms   18.35ms 135.87ms   95.28%
    Req/Sec   453.90    129.71   660.00     80.00%
  Latency Distribution
     50%    4.22ms
     75%    6.82ms
     90%   10.99ms
     99%  113.73ms
  452 requests in 1.00s, 304.18KB read
  Non-2xx or 3xx responses: 452
Requests/sec:    451.69
Transfer/sec:    303.98KB
"""

NOTHING_COMPLETED = """\
Running 1s test @ http://127.0.0.1:8765/no-such-page/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 1.00s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


def test_throughput_and_latency_percentiles_in_milliseconds():
    assert parse_wrk_output(DJANGO_HELLO) == WrkResult(
        requests_per_second=1757.55, p50_ms=9.01, p99_ms=15.41, requests=3526, errors=0
    )


def test_latencies_in_seconds_are_converted_to_milliseconds():
    result = parse_wrk_output(SLOW_LAST_PAGE)

    assert result.p50_ms == pytest.approx(1890.0)
    assert result.p99_ms == pytest.approx(2810.0)
    assert result.requests_per_second == 5.98


def test_socket_errors_and_timeouts_count_as_errors():
    assert parse_wrk_output(SEARCH_WITH_TIMEOUTS).errors == 12


def test_non_2xx_responses_count_as_errors():
    assert parse_wrk_output(NOT_FOUND).errors == 452


def test_a_run_where_nothing_completed_says_so():
    result = parse_wrk_output(NOTHING_COMPLETED)

    assert result.requests == 0
    assert result.requests_per_second == 0.0


def test_output_without_the_latency_distribution_is_refused():
    without_latency = "\n".join(
        line for line in DJANGO_HELLO.splitlines() if "%" not in line or "Stdev" in line
    )

    with pytest.raises(WrkError, match="--latency"):
        parse_wrk_output(without_latency)


def test_the_median_of_repetitions_takes_each_figure_and_sums_the_counts():
    runs = [
        WrkResult(100.0, 10.0, 50.0, 500, 0),
        WrkResult(120.0, 8.0, 90.0, 600, 1),
        WrkResult(90.0, 12.0, 40.0, 450, 0),
    ]

    assert median_result(runs) == WrkResult(100.0, 10.0, 50.0, 1550, 1)
