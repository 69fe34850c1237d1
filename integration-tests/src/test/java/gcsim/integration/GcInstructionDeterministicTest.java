package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario whose goroutines call runtime.GC() themselves (the {@code gc} instruction), with
 * the heap trigger off, run by the command: the cycles are the goroutines' (gctrace's
 * "(forced)"), every goroutine checks the list only its stack held across its call, and
 * {@code --deterministic} reproduces the run from its seed.
 */
class GcInstructionDeterministicTest {
    static final String SCENARIO = """
            # Each worker builds a list only its stack holds, calls runtime.GC(), checks the list.
            gc autotrigger off
            type node 2 ptr 0
            func worker() locals(*head, *node, i, n, v)
            round:
              clear head
              const i 0
              const n 50
            build:
              new node node
              storew node 1 i
              storep node 0 head
              mov head node
              addi i i 1
              jlt i n build
              clear node
              gc
            check:
              addi i i -1
              loadw v head 1
              checkeq v i
              loadp head head 0
              jnz head check
              jmp round
            end
            go worker 4
            """;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theSameSeedReproducesARunWhoseGoroutinesCallGc(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gc-calls.gcs");
        Files.writeString(file, SCENARIO);
        Map<String, Object> a = run(file, "on");
        assertThat(reproducible(run(file, "on"))).isEqualTo(reproducible(a));
        assertThat(Cli.map(a.get("verification"))).containsEntry("ok", true);
        assertThat(Cli.list(a.get("cycles"))).allSatisfy(c -> {
            assertThat(c).containsEntry("checkmark", "ok").containsEntry("forced", true);
        });
        Map<String, Object> off = run(file, "off");
        assertThat(reproducible(run(file, "off"))).isEqualTo(reproducible(off));
        assertThat(Cli.map(off.get("verification"))).containsEntry("ok", true);
    }

    private static Map<String, Object> run(Path file, String checkmark) {
        Cli r = Cli.run("run", "--scenario", file.toString(), "--json", "--deterministic", "--seed", "5",
                "--cycles", "3", "--procs", "2", "--checkmark", checkmark);
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(0);
        return r.json();
    }

    /** The digest and event count, the mutator counters, and per cycle what was marked and scanned. */
    private static Map<String, Object> reproducible(Map<String, Object> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("determinism", Cli.map(r.get("determinism")));
        m.put("mutator", Cli.map(r.get("mutator")));
        List<Object> cycles = new ArrayList<>();
        for (Map<String, Object> c : Cli.list(r.get("cycles"))) {
            cycles.add(List.of(c.get("objectsMarked"), c.get("stacksScanned"), c.get("framesScanned"),
                    c.get("forced"), c.get("checkmark")));
        }
        m.put("cycles", cycles);
        return m;
    }
}
