package gcsim.integration;

import static gcsim.integration.Cli.list;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Go's historical runtime bugs under {@code gcsim run --go VERSION} (examples/go-bugs/): each
 * scenario reproduces the bug with Go's own symptom under the release that had it, and runs
 * clean under the release that fixed it. Real threads: each bug is a race.
 */
class GoBugsTest {
    private static final String[] ISSUE_40641 = {"--goroutines", "8", "--procs", "4", "--preempt", "cooperative"};

    /**
     * Go #40641 under go1.14.9: a stack shrink between park_m's _Gwaiting and the channel
     * unlock adjusts the wait record without the lock, loses the partner's clear of elem, and
     * the woken goroutine's releaseSudog throws Go's "runtime: sudog with non-nil elem".
     * Measured (real threads, 2 busy cores): caught in 3 of 5 runs of 300 cycles (83-242
     * cycles), 3 of 6 of 500; so up to five runs of 500 cycles with other seeds: one must end
     * with Go's throw, and no run may end any other way than that or clean.
     */
    @Test
    void issue40641ReproducesUnderGo1_14_9() {
        Cli.firstCatch(5, seed -> run("1.14.9", "500", seed), "fatal error: runtime: sudog with non-nil elem",
                "not caught in 500 cycles", "Go #40641 never reproduced under --go 1.14.9");
    }

    /** The same scenario under go1.14.10's rules (the default): isShrinkStackSafe waits out the window. */
    @Test
    void issue40641FixedInGo1_14() {
        Cli r = run("1.14", "300", 1);
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        assertThat(list(r.json().get("cycles"))).hasSize(300).allMatch(c -> "ok".equals(c.get("checkmark")));
        assertThat(((java.util.Map<?, ?>) r.json().get("config")).get("go")).isEqualTo("1.14");
    }

    /**
     * Go #35470/#73542 under 1.25-prologue: a stack job's sync and async requests race in a
     * prologue, the goroutine resumes into morestack with the request cleared, and newstack
     * doubles a 16 KiB stack past the program's SetMaxStack(16384). Measured (real threads, 2
     * busy cores): caught in the first cycle in 16 of 16 runs; up to three seeds of 50 cycles.
     */
    @Test
    void issue35470ReproducesUnderGo1_25Prologue() {
        Cli r = Cli.firstCatch(3, seed -> run35470("1.25-prologue", "50", seed),
                "runtime: goroutine stack exceeds 16384-byte limit", "not caught in 50 cycles",
                "Go #35470 never reproduced under --go 1.25-prologue");
        assertThat(r.err()).contains("fatal error: stack overflow").contains("runtime: sp=0x");
    }

    /** The same scenario under every release's rule (the prologue is async-unsafe): clean. */
    @Test
    void issue35470FixedInGo1_14() {
        Cli r = run35470("1.14", "30", 1);
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        assertThat(list(r.json().get("cycles"))).hasSize(30).allMatch(c -> "ok".equals(c.get("checkmark")));
    }

    /**
     * Go #38404 under 1.15-gcsema: a goroutine stopping the world (ReadMemStats) during
     * concurrent mark stays _Grunning, a mark worker's suspendG waits for it inside markroot,
     * and it waits for the worker's P: the run hangs and --timeout reports it (exit 3) with the
     * stopper running under preemptoff "read mem stats" and one P not stopped. Measured (real
     * threads, 2 busy cores): hung in 9 runs of 9 (seeds 1-6; after 9 cycles where printed); up to
     * three seeds of 50 cycles, each a 10 s timeout at most.
     */
    @Test
    void issue38404HangsUnderGo1_15Gcsema() {
        List<String> seen = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            Cli r = run38404("1.15-gcsema", "50", seed, "10");
            assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
            if (r.status() == 3) {
                assertThat(r.err()).contains("gcsim: --timeout 10s expired").contains("gcwaiting=1 stopwait=1")
                        .contains("preemptoff=read mem stats");
                return;
            }
            assertThat(r.status()).as("seed %d: clean or hung; stderr:%n%s", seed, r.err()).isZero();
            seen.add("seed " + seed + ": 50 cycles without a hang");
        }
        throw new AssertionError("Go #38404 never reproduced under --go 1.15-gcsema: " + seen);
    }

    /**
     * The same scenario under go1.15 (03ba6b070d: the stopper is _Gwaiting, so the worker scans
     * it) and under go1.14 (worldsema held through mark: the stoppers wait for each cycle): clean.
     */
    @Test
    void issue38404FixedInGo1_15AndAbsentInGo1_14() {
        for (String v : List.of("1.15", "1.14")) {
            Cli r = run38404(v, "30", 1, "120");
            assertThat(r.status()).as("%s: stderr:%n%s", v, r.err()).isZero();
            assertThat(list(r.json().get("cycles"))).hasSize(30).allMatch(c -> "ok".equals(c.get("checkmark")));
            assertThat(((java.util.Map<?, ?>) r.json().get("config")).get("go")).isEqualTo(v);
        }
    }

    /**
     * Go #38404 under --deterministic with 4 goroutines on 2 Ps: {@code gcsim hunt --go 1.15-gcsema
     * --goroutines 4 --procs 2 --cycles 10} finds seed 2 from scratch (1 of seeds 1-30; 0 of 30
     * under 1.15): the stopper under preemptoff "read mem stats", the mark worker's suspendG of it,
     * one P not stopped. The same seed under go1.15 runs clean.
     */
    @Test
    void issue38404ReplaysDeterministicallyUnderGo1_15Gcsema() {
        Cli r = Cli.run("run", "--timeout", "60", "--deterministic", "--go", "1.15-gcsema", "--scenario",
                Repository.file("examples/go-bugs/issue-38404.gcs"), "--cycles", "10", "--seed", "2",
                "--goroutines", "4", "--procs", "2");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(3);
        assertThat(r.err()).contains("no thread can make progress").contains("gcwaiting=1 stopwait=1")
                .contains("preemptoff=read mem stats");
        Cli fixed = Cli.run("run", "--timeout", "60", "--deterministic", "--go", "1.15", "--scenario",
                Repository.file("examples/go-bugs/issue-38404.gcs"), "--cycles", "10", "--seed", "2",
                "--goroutines", "4", "--procs", "2");
        assertThat(fixed.status()).as("stderr:%n%s", fixed.err()).isZero();
    }

    private static Cli run38404(String version, String cycles, int seed, String timeout) {
        return Cli.run("run", "--timeout", timeout, "--json", "--go", version, "--scenario",
                Repository.file("examples/go-bugs/issue-38404.gcs"), "--cycles", cycles, "--seed",
                Integer.toString(seed), "--goroutines", "8", "--procs", "4");
    }

    /**
     * Go #72740 under go1.22 (to go1.24): the GC's own stop (sweep or mark termination) leaves
     * its goroutine _Grunning; the execution tracer's traceAdvance suspendGs it and waits, holding
     * its P, while the stopper waits for that P: the run hangs and --timeout reports it (exit 3)
     * with the stopper running under preemptoff "GC sweep termination" or "GC mark termination",
     * one P not stopped (stopwait=1: the tracer's, every other one is) and the tracer waiting
     * "trace goroutine status". A race of real threads. Measured (2 busy cores, 4 goroutines on 2
     * Ps): hung in 4 of 6 runs of 100 cycles (after 8 to 37 cycles; a clean run takes 5-12 s);
     * so up to three seeds of 150 cycles, each a 20 s timeout at most. A timeout without that
     * state (a slow machine) counts as not caught.
     */
    @Test
    void issue72740HangsUnderGo1_22() {
        List<String> seen = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            Cli r = run72740("1.22", "150", seed, "20");
            assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
            if (r.status() == 3 && r.err().contains("gcwaiting=1 stopwait=1")
                    && r.err().matches("(?s).*preemptoff=GC (sweep|mark) termination.*")) {
                assertThat(r.err()).contains("gcsim: --timeout 20s expired").contains("[trace goroutine status]");
                return;
            }
            assertThat(r.status()).as("seed %d: clean, hung or slow; stderr:%n%s", seed, r.err()).isIn(0, 3);
            seen.add("seed " + seed + ": " + (r.status() == 0 ? "150 cycles without a hang" : "timed out elsewhere"));
        }
        throw new AssertionError("Go #72740 never reproduced under --go 1.22: " + seen);
    }

    /**
     * The same scenario under go1.25 (c6ac736288: stopTheWorldWithSema moves its caller to
     * _Gwaiting, so the tracer takes it at once): clean, and its checkmark passes every cycle.
     */
    @Test
    void issue72740FixedInGo1_25() {
        Cli r = run72740("1.25", "100", 1, "120");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        assertThat(list(r.json().get("cycles"))).hasSize(100).allMatch(c -> "ok".equals(c.get("checkmark")));
        assertThat(((java.util.Map<?, ?>) r.json().get("config")).get("go")).isEqualTo("1.25");
    }

    /**
     * Go #72740 under --deterministic, which reaches it: the tracer's suspendG passes the baton at
     * its status read, so the coordinator's stop and the tracer's suspendG of it interleave as on
     * real threads. {@code gcsim hunt --go 1.22 --goroutines 4 --procs 2 --cycles 10} finds seed 2
     * from scratch (29 of seeds 1-50 deadlock in 10 cycles; 0 of 50 under 1.25). The replay
     * deadlocks the same way each time (same digest), with the stopper and the tracer as on real
     * threads; the same seeds under go1.25 run clean.
     */
    @Test
    void issue72740ReplaysDeterministicallyUnderGo1_22AndNotUnderGo1_25() {
        Cli first = runDeterministic72740("1.22", 2);
        assertThat(first.status()).as("stderr:%n%s", first.err()).isEqualTo(3);
        assertThat(first.err()).contains("no thread can make progress").contains("gcwaiting=1 stopwait=1")
                .containsPattern("preemptoff=GC (sweep|mark) termination").contains("[trace goroutine status]")
                .doesNotContain("\tat ").doesNotContain("Exception");
        Cli again = runDeterministic72740("1.22", 2);
        assertThat(again.status()).isEqualTo(3);
        assertThat(digestLine(again)).isEqualTo(digestLine(first)).startsWith("determinism: seed 2 digest ");
        for (int seed : new int[] {2, 4, 9}) {
            Cli fixed = runDeterministic72740("1.25", seed);
            assertThat(fixed.status()).as("1.25 seed %d: stderr:%n%s", seed, fixed.err()).isZero();
        }
    }

    private static String digestLine(Cli r) {
        return r.out().lines().filter(l -> l.startsWith("determinism: ")).findFirst().orElseThrow();
    }

    private static Cli runDeterministic72740(String version, int seed) {
        return Cli.run("run", "--timeout", "60", "--deterministic", "--go", version, "--scenario",
                Repository.file("examples/go-bugs/issue-72740.gcs"), "--cycles", "10", "--seed",
                Integer.toString(seed), "--goroutines", "4", "--procs", "2");
    }

    /** traceadvance is go1.22's tracer: an older --go is a usage error (one line, exit 2). */
    @Test
    void traceadvanceNeedsGo1_22() {
        Cli r = run72740("1.19", "1", 1, "60");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .endsWith("traceadvance is go1.22's execution tracer: run it with --go 1.22 or later"
                        + " (--go 1.19 has no such tracer)");
    }

    private static Cli run72740(String version, String cycles, int seed, String timeout) {
        return Cli.run("run", "--timeout", timeout, "--json", "--go", version, "--scenario",
                Repository.file("examples/go-bugs/issue-72740.gcs"), "--cycles", cycles, "--seed",
                Integer.toString(seed), "--goroutines", "4", "--procs", "2");
    }

    /**
     * Go #37741/#37833 under go1.14.0: with a slow signal path (the scenario's {@code signalcost
     * 250us}) the preempters of a goroutine in a loop without calls (a stop-the-world's
     * preemptall, the stack job's suspendG, sysmon) send faster than its M handles the signals;
     * the M never leaves its handler and the cycle never ends: --timeout reports the goroutines
     * that never reached a safe point (exit 3). Measured (real threads, 2 cores, load 3 and 20):
     * every run livelocked within the first cycles; up to two runs of 20 cycles, one must.
     */
    @Test
    void issue37741LivelocksUnderGo1_14_0() {
        List<String> seen = new ArrayList<>();
        for (int seed = 1; seed <= 2; seed++) {
            Cli r = run37741("1.14.0", "20", "10", seed);
            assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
            if (r.status() == 3) {
                assertThat(r.err()).contains("--timeout 10s expired; goroutines that never reached a safe point:")
                        .contains("[running]");
                return;
            }
            assertThat(r.status()).as("seed %d: clean or livelocked; stderr:%n%s", seed, r.err()).isZero();
            seen.add("seed " + seed + ": 20 cycles finished");
        }
        throw new AssertionError("Go #37741 never livelocked under --go 1.14.0: " + seen);
    }

    /** The same scenario and signal cost under go1.14.1's m.signalPending (and the default): clean. */
    @Test
    void issue37741FixedInGo1_14_1() {
        for (String v : List.of("1.14.1", "1.14")) {
            Cli r = run37741(v, "10", "120", 1);
            assertThat(r.status()).as("%s stderr:%n%s", v, r.err()).isZero();
            assertThat(list(r.json().get("cycles"))).hasSize(10).allMatch(c -> "ok".equals(c.get("checkmark")));
        }
    }

    private static Cli run37741(String version, String cycles, String timeout, int seed) {
        return Cli.run("run", "--timeout", timeout, "--json", "--go", version, "--scenario",
                Repository.file("examples/go-bugs/issue-37741.gcs"), "--cycles", cycles, "--seed",
                Integer.toString(seed), "--goroutines", "4", "--procs", "4");
    }

    private static Cli run35470(String version, String cycles, int seed) {
        return Cli.run("run", "--timeout", "120", "--json", "--go", version, "--scenario",
                Repository.file("examples/go-bugs/issue-35470.gcs"), "--cycles", cycles, "--seed",
                Integer.toString(seed), "--goroutines", "4", "--procs", "4");
    }

    private static Cli run(String version, String cycles, int seed) {
        List<String> args = new ArrayList<>(List.of("run", "--timeout", "300", "--json", "--go", version,
                "--scenario", Repository.file("examples/go-bugs/issue-40641.gcs"), "--cycles", cycles,
                "--seed", Integer.toString(seed)));
        args.addAll(List.of(ISSUE_40641));
        return Cli.run(args.toArray(new String[0]));
    }

}
