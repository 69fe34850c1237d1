package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path f = dir.resolve("liar.gcs");
        Files.writeString(f, String.join("\n",
                "func liar() locals(a, b)",
                "  const a 1",
                "  const b 2",
                "  sleep 1000",
                "  checkeq a b",
                "  ret",
                "end",
                "go liar 1"));
        Cli r = Cli.run("run", "--scenario", f.toString(), "--cycles", "50", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(1);
        assertThat(r.err()).contains("fatal error: ").contains("mutator check failed");
        // The model's own throw prints like Go's, not as a Java stack trace.
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** A program whose main returns cannot run the cycles asked for: one line, exit 2, not a hang. */
    @Test
    void programThatEndsIsBadInput() throws IOException {
        Path f = dir.resolve("ends.gcs");
        Files.writeString(f, "func main() locals(n)\n  const n 1\n  ret\nend\n");
        Cli r = Cli.run("run", "--scenario", f.toString(), "--cycles", "3", "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains(f + ": the program ended after 0 of 3 cycles");
    }
}
