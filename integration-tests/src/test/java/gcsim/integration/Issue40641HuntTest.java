package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go #40641 under {@code --deterministic}: the named scheduling points in park_m (between the
 * channel park's {@code _Gwaiting} and chanparkcommit's unlock) and in the stack job let the
 * seeded baton put a stack shrink in that window, so {@code gcsim hunt} finds a seed from
 * scratch and the seed replays (docs/determinism.md, "Hunting Go #40641"). The settings are
 * the scenario header's hunt line.
 */
class Issue40641HuntTest {
    private static final String THROW = "fatal error: runtime: sudog with non-nil elem";
    /**
     * A seed that throws under go1.14.9 in its one cycle (found by the hunt below with --jobs 1:
     * seeds 1 to 4 run clean, seed 5 throws). Re-find it with that hunt when the deterministic
     * schedule changes.
     */
    private static final int SEED = 5;

    private static List<String> settings(String version) {
        return new ArrayList<>(List.of("--scenario", scenario(), "--go", version, "--goroutines", "8",
                "--procs", "4", "--preempt", "cooperative", "--cycles", "1"));
    }

    /**
     * A narrow hunt (seeds 1..10, stopping at the first failure) finds a failing seed with Go's
     * throw, and its printed replay command, run again, ends with the same throw.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aHuntFindsGo40641AndItsReplayThrowsTheSame() {
        List<String> args = new ArrayList<>(List.of("hunt", "--jobs", "2", "--seeds", "1..10"));
        args.addAll(settings("1.14.9"));
        Cli hunt = Cli.run(args.toArray(new String[0]));
        assertThat(hunt.status()).as("stdout:%n%s%nstderr:%n%s", hunt.out(), hunt.err()).isEqualTo(1);
        List<String> lines = hunt.out().lines().toList();
        assertThat(lines.get(0)).matches("seed \\d+: exit 1 \\(verification failed\\) after .*");
        assertThat(hunt.out()).contains("    " + THROW);
        String replay = lines.stream().filter(l -> l.startsWith("replay: ")).findFirst().orElseThrow()
                .substring("replay: ".length());
        assertThat(replay).startsWith("./gcsim run ").contains(" --go 1.14.9 ").contains(" --deterministic --seed ");

        // The printed command's words after ./gcsim.
        Cli again = Cli.run(Arrays.copyOfRange(replay.split(" "), 1, replay.split(" ").length));
        assertThat(again.status()).as(again.err()).isEqualTo(1);
        assertThat(again.err()).contains(THROW);
    }

    /** The pair on one seed: go1.14.9 throws Go's text; go1.14 (parkingOnChan) runs the same seed clean. */
    @Test
    void theSeedThrowsUnderGo1_14_9AndRunsCleanUnderGo1_14() {
        Cli broken = run("1.14.9");
        assertThat(broken.status()).as(broken.err()).isEqualTo(1);
        assertThat(broken.err()).contains(THROW);
        assertThat(Cli.map(broken.json().get("fatal")).get("message")).isEqualTo("runtime: sudog with non-nil elem");

        Cli fixed = run("1.14");
        assertThat(fixed.status()).as(fixed.err()).isZero();
        assertThat(Cli.list(fixed.json().get("cycles"))).hasSize(1);
        assertThat(fixed.err()).doesNotContain("fatal error");
    }

    private static Cli run(String version) {
        List<String> args = new ArrayList<>(List.of("run", "--json", "--timeout", "300", "--deterministic",
                "--seed", Integer.toString(SEED)));
        args.addAll(settings(version));
        return Cli.run(args.toArray(new String[0]));
    }

    /** examples/go-bugs/issue-40641.gcs, found from the working directory up. */
    private static String scenario() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("examples/go-bugs/issue-40641.gcs");
            if (Files.isRegularFile(f)) {
                return f.toString();
            }
        }
        throw new AssertionError("no examples/go-bugs/issue-40641.gcs above " + Path.of("").toAbsolutePath());
    }
}
