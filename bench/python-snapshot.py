"""Time and memory of python/heapscope_snapshot.py on a heap of about a million objects.

    flock /tmp/heapscope-bench.lock python3 bench/python-snapshot.py [--trace N] [--objects N] [--out DIR]

Builds a heap like an application's (instances with str, int and list
attributes, a dict index over them, tuples of str and float), then writes two
snapshots of it and prints, for each: objects and edges written, wall and CPU
seconds, the peak of the process's resident memory during the write above
what it was before, and the file size. With --trace N, tracemalloc runs
(N frames) from before the heap is built, as it would for allocation sites.
"""

import argparse
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'python'))

p = argparse.ArgumentParser()
p.add_argument('--trace', type=int, default=0)
p.add_argument('--objects', type=int, default=1_000_000)
p.add_argument('--out', default='/tmp')
args = p.parse_args()
if args.trace:
    import tracemalloc

    tracemalloc.start(args.trace)

import heapscope_snapshot  # noqa: E402


class Item:
    def __init__(self, i):
        self.name = 'item-%d' % i
        self.size = 10**12 + i
        self.tags = [i & 7, i & 3]


n = args.objects // 8
items = [Item(i) for i in range(n)]  # 4 objects each: Item, str, int, list
index = {it.name + '/key': it for it in items}  # a key str each
pairs = [('p%d' % i, i + 0.5) for i in range(n)]  # 3 objects each


def rss_mib():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


print('python %s, tracemalloc %s' % (sys.version.split()[0], 'off' if not args.trace else '%d frame(s)' % args.trace))
for k in (1, 2):
    path = os.path.join(args.out, 'bench-python-%d.heapsnapshot' % k)
    before = rss_mib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    info = heapscope_snapshot.write(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # ru_maxrss is the process's high-water mark: the write's own peak shows only when it passes the earlier one
    extra = '+%.0f MiB' % (peak - before) if peak > peak_before else 'at most +%.0f MiB' % (peak_before - before)
    print(
        'snapshot %d: %d objects, %d edges, %.1f s wall, %.1f s CPU, RSS %.0f MiB before, peak %s, after +%.0f MiB, file %.0f MiB, ids kept %d'
        % (k, info.node_count, info.edge_count, wall, cpu, before, extra, rss_mib() - before, os.path.getsize(path) / 2**20, info.kept_ids)
    )
    os.unlink(path)
