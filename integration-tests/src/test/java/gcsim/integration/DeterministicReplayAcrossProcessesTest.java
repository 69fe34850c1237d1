package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code gcsim run --deterministic --seed N} replays in another process: two
 * separate JVMs (this JVM's java and class path, {@code gcsim.cli.Main})
 * print the same event digest for the same seed and scenario, and another
 * seed prints another digest. {@link DeterministicRunTest} checks the replay
 * inside one JVM; this one rules out anything that differs between processes
 * (identity hash codes, hash iteration order, class-initialisation order,
 * thread ids). Small runs (40 goroutines, 2 cycles): a few seconds per JVM.
 */
class DeterministicReplayAcrossProcessesTest {
    private static final Pattern DIGEST = Pattern.compile("determinism: seed (\\d+) digest ([0-9a-f]{16}) \\((\\d+) events\\)");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "deep-stacks", "syscalls"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoProcessesWithTheSameSeedPrintTheSameDigest(String scenario) throws Exception {
        String first = digest(scenario, 11);
        String second = digest(scenario, 11);
        assertThat(second).as("digest of %s seed 11 in a second JVM", scenario).isEqualTo(first);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anotherSeedPrintsAnotherDigest() throws Exception {
        assertThat(digest("default", 12)).isNotEqualTo(digest("default", 11));
    }

    /** Runs gcsim in a new JVM and returns its "digest (events)" for the seed; exit 0 required. */
    private String digest(String scenario, long seed) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("gcsim.cli.Main");
        cmd.addAll(List.of("run", "--deterministic", "--seed", Long.toString(seed), "--scenario", scenario,
                "--goroutines", "40", "--cycles", "2", "--procs", "2"));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gcsim did not end in 100 s: " + cmd);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit status of %s%nstderr:%n%s", cmd, stderr).isZero();
        Matcher m = DIGEST.matcher(stdout);
        assertThat(m.find()).as("digest line in stdout:%n%s", stdout).isTrue();
        assertThat(m.group(1)).isEqualTo(Long.toString(seed));
        return m.group(2) + " (" + m.group(3) + " events)";
    }
}
