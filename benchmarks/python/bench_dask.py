#!/usr/bin/python3
"""Dask's side of the ParallelGen cluster benchmark (benchmarks/ParallelGen.ClusterBenchmarks runs it).

A dask.distributed LocalCluster of 3 worker processes on 127.0.0.1 (2 threads each, like a ParallelGen silo's 2 slots
on a 2-core machine), the same measurements as the C# side: LocalCluster start to the first result,
client.submit().result() round trips, client.map and joblib's dask backend per trivial task, a 10 MB argument per
item (MB/s end to end), and a worker killed (SIGKILL) mid-run: the time from the kill until every result is back.
Prints one JSON object on stdout; times in microseconds. Needs Debian's python3-distributed and python3-joblib:

    /usr/bin/python3 benchmarks/python/bench_dask.py [--quick]
"""
import argparse
import json
import logging
import os
import platform
import signal
import statistics
import sys
import threading
import time
import warnings

import dask
import distributed
import joblib
from distributed import Client, LocalCluster


def inc(x):
    return x + 1


def length(data):
    return len(data)


def where(item, seconds):
    time.sleep(seconds)
    return (os.getpid(), item)


def stats(values):
    values = sorted(values)
    n = len(values)

    def pct(p):
        rank = p / 100.0 * (n - 1)
        lo, hi = int(rank), min(int(rank) + 1, n - 1)
        return values[lo] + (values[hi] - values[lo]) * (rank - lo)

    return {"median": pct(50), "p90": pct(90), "min": values[0], "n": n}


def us(seconds):
    return seconds * 1e6


def start_cluster():
    cluster = LocalCluster(n_workers=3, threads_per_worker=2, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=logging.CRITICAL)
    client = Client(cluster)
    return cluster, client


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--kill-timeout", type=float, default=20.0)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    r = {"python": platform.python_version(), "dask": dask.__version__, "distributed": distributed.__version__,
         "joblib": joblib.__version__}

    starts = []
    cluster = client = None
    for i in range(1 if a.quick else 2):
        if cluster is not None:
            client.close()
            cluster.close()
        t = time.perf_counter()
        cluster, client = start_cluster()
        client.submit(inc, 1, pure=False).result()
        starts.append(us(time.perf_counter() - t))
    r["start_first_result"] = stats(starts)

    # one tiny call: client.submit().result()
    for i in range(20):
        client.submit(inc, i, pure=False).result()
    calls = 50 if a.quick else 150
    round_trips = []
    for i in range(calls):
        t = time.perf_counter()
        client.submit(inc, i, pure=False).result()
        round_trips.append(us(time.perf_counter() - t))
    r["submit_result"] = stats(round_trips)

    # trivial tasks: client.map
    n = 500 if a.quick else 1000
    client.gather(client.map(inc, range(100), pure=False))
    per = []
    for _ in range(2 if a.quick else 3):
        t = time.perf_counter()
        client.gather(client.map(inc, range(n), pure=False))
        per.append(us(time.perf_counter() - t) / n)
    r["map_per_task"] = stats(per)
    r["map_tasks"] = n

    # trivial tasks: joblib's dask backend (automatic batching)
    n = 2000 if a.quick else 10000
    per = []
    with joblib.parallel_backend("dask"):
        joblib.Parallel()(joblib.delayed(inc)(i) for i in range(200))
        for _ in range(2 if a.quick else 3):
            t = time.perf_counter()
            joblib.Parallel()(joblib.delayed(inc)(i) for i in range(n))
            per.append(us(time.perf_counter() - t) / n)
    r["joblib_dask_per_task"] = stats(per)
    r["joblib_tasks"] = n

    # a 10 MB argument per item
    items = 6
    size = 10 * 1024 * 1024
    rates = []
    for rep in range(2 if a.quick else 3):
        payloads = [bytes([rep * items + k]) * size for k in range(items)]
        t = time.perf_counter()
        out = client.gather(client.map(length, payloads, pure=False))
        elapsed = time.perf_counter() - t
        assert out == [size] * items
        rates.append(items * size / 1e6 / elapsed)
        del payloads
    r["big_argument_mb_per_s"] = stats(rates)

    # a worker killed mid-run: 60 items of 100 ms
    pids = list(client.run(os.getpid).values())
    futures = client.map(where, range(60), [0.1] * 60, pure=False)
    time.sleep(0.4)
    killed = time.perf_counter()
    os.kill(pids[-1], signal.SIGKILL)
    try:
        results = client.gather(futures, asynchronous=False)
        done = time.perf_counter()
        r["kill_to_finish"] = {"median": us(done - killed), "n": 1,
                               "correct": [item for _, item in results] == list(range(60))}
    except Exception as e:  # noqa: BLE001 -- report, do not crash the harness
        r["kill_to_finish"] = {"median": float("nan"), "n": 0, "error": repr(e)}

    client.close()
    cluster.close()
    json.dump(r, sys.stdout)


if __name__ == "__main__":
    main()
