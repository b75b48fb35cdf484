#!/usr/bin/python3
"""Python's side of the ParallelGen process-backend benchmark (benchmarks/ParallelGen.ProcessBenchmarks runs it).

Measures, on a warm pool unless stated: joblib's loky backend with batch_size=1 and batch_size='auto',
concurrent.futures.ProcessPoolExecutor (submit().result() round trips and map with several chunksizes), cold start to
the first result, and a raw os.pipe ping-pong floor between two processes. Prints one JSON object on stdout; all
times are microseconds. Run with the Debian python3 that has python3-joblib:

    /usr/bin/python3 benchmarks/python/bench_joblib.py [--tasks 1000] [--repeats 7] [--cold-repeats 5] [--long]
"""
import argparse
import concurrent.futures as cf
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time

import joblib
from joblib import Parallel, delayed
from joblib.externals.loky import get_reusable_executor


def trivial(x):
    return x + 1


def echo(x):
    return x


def stats(values):
    values = sorted(values)
    n = len(values)

    def pct(p):
        rank = p / 100.0 * (n - 1)
        lo, hi = int(rank), min(int(rank) + 1, n - 1)
        return values[lo] + (values[hi] - values[lo]) * (rank - lo)

    return {"median": pct(50), "p90": pct(90), "p99": pct(99), "min": values[0], "n": n}


def us(seconds):
    return seconds * 1e6


def per_task(run, tasks, repeats):
    run()  # warm
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        out.append(us(time.perf_counter() - t) / tasks)
    return stats(out)


def pipe_floor(round_trips):
    """Raw 16-byte ping-pong over two os.pipe()s between a parent and a forked child."""
    p2c_r, p2c_w = os.pipe()
    c2p_r, c2p_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(p2c_w)
        os.close(c2p_r)
        while True:
            data = os.read(p2c_r, 16)
            if not data:
                os._exit(0)
            os.write(c2p_w, data)
    os.close(p2c_r)
    os.close(c2p_w)
    msg = b"x" * 16
    for _ in range(2000):
        os.write(p2c_w, msg)
        os.read(c2p_r, 16)
    times = []
    clock = time.perf_counter_ns
    for _ in range(round_trips):
        t = clock()
        os.write(p2c_w, msg)
        os.read(c2p_r, 16)
        times.append((clock() - t) / 1000.0)
    os.close(p2c_w)
    os.waitpid(pid, 0)
    os.close(c2p_r)
    return stats(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--cold-repeats", type=int, default=5)
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--long", action="store_true", help="also 100k tasks with auto batching")
    a = ap.parse_args()
    n, jobs = a.tasks, a.jobs
    r = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "joblib": joblib.__version__,
        "platform": platform.platform(),
        "mp_start_method": multiprocessing.get_start_method(),
        "tasks": n,
        "jobs": jobs,
    }

    r["pipe_floor"] = pipe_floor(20000)

    # loky through joblib, warm reusable pool.
    items = list(range(n))
    with Parallel(n_jobs=jobs, backend="loky", batch_size=1) as par:
        r["loky_batch1_per_task"] = per_task(lambda: par(delayed(trivial)(i) for i in items), n, a.repeats)
    with Parallel(n_jobs=jobs, backend="loky", batch_size="auto") as par:
        r["loky_auto_per_task"] = per_task(lambda: par(delayed(trivial)(i) for i in items), n, a.repeats)
        if a.long:
            big = list(range(100_000))
            r["loky_auto_per_task_100k"] = per_task(lambda: par(delayed(trivial)(i) for i in big), len(big), 3)
        # One call with one item (the whole call path of joblib).
        for _ in range(20):
            par(delayed(echo)(i) for i in [0])
        calls = []
        for i in range(min(a.calls, 300)):
            t = time.perf_counter()
            par(delayed(echo)(x) for x in [i])
            calls.append(us(time.perf_counter() - t))
        r["loky_one_item_call"] = stats(calls)

    # The loky executor itself: submit().result() round trips on one worker.
    ex = get_reusable_executor(max_workers=1)
    for i in range(200):
        ex.submit(echo, i).result()
    calls = []
    for i in range(a.calls):
        t = time.perf_counter()
        ex.submit(echo, i).result()
        calls.append(us(time.perf_counter() - t))
    r["loky_executor_submit_result"] = stats(calls)
    ex.shutdown(wait=True)

    # concurrent.futures.ProcessPoolExecutor, warm.
    with cf.ProcessPoolExecutor(max_workers=1) as pool:
        for i in range(200):
            pool.submit(echo, i).result()
        calls = []
        for i in range(a.calls):
            t = time.perf_counter()
            pool.submit(echo, i).result()
            calls.append(us(time.perf_counter() - t))
        r["ppe_submit_result"] = stats(calls)
    with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
        for chunksize in (1, 16, max(1, n // (4 * jobs))):
            r[f"ppe_map_chunksize_{chunksize}_per_task"] = per_task(lambda: list(pool.map(trivial, items, chunksize=chunksize)), n, a.repeats)
        r["ppe_map_auto_chunksize"] = max(1, n // (4 * jobs))

    # Cold start to first result: a new pool each time (the interpreter and joblib are already loaded).
    colds = []
    for i in range(a.cold_repeats):
        get_reusable_executor().shutdown(wait=True)
        t = time.perf_counter()
        Parallel(n_jobs=jobs, backend="loky")(delayed(echo)(x) for x in [i])
        colds.append(us(time.perf_counter() - t))
    r["loky_cold_first_result"] = stats(colds)
    get_reusable_executor().shutdown(wait=True)

    colds = []
    for i in range(a.cold_repeats):
        t = time.perf_counter()
        with cf.ProcessPoolExecutor(max_workers=1) as pool:
            pool.submit(echo, i).result()
            colds.append(us(time.perf_counter() - t))
    r["ppe_cold_first_result"] = stats(colds)

    json.dump(r, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
