package gcsim.integration;

import static gcsim.integration.Cli.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other exit statuses: 3 for an expired --timeout (with the dump), 1 for a mutator's failed check. */
class FailuresTest {
    @TempDir
    Path dir;

    /**
     * Tight loops without async preemption never reach a safe point, so the
     * first cycle's suspendG cannot stop them: the watchdog fires, names the
     * running goroutines and the command still returns.
     */
    @Test
    void timeoutDumpsTheGoroutinesThatNeverReachedASafePoint() {
        Cli r = Cli.run("run", "--scenario", "tight-loops", "--preempt", "cooperative", "--goroutines", "20",
                "--procs", "2", "--workers", "1", "--timeout", "2");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(3);
        assertThat(r.err()).contains("--timeout 2s expired; goroutines that never reached a safe point:")
                .containsPattern("\tgoroutine \\d+ \\[running\\]:")
                .contains("spinner(")
                // The program's loop holds the run up, not the runtime: no Java stacks.
                .doesNotContain("runtime threads")
                .doesNotContain("\tat ");
        // The command returned and left nothing of the run behind: the stuck cycle's driver ended.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gcsim-engine-driver")) {
                joinQuietly(t);
                assertThat(t.isAlive()).as("driver thread still alive after the timeout").isFalse();
            }
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A check that fails in the mutator is a verification failure: "fatal error: ...", exit 1. */
    @Test
    void failedMutatorCheckIsVerificationFailure() throws IOException {
        Path f = scenario("liar.gcs",
                "func liar() locals(a, b)",
                "  const a 1",
                "  const b 2",
                "  sleep 1000",
                "  checkeq a b",
                "  ret",
                "end",
                "go liar 1");
        Cli r = Cli.run("run", "--scenario", f.toString(), "--cycles", "50", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(1);
        assertThat(r.err()).contains("fatal error: ").contains("mutator check failed");
        // The model's own throw prints like Go's, not as a Java stack trace: the throwing
        // goroutine's frames first, then the others (main, blocked).
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception")
                .containsPattern("fatal error: mutator check failed\n\ngoroutine \\d+ \\[running\\]:\nliar\\(\\.\\.\\.\\)\n")
                .contains("goroutine 1 [");
        assertThat(r.out()).contains("caught by mutator-check");

        // With --json: one JSON object, the fatal error in it, exit 1.
        Cli j = Cli.run("run", "--scenario", f.toString(), "--cycles", "50", "--timeout", "60", "--json");
        assertThat(j.status()).as("stderr:%n%s", j.err()).isEqualTo(1);
        Map<String, Object> root = j.json();
        assertThat(map(root.get("fatal"))).containsEntry("message", "mutator check failed")
                .containsKeys("goroutine", "lines");
        assertThat(map(root.get("verification"))).containsEntry("caughtBy", List.of("mutator-check"))
                .containsEntry("verdict", "failed");
    }

    /**
     * A scenario file whose goroutines all return leaves main blocked for ever: Go's checkdead
     * says "all goroutines are asleep - deadlock!", and gcsim says so as bad input (the file's
     * fault): one line naming the file, exit 2. Enough cycles are asked for that the run
     * cannot finish them before the deadlock.
     */
    @Test
    void scenarioThatDeadlocksIsBadInput() throws IOException {
        Path f = scenario("returns.gcs", "func f()", "  ret", "end", "go f 3");
        Cli r = Cli.run("run", "--scenario", f.toString(), "--cycles", "10000", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(2);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("gcsim: " + f + ": all goroutines are asleep - deadlock! after ")
                .contains("mutators must keep running");
    }

    /**
     * A stuck run of many goroutines: the dump names the running ones (the spinner that never
     * reaches a safe point without async preemption) and then shows at most 100 of the others,
     * saying how many it left out. Heap triggering is off, so the only cycle is forced after
     * main started all 150 (and blocked itself).
     */
    @Test
    void timeoutDumpOfManyGoroutinesIsBounded() throws IOException {
        Path f = scenario("stuck.gcs",
                "gc autotrigger off",
                "func parked()",
                "  block",
                "end",
                "func spinner() locals(n)",
                "  const n 1",
                "spin:",
                "  jnz n spin",
                "  jmp spin",
                "end",
                "go parked 149",
                "go spinner 1");
        Cli r = Cli.run("run", "--scenario", f.toString(), "--preempt", "cooperative", "--procs", "2",
                "--workers", "1", "--timeout", "2");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(3);
        String running = r.err().substring(0, r.err().indexOf("all goroutines:"));
        assertThat(running).containsPattern("\tgoroutine \\d+ \\[running\\]:");
        // 151 goroutines alive (main, 149 parked, the spinner): 100 shown, 51 left out.
        assertThat(r.err()).contains("... 51 more goroutines not shown (the dump stops at 100)");
        assertThat(r.err().lines().filter(l -> l.startsWith("goroutine ")).count()).isEqualTo(100);
    }

    /** A program whose main returns cannot run the cycles asked for: one line, exit 2, not a hang. */
    @Test
    void programThatEndsIsBadInput() throws IOException {
        Path f = scenario("ends.gcs", "func main() locals(n)", "  const n 1", "  ret", "end");
        Cli r = Cli.run("run", "--scenario", f.toString(), "--cycles", "3", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains(f + ": the program ended after 0 of 3 cycles");
    }

    /** Writes a scenario file of these lines into the test's directory. */
    private Path scenario(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }
}
