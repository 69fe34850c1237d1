#!/usr/bin/env python3
"""Strategy figures for docs/benchmarks.md, "Strategies" (issue 7): runs `./gcsim run --json` for each
configuration and prints one row per run. Usage, from the repository root:

    python3 benchmarks/strategies.py            # all tables (a few minutes)

Each row sums or takes the maximum over the run's cycles; suspendG p50/p99 are
the medians over cycles of the per-cycle percentiles. The machine state
(load) matters: say how loaded it was when you quote the figures.
"""
import json
import statistics
import subprocess
import sys

BOUNDED = "benchmarks/scenarios/tight-loops-bounded.gcs"


def run(*args):
    cmd = ["./gcsim", "run", "--json", "--timeout", "30", *args]
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return json.loads(p.stdout), p.returncode
    except json.JSONDecodeError:
        return None, p.returncode


def row(label, args):
    j, rc = run(*args)
    if j is None or not j.get("cycles"):
        print(f"| {label} | exit {rc}, no cycle finished |")
        return
    cs = j["cycles"]
    st = [c["strategies"] for c in cs]
    p50 = statistics.median(c["suspendG"]["p50Nanos"] for c in cs) / 1000
    p99 = statistics.median(c["suspendG"]["p99Nanos"] for c in cs) / 1000
    mx = max(c["suspendG"]["maxNanos"] for c in cs) / 1000
    waiting = sum(s["suspendWaitingCalls"] for s in st)
    cpu = sum(s["suspendWaitCpuNanos"] for s in st) / 1e6
    print(f"| {label} | {len(cs)} | {p50:.1f} | {p99:.1f} | {mx:.0f} "
          f"| {sum(c['preemptions']['async'] for c in cs)} | {waiting} | {cpu:.1f} "
          f"| {sum(s['suspendSpins'] for s in st)} | {sum(s['suspendParks'] for s in st)} "
          f"| {sum(s['suspendWakeups'] for s in st)} | {sum(s['suspendParkTimeouts'] for s in st)} "
          f"| {sum(s['stackJobNanos'] for s in st) / 1e6:.1f} "
          f"| {sum(c['concurrentMarkNanos'] for c in cs) / 1e6:.1f} "
          f"| {sum(s['stacksNoWait'] for s in st)}/{sum(s['stacksSelfScanned'] for s in st)}"
          f"/{sum(s['stacksBlocked'] for s in st)} | {sum(s['blockedNanos'] for s in st) / 1e6:.1f} "
          f"| {statistics.median(c['stwSweepTermNanos'] for c in cs) / 1e6:.2f} | exit {rc} |")
    sys.stdout.flush()


def main():
    print("| run | cycles | suspendG p50 µs | p99 µs | max µs | async preemptions | waiting suspendG calls "
          "| suspender CPU ms | spins | parks | wakeups | park timeouts | stack-job time ms "
          "| concurrent mark ms | stacks no-wait/self/blocked | blocked ms | STW sweep-term median ms | |")
    print("|" + "---|" * 18)
    g = ["--goroutines", "200", "--cycles", "5", "--procs", "2"]
    for preempt in ("async", "cooperative"):
        for suspend in ("spin", "park"):
            row(f"bounded tight loops, {preempt}, {suspend}", ["--scenario", BOUNDED, "--preempt", preempt,
                                                            "--suspend", suspend, *g])
    row("tight-loops, cooperative", ["--scenario", "tight-loops", "--preempt", "cooperative", *g])
    many = ["--scenario", "tight-loops", "--goroutines", "2000", "--cycles", "5", "--procs", "8", "--workers", "2"]
    for suspend in ("spin", "park"):
        for scan in ("blocking", "two-phase"):
            row(f"tight-loops 2000 G, 8 P, {suspend}, {scan}", [*many, "--suspend", suspend, "--stack-scan", scan])


if __name__ == "__main__":
    main()
