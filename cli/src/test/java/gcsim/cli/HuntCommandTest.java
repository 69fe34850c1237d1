package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.cli.Fixtures.Outcome;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code gcsim hunt}'s command line: bad input is one line and exit 2 before any run starts;
 * {@code --emit-commands} prints exactly the {@code gcsim run} commands a hunt would run.
 * Nothing here starts a process (HuntProcessTest does).
 */
class HuntCommandTest {

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("hunt --scenario churn --seeds 5..2", "--seeds must be A..B with A <= B (e.g. 1..1000)"
                        + " or one seed, got '5..2'"),
                Arguments.of("hunt --scenario churn --seeds x", "--seeds must be A..B with A <= B"),
                Arguments.of("hunt --scenario churn --seeds 1..", "--seeds must be A..B with A <= B"),
                Arguments.of("hunt --scenario churn --seeds 1..99999999999999999999", "--seeds: a seed is out of range"),
                Arguments.of("hunt --seeds 1..5", "missing required option: '--scenario=NAME|FILE'"),
                Arguments.of("hunt --scenario churn --jobs 0", "--jobs must be between 1 and 1024, got 0"),
                Arguments.of("hunt --scenario churn --jobs x", "--jobs must be an integer, got 'x'"),
                Arguments.of("hunt --scenario churn --real -1", "--real must be between 0 and 1000000, got -1"),
                Arguments.of("hunt --scenario churn --bogus", "unknown option '--bogus' (see gcsim run --help)"),
                Arguments.of("hunt --scenario churn --gorutines 5", "unknown option '--gorutines' (did you mean"),
                Arguments.of("hunt --scenario churn --goroutines 0", "--goroutines must be between 1 and"),
                Arguments.of("hunt --scenario churn --procs x", "--procs must be an integer, got 'x'"),
                Arguments.of("hunt --scenario churn --seed 3", "--seed: the hunt chooses each run's seed"),
                Arguments.of("hunt --scenario no-such-scenario", "no-such-scenario"),
                Arguments.of("hunt --scenario churn --trace t.json", "--trace cannot be used with --deterministic"),
                Arguments.of("hunt --scenario churn --break nothing", "--break: unknown piece 'nothing'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputIsOneLineAndExitTwo(String args, String expected) {
        Outcome r = Fixtures.runWithoutEngine(args.split(" "));
        assertThat(r.status()).as(r.err()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("gcsim: ").contains(expected);
    }

    @Test
    void emitCommandsPrintsOneRunPerSeedThenTheRealRunsAndRunsNothing() {
        Outcome r = Fixtures.runWithoutEngine("hunt", "--scenario", "churn", "--goroutines", "50", "--break",
                "stack-scan", "--seeds", "3..5", "--real", "2", "--emit-commands");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        String common = "./gcsim run --scenario churn --goroutines 50 --break stack-scan --timeout 300";
        assertThat(r.out().lines().toList()).containsExactly(
                common + " --deterministic --seed 3",
                common + " --deterministic --seed 4",
                common + " --deterministic --seed 5",
                common + " --seed 1",
                common + " --seed 2");
    }

    @Test
    void theUsersTimeoutIsKeptAndDeterministicIsNotRepeated() {
        Outcome r = Fixtures.runWithoutEngine("hunt", "--deterministic", "--timeout=20", "--scenario", "default",
                "--seeds", "7", "--emit-commands");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "./gcsim run --scenario default --timeout=20 --deterministic --seed 7");
    }

    @Test
    void theDefaultRangeIsOneToAThousand() {
        Outcome r = Fixtures.runWithoutEngine("hunt", "--scenario", "syscalls", "--emit-commands");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(1_000);
        assertThat(lines.get(0)).endsWith(" --deterministic --seed 1");
        assertThat(lines.get(999)).endsWith(" --deterministic --seed 1000");
    }

    @Test
    void argumentsThatAShellWouldSplitAreQuoted() {
        assertThat(HuntPlan.shellQuote("examples/breaks/x.gcs")).isEqualTo("examples/breaks/x.gcs");
        assertThat(HuntPlan.shellQuote("my dir/x.gcs")).isEqualTo("'my dir/x.gcs'");
        assertThat(HuntPlan.shellQuote("it's")).isEqualTo("'it'\\''s'");
        assertThat(HuntPlan.shellQuote("")).isEqualTo("''");
        assertThat(HuntPlan.shellQuote("$HOME")).isEqualTo("'$HOME'");
    }

    @Test
    void seedRanges() {
        assertThat(HuntCommand.seedRange("7")).containsExactly(7, 7);
        assertThat(HuntCommand.seedRange(" 1 .. 3 ")).containsExactly(1, 3);
        assertThat(HuntCommand.seedRange("-2..2")).containsExactly(-2, 2);
        assertThat(HuntCommand.seedRange("9223372036854775806..9223372036854775807"))
                .containsExactly(Long.MAX_VALUE - 1, Long.MAX_VALUE);
        assertThatThrownBy(() -> HuntCommand.seedRange("-9223372036854775808..9223372036854775807"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("at most 1000000000000 seeds");
        assertThatThrownBy(() -> HuntCommand.seedRange("0..1000000000000"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("at most 1000000000000 seeds");
        assertThat(HuntCommand.seedRange("1..1000000000000")).containsExactly(1, 1_000_000_000_000L);
    }

    @Test
    void theSummaryLineSaysWhatWasTriedAndWhyTheHuntStopped() {
        HuntPlan plan = new HuntPlan(List.of("--scenario", "churn"), 1, 1_000, 0);
        Hunter.Outcome failed = new Hunter.Outcome(16, 1, List.of("gcsim: verification FAILED"), 2_000_000_000L);
        Hunter.Result r = new Hunter.Result(List.of(failed), 17, 0, true, null, 12_300_000_000L);
        assertThat(HuntReport.summary(plan, false, r)).startsWith(
                "gcsim hunt: 1 failure in 17 of 1,000 seeds (1..1000); stopped at the first failure (--all runs every"
                        + " seed), ");
        assertThat(plan.seedOf(16)).isEqualTo(17);
        assertThat(plan.commandLineOf(16)).isEqualTo("./gcsim run --scenario churn --deterministic --seed 17");
    }
}
