package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * go1.23's isShrinkStackSafe rule (docs/go-versions.md, "Stacks of goroutines waiting for
 * suspendG") seen from a whole run: examples/go-versions/shrink-waiting.gcs, allocators that
 * assist with big, mostly unused stacks, deterministic. {@code 1.23} differs from {@code 1.22}
 * only in the rule, which it applies only while the execution tracer is on: without the
 * scenario's tracer the two runs are the same run (same digest); with it they differ, and each
 * still replays. The rule itself is checked at its site in goroutines' GoVersionRulesTest.
 */
class ShrinkWaitingVersionsTest {
    private static final String SCENARIO = "examples/go-versions/shrink-waiting.gcs";

    @Test
    void go1_23DiffersFromGo1_22OnlyWithTheTracerOn(@TempDir Path dir) throws IOException {
        String traced = Repository.file(SCENARIO);
        Path untraced = dir.resolve("untraced.gcs");
        String text = Files.readString(Path.of(traced));
        assertThat(text).contains("\ngo tracer 1\n");
        Files.writeString(untraced, text.replace("\ngo tracer 1\n", "\n"));

        assertThat(digest(run(untraced.toString(), "1.23"))).isEqualTo(digest(run(untraced.toString(), "1.22")));

        Cli go122 = run(traced, "1.22");
        Cli go123 = run(traced, "1.23");
        assertThat(digest(go123)).isNotEqualTo(digest(go122));
        assertThat(digest(run(traced, "1.23"))).isEqualTo(digest(go123));
    }

    /** Both versions shrink stacks here (the rule moves some shrinks, it does not forbid all). */
    @Test
    void bothVersionsShrinkStacks() {
        for (String v : new String[] {"1.22", "1.23"}) {
            Cli r = Cli.run("run", "--scenario", Repository.file(SCENARIO), "--go", v, "--goroutines", "8",
                    "--procs", "2", "--cycles", "6", "--deterministic", "--seed", "1", "--timeout", "60", "--json");
            assertThat(r.status()).as("%s: stderr:%n%s", v, r.err()).isZero();
            Map<String, Object> mutator = Cli.map(r.json().get("mutator"));
            assertThat(Cli.num(mutator, "stackShrinks")).as(v).isPositive();
            assertThat(Cli.map(r.json().get("config")).get("go")).isEqualTo(v);
        }
    }

    private static Cli run(String scenario, String version) {
        Cli r = Cli.run("run", "--scenario", scenario, "--go", version, "--goroutines", "8", "--procs", "2",
                "--cycles", "6", "--deterministic", "--seed", "1", "--timeout", "60");
        assertThat(r.status()).as("%s: stderr:%n%s", version, r.err()).isZero();
        return r;
    }

    private static String digest(Cli r) {
        return r.out().lines().filter(l -> l.startsWith("determinism: ")).findFirst().orElseThrow();
    }

}
