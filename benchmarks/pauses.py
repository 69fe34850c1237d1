#!/usr/bin/env python3
"""Issue 16's pause benchmarks, per stop and per cycle. From the repository root,
after `mvn -B -DskipTests package -pl benchmarks -am`:

    python3 benchmarks/pauses.py                      # short run: -wi 2 -i 3 -f 1
    python3 benchmarks/pauses.py StopBenchmarks.parked -p n=10000 -wi 3 -i 5 -f 1

Runs JMH (StopBenchmarks and PauseStepBenchmarks unless other arguments are
given) with a JSON result file and prints, for each benchmark and parameter
set, the score and every auxiliary counter divided by the count JMH summed
with it (`stops` or `cycles`): the mean per stop or per cycle, in us.
Say how loaded the machine was when you quote the figures.
"""
import json
import os
import subprocess
import sys
import tempfile

JAR = "benchmarks/target/benchmarks.jar"
DEFAULT = ["StopBenchmarks|PauseStepBenchmarks", "-wi", "2", "-i", "3", "-f", "1"]


def main(args):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "jmh.json")
        cmd = ["java", "-jar", JAR, *(args or DEFAULT), "-rf", "json", "-rff", out]
        rc = subprocess.run(cmd, stdout=sys.stderr).returncode
        if rc != 0 or not os.path.exists(out):
            print(f"pauses.py: JMH failed (exit {rc})", file=sys.stderr)
            return rc or 1
        with open(out) as f:
            results = json.load(f)
    for r in results:
        name = r["benchmark"].rsplit(".", 2)[-2:]
        params = " ".join(f"{k}={v}" for k, v in sorted(r.get("params", {}).items()))
        p = r["primaryMetric"]
        print(f"{'.'.join(name)} {params}: score {p['score']:.3f} {p['scoreUnit']}")
        sec = {k: v["score"] for k, v in r.get("secondaryMetrics", {}).items()}
        count_key = "stops" if "stops" in sec else "cycles"
        count = sec.pop(count_key, 0)
        if not count:
            continue
        per = "stop" if count_key == "stops" else "cycle"
        cells = [f"{k.removesuffix('Ns')} {v / count / 1e3:.1f}" for k, v in sec.items() if v]
        print(f"    per {per} over {int(count)} {count_key} (us): " + ", ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
