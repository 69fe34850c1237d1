package gcsim.integration;

import static gcsim.integration.Cli.list;
import static gcsim.integration.Cli.map;
import static gcsim.integration.Cli.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commented scenario files under examples/ (README and docs/scenarios.md point users at
 * them) and the scenario files the benchmark commands in docs/benchmarks.md use run clean.
 */
class ExamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"examples/linked-lists.gcs", "examples/pipeline.gcs", "examples/recursion.gcs", "examples/relay.gcs",
        "examples/pacer/stack-goal.gcs",
        "benchmarks/scale/parked.gcs", "benchmarks/scenarios/tight-loops-bounded.gcs"})
    void exampleRunsClean(String name) {
        Path file = Repository.root().resolve(name);
        Cli r = Cli.run("run", "--scenario", file.toString(), "--goroutines", "100", "--cycles", "3", "--json",
                "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        Map<String, Object> j = r.json();
        assertThat(list(j.get("cycles"))).hasSize(3).allMatch(c -> "ok".equals(c.get("checkmark")));
        assertThat(num(map(j.get("verification")), "lostObjects")).isZero();
        assertThat(num(map(j.get("verification")), "useAfterFree")).isZero();
    }

}
