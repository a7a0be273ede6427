"""The python3 workload of bench/mixes/record.sh: reads every file under a
directory, counts words, and prints the 50 most frequent as JSON."""
import collections
import json
import os
import re
import sys

counts = collections.Counter()
for root, _, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
            counts.update(re.findall(r"[a-z]+", f.read().lower()))
print(json.dumps(counts.most_common(50), indent=1))
