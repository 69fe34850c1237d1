package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code gcsim run --deterministic}: the same seed reproduces the run (the
 * event digest and everything the report says that does not measure wall
 * or CPU time), another seed gives another run, checkmark passes on it, and
 * a run in which no thread can make progress ends with the dump and exit 3
 * instead of hanging. The runs are small (40 goroutines, 2 cycles: a few
 * seconds each); their outcome does not depend on the machine's load.
 */
class DeterministicRunTest {
    private static final String[] SMALL = {"--json", "--deterministic", "--goroutines", "40", "--cycles", "2",
        "--procs", "2"};

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theSameSeedReproducesTheRunAndAnotherSeedDoesNot() {
        Map<String, Object> a = reproducible(run("7"));
        Map<String, Object> again = reproducible(run("7"));
        assertThat(again).isEqualTo(a);
        Map<String, Object> b = reproducible(run("8"));
        assertThat(digest(b)).isNotEqualTo(digest(a));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void checkmarkPassesAndTheConfigSaysDeterministic() {
        Map<String, Object> r = run("3");
        assertThat(Cli.map(r.get("config"))).containsEntry("deterministic", true).containsEntry("checkmark", "on");
        for (Map<String, Object> cycle : Cli.list(r.get("cycles"))) {
            assertThat(cycle.get("checkmark")).isEqualTo("ok");
        }
        assertThat(Cli.map(r.get("verification"))).containsEntry("ok", true);
        assertThat(Cli.map(r.get("determinism"))).containsEntry("seed", 3L).containsEntry("stuck", false);
    }

    /**
     * Tight loops without async preemption never reach a safe point: the
     * first cycle's stop-the-world waits for ever and no runtime event
     * happens. The watchdog sees the simulated clock run on without
     * progress, prints the dump and the last events, and the command exits
     * 3 (no --timeout needed).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRunThatCannotProgressEndsWithTheDumpAndExitThree() {
        Cli r = Cli.run("run", "--deterministic", "--scenario", "tight-loops", "--preempt", "cooperative",
                "--goroutines", "4", "--procs", "2", "--cycles", "1");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(3);
        assertThat(r.err()).contains("gcsim: --deterministic: baton: no thread can make progress")
                .contains("gcsim-engine-driver")
                .containsPattern("\tgoroutine \\d+ \\[running\\]:")
                .contains("spinner(")
                .contains("last events:")
                .containsPattern("#\\d+ g\\d+ runnable -> running on M\\d");
        assertThat(r.out()).containsPattern("determinism: seed 1 digest [0-9a-f]{16} \\(\\d+ events\\)");
    }

    private static Map<String, Object> run(String seed) {
        List<String> args = new ArrayList<>(List.of("run", "--seed", seed));
        args.addAll(List.of(SMALL));
        Cli r = Cli.run(args.toArray(new String[0]));
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(0);
        return r.json();
    }

    private static Object digest(Map<String, Object> reproducible) {
        return ((Map<?, ?>) reproducible.get("determinism")).get("digest");
    }

    /**
     * What a seed must reproduce: the digest and event count, the mutator
     * counters, the verification, and per cycle the heap sizes, what was
     * marked and scanned, the suspendG calls and preemptions, checkmark
     * (not the wall and CPU times).
     */
    private static Map<String, Object> reproducible(Map<String, Object> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("determinism", Cli.map(r.get("determinism")));
        m.put("mutator", Cli.map(r.get("mutator")));
        m.put("verification", Cli.map(r.get("verification")));
        List<Map<String, Object>> cycles = new ArrayList<>();
        for (Map<String, Object> c : Cli.list(r.get("cycles"))) {
            Map<String, Object> k = new LinkedHashMap<>();
            for (String key : List.of("n", "heapLiveBytes", "heapGoalBytes", "objectsMarked", "bytesMarked",
                    "stacksScanned", "framesScanned", "preemptions", "checkmark")) {
                k.put(key, c.get(key));
            }
            k.put("suspendCalls", ((Map<?, ?>) c.get("suspendG")).get("calls"));
            k.put("suspendDead", ((Map<?, ?>) c.get("suspendG")).get("dead"));
            cycles.add(k);
        }
        m.put("cycles", cycles);
        assertThat(cycles).hasSize(2);
        return m;
    }
}
