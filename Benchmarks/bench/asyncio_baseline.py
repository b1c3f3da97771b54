#!/usr/bin/env python3
"""Plain asyncio in one process, in memory: the peer `scripts/bench` measures coroq's W1 and W2 against.

  asyncio_baseline.py noop N    N `create_task` of a trivial coroutine, then `gather`: tasks/s from the first
                                create_task to gather's return
  asyncio_baseline.py sleep N   N `create_task` of `asyncio.sleep(1)`, then `gather`: seconds from the last
                                create_task to gather's return (the same clock as coroq's "after the last ack")

Prints one JSON line. Nothing is persisted: the floor of a one-process coroutine queue, not a queue.
"""
import asyncio
import json
import resource
import sys
import time


async def noop():
    return True


async def main(kind, n):
    start = time.perf_counter()
    if kind == "noop":
        tasks = [asyncio.create_task(noop()) for _ in range(n)]
    else:
        tasks = [asyncio.create_task(asyncio.sleep(1)) for _ in range(n)]
    created = time.perf_counter()
    await asyncio.gather(*tasks)
    done = time.perf_counter()
    return {"n": n, "create_s": round(created - start, 3), "e2e_s": round(done - start, 3),
            "after_create_s": round(done - created, 3), "tasks_per_s": round(n / (done - start))}


if __name__ == "__main__":
    kind, n = sys.argv[1], int(sys.argv[2])
    if kind not in ("noop", "sleep"):
        sys.exit("usage: asyncio_baseline.py noop|sleep N")
    result = asyncio.run(main(kind, n))
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))
