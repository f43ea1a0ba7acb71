"""Run one command and print its wall time and peak RSS as JSON (the last line).

This helper has exactly one child, so ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` after it
is that run's peak (the largest of the processes it waited for: for LibreOffice, its
``soffice.bin``). Usage: ``python bench/measure.py COMMAND [ARGS...]``.
"""

import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"wall": wall, "peak_mib": peak_kib / 1024, "returncode": done.returncode,
                  "tail": (done.stdout + done.stderr)[-2000:]}))
