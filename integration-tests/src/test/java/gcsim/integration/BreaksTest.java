package gcsim.integration;

import static gcsim.integration.Cli.list;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code gcsim run --break PIECE}, the negative control of the oracles: with one piece of the
 * protocol broken on purpose, a scenario that needs it fails within a bounded number of
 * cycles, with exit 1 and the message of the oracle that caught it (checkmark, the mutators'
 * own checks on poisoned memory, or Go's throw); the same scenario with nothing broken runs
 * clean. Real (not deterministic) runs with generous cycle bounds: the interleavings these
 * pieces guard are ones the deterministic baton does not produce (a mark worker's scan
 * between two mutator instructions, a copy in progress), and docs/reliability.md's table
 * gives the measured cycles to detection (a few; the bounds here are several times more).
 */
class BreaksTest {

    /** The deletion (Yuasa) half: checkmark reports the node a black stack alone holds. */
    @Test
    void deletionBarrierCaughtByCheckmark() {
        caughtByCheckmark("examples/breaks/deletion-barrier.gcs", "deletion-barrier", "--goroutines", "64");
    }

    /** The same with checkmark off: the mutator reads its freed node (poison) and Go's sweep checks fire. */
    @Test
    void deletionBarrierCaughtByTheMutatorsAlone() {
        caughtByThrow(List.of("fatal error: use of freed object", "fatal error: sweep increased allocation count",
                "fatal error: mutator check failed"),
                "--scenario", Repository.file("examples/breaks/deletion-barrier.gcs"),
                "--break", "deletion-barrier", "--goroutines", "64", "--checkmark", "off", "--cycles", "150");
    }

    /** The insertion (Dijkstra) half: checkmark reports the node only a black holder holds. */
    @Test
    void insertionBarrierCaughtByCheckmark() {
        caughtByCheckmark("examples/breaks/insertion-barrier.gcs", "insertion-barrier", "--goroutines", "256");
    }

    @Test
    void insertionBarrierCaughtByTheMutatorsAlone() {
        caughtByThrow(List.of("fatal error: use of freed object", "fatal error: sweep increased allocation count",
                "fatal error: mutator check failed"),
                "--scenario", Repository.file("examples/breaks/insertion-barrier.gcs"),
                "--break", "insertion-barrier", "--goroutines", "256", "--checkmark", "off", "--cycles", "150");
    }

    /** New objects born white: the built-in default loses the lists it builds during mark. */
    @Test
    void allocateBlackCaughtByCheckmark() {
        Cli r = Cli.run("run", "--break", "allocate-black", "--goroutines", "200", "--procs", "2", "--cycles", "20",
                "--json", "--timeout", "120");
        assertCheckmarkFailed(r);
    }

    /** Stack jobs that mark a stack scanned without scanning it: everything only stacks hold is lost. */
    @Test
    void stackScanCaughtByCheckmark() {
        Cli r = Cli.run("run", "--break", "stack-scan", "--goroutines", "200", "--procs", "2", "--cycles", "5",
                "--json", "--timeout", "120");
        assertCheckmarkFailed(r);
    }

    /** A stack job that does not suspend: Go's scanstack refuses a stack whose G it does not hold. */
    @Test
    void suspendCaughtByScanstack() {
        caughtByThrow(List.of("fatal error: scanstack - bad status"), "--break", "suspend", "--goroutines", "200",
                "--cycles", "5");
    }

    /**
     * The same under --deterministic: the worker's throw ends the run with that throw (exit 1),
     * not with the baton reporting the collector's parked threads as stuck, and the same seed
     * gives the same digest.
     */
    @Test
    void suspendCaughtUnderDeterministicAndReplayed() {
        List<Object> digests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Cli r = Cli.run("run", "--break", "suspend", "--goroutines", "50", "--procs", "2", "--cycles", "3",
                    "--deterministic", "--seed", "1", "--json", "--timeout", "120");
            assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(1);
            assertThat(r.err()).contains("fatal error: scanstack - bad status").doesNotContain("baton:");
            digests.add(Cli.map(r.json().get("determinism")).get("digest"));
        }
        assertThat(digests.get(1)).isEqualTo(digests.get(0));
    }

    /**
     * suspendG that does not wait out _Gcopystack hands back a G mid-copy: scanstack refuses it.
     * A race (the stack job must meet a copy in progress): usually caught within tens of cycles,
     * but once in CI not within 400 under load, since the mark workers became goroutines (a
     * worker takes a P from the copying goroutines); so up to three seeds, one must be caught.
     */
    @Test
    void copystackWaitCaughtByScanstack() {
        Cli r = Cli.firstCatch(3, seed -> Cli.run("run", "--timeout", "120", "--procs", "2", "--scenario",
                Repository.file("examples/breaks/copystack-wait.gcs"), "--break", "copystack-wait", "--goroutines", "8",
                "--preempt", "cooperative", "--gc-at-safepoints", "--cycles", "400", "--seed", Integer.toString(seed)),
                "fatal error: scanstack - bad status", "not caught in 400 cycles", "--break copystack-wait never caught");
        // The stack job holds no scan bit (0x1000): the status is _Gcopystack (0x8) while the
        // copy goes on, or whatever the G moved on to after it (e.g. _Grunning, 0x2).
        assertThat(r.err()).containsPattern("gp->atomicstatus=0x[0-9a-f]{1,3}\\n");
    }

    /**
     * Go #40641's window reopened: copystack meets a G still parking on a channel. A race of a
     * few hundred nanoseconds (a stack job must find a goroutine running, wait for it, and claim
     * it between park_m's status change and its unlock, just after the goroutine's stack grew):
     * with the mark workers as goroutines (4 Ps: Go's controller dedicates one to marking, three
     * run the pairs) one run of 1,000 cycles caught it in about four of five runs (after 16 to
     * 724 cycles, measured on a quiet machine; cooperative preemption, so a suspended goroutine
     * parks on its channel rather than at an async safe point). So up to four runs with other
     * seeds: one must end with Go's throw, and no run may end any other way than that or clean.
     */
    @Test
    void parkingOnChanCaughtByCopystack() {
        Cli.firstCatch(4, seed -> Cli.run("run", "--timeout", "120", "--procs", "4", "--scenario",
                Repository.file("examples/breaks/parking-on-chan.gcs"), "--break", "parking-on-chan", "--goroutines",
                "8", "--preempt", "cooperative", "--cycles", "1000", "--seed", Integer.toString(seed)),
                "fatal error: racy sudog adjustment due to parking on channel", "not caught in 1000 cycles",
                "--break parking-on-chan never caught");
    }

    /** The scenarios fail because of the piece broken, not by themselves: whole, they run clean. */
    @ParameterizedTest
    @ValueSource(strings = {"deletion-barrier --goroutines 64", "insertion-barrier --goroutines 256",
        "copystack-wait --goroutines 8 --preempt cooperative --gc-at-safepoints",
        "parking-on-chan --goroutines 16"})
    void breakScenariosRunCleanWithNothingBroken(String spec) {
        String[] words = spec.split(" ");
        List<String> args = new ArrayList<>(List.of("run", "--scenario",
                Repository.file("examples/breaks/" + words[0] + ".gcs"), "--procs", "2", "--cycles", "10", "--json",
                "--timeout", "120"));
        args.addAll(List.of(words).subList(1, words.length));
        Cli r = Cli.run(args.toArray(new String[0]));
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        assertThat(list(r.json().get("cycles"))).hasSize(10).allMatch(c -> "ok".equals(c.get("checkmark")));
    }

    /** Runs a break scenario with checkmark on and --json: exit 1 and some cycle's checkmark failed. */
    private static void caughtByCheckmark(String file, String piece, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--scenario", Repository.file(file), "--break", piece,
                "--procs", "2", "--cycles", "60", "--json", "--timeout", "120"));
        args.addAll(List.of(extra));
        assertCheckmarkFailed(Cli.run(args.toArray(new String[0])));
    }

    private static void assertCheckmarkFailed(Cli r) {
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(1);
        List<Map<String, Object>> cycles = list(r.json().get("cycles"));
        assertThat(cycles).as("a cycle whose checkmark failed").anyMatch(c -> "failed".equals(c.get("checkmark")));
        // The model's oracle speaks, not Java.
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** Runs {@code args} (plus a timeout, and --procs 2 unless given): exit 1 with one of Go's fatal errors, printed Go's way. */
    private static Cli caughtByThrow(List<String> oneOf, String... args) {
        List<String> all = new ArrayList<>(List.of("run", "--timeout", "120"));
        if (!List.of(args).contains("--procs")) {
            all.addAll(List.of("--procs", "2"));
        }
        all.addAll(List.of(args));
        Cli r = Cli.run(all.toArray(new String[0]));
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(1);
        assertThat(oneOf).as("stderr:%n%s", r.err()).anyMatch(m -> r.err().contains(m));
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        return r;
    }

}
