package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.cli.Fixtures.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code gcsim bench}'s command line, with nothing run: bad input is one line and exit 2 before
 * any run; the cells are the cartesian product of the axes, each a checked {@code gcsim run};
 * {@code --emit-commands} prints them; a matrix file says the same as the options.
 */
class BenchCommandTest {
    static final String TINY = "bench --scenario default --goroutines 20 --cycles 3 ";

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of(TINY + "--vary foo=1,2", "--vary: unknown axis 'foo' (not a gcsim run option; known:"),
                Arguments.of(TINY + "--vary preempt=bogus", "--vary preempt=bogus: --preempt must be async or"
                        + " cooperative, got 'bogus'"),
                Arguments.of(TINY + "--vary procs=2,x", "--vary procs=x: --procs must be an integer, got 'x'"),
                Arguments.of(TINY + "--vary preempt=", "--vary preempt: an empty value in 'preempt='"),
                Arguments.of(TINY + "--vary preempt=async,,cooperative", "--vary preempt: an empty value"),
                Arguments.of(TINY + "--vary preempt", "--vary: expected KEY=V1,V2,..."),
                Arguments.of(TINY + "--vary preempt=async --vary preempt=cooperative", "axis 'preempt' given twice"),
                Arguments.of(TINY + "--vary preempt=async --preempt async", "--preempt is both an axis"),
                Arguments.of(TINY + "--vary deterministic=yes", "--vary deterministic: a flag takes true or false"),
                Arguments.of(TINY + "--vary workers=1,3 --procs 2", "--vary workers=3: --workers must be between 1"),
                Arguments.of(TINY + "--vary json=true", "'json' is not something a bench varies or sets"),
                Arguments.of(TINY + "--force --vary scenario=churn,syscalls", "--scenario: give one"),
                Arguments.of("bench --vary scenario=churn,syscalls", "only with --force"),
                Arguments.of("bench --goroutines 20", "missing --scenario"),
                Arguments.of(TINY + "--reps 0", "--reps must be between 1 and 100000, got 0"),
                Arguments.of(TINY + "--jobs 0", "--jobs must be between 1 and 1024, got 0"),
                Arguments.of(TINY + "--warmup-cycles -1", "--warmup-cycles must be between 0"),
                Arguments.of(TINY + "--warmup-cycles 3", "--warmup-cycles 3 leaves no cycle of cell all (--cycles 3)"),
                Arguments.of(TINY + "--vary preempt=async --baseline preempt=cooperative",
                        "--baseline: axis preempt has no value 'cooperative' (values: async)"),
                Arguments.of(TINY + "--vary preempt=async --baseline procs=2", "'procs' is not an axis of this bench"),
                Arguments.of(TINY + "--vary preempt=async,cooperative --vary suspend=spin,park --baseline"
                        + " preempt=async", "matches 2 cells; name a value of every axis (preempt, suspend)"),
                Arguments.of(TINY + "--vary preempt=async --baseline preempt", "--baseline: expected KEY=VALUE"),
                Arguments.of(TINY + "--bogus", "unknown option '--bogus'"),
                Arguments.of(TINY + "--trace t.json", "--trace: a bench writes no trace"),
                Arguments.of("bench --scenario no-such-scenario", "no-such-scenario"),
                Arguments.of("bench --merge . --vary preempt=async", "--merge makes the table from finished runs"),
                Arguments.of("bench --merge no-such-dir", "--merge: 'no-such-dir' is not a directory"),
                Arguments.of(TINY + "--matrix no-such-file", "--matrix: cannot read 'no-such-file'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputIsOneLineAndExitTwo(String args, String expected) {
        assertBadInput(Fixtures.runWithoutEngine(args.split(" ")), expected);
    }

    static void assertBadInput(Outcome r, String expected) {
        assertThat(r.status()).as(r.err()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("gcsim: ").contains(expected);
    }

    @Test
    void matrixFileErrorsNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("m.txt");
        String[] cases = {
            "vary preempt=async\n# a comment\nfrob x=1\n", ":3: unknown statement 'frob' (vary, set, baseline)",
            "vary preempt=async\n\nvary bogus=1,2\n", ":3: unknown axis 'bogus'",
            "set goroutines=20\nvary\n", ":2: 'vary' needs a KEY=... after it",
            "vary preempt=async\nbaseline preempt=async\nbaseline preempt=async\n", ":3: a second baseline (the first"
                    + " is at " + m + ":2)",
            "set goroutines\n", ":1: expected set KEY=VALUE, got 'set goroutines'",
            "set goroutines=0\n", "--goroutines must be between 1",
            "vary suspend=spin,park\nset suspend=spin\n", "--suspend is both an axis (--vary) and a run option (or a"
                    + " matrix file's set)",
        };
        for (int i = 0; i < cases.length; i += 2) {
            Files.writeString(m, cases[i], StandardCharsets.UTF_8);
            Outcome r = Fixtures.runWithoutEngine("bench", "--scenario", "default", "--matrix", m.toString());
            String expected = cases[i + 1].startsWith(":") ? m + cases[i + 1] : cases[i + 1];
            assertBadInput(r, expected);
        }
    }

    @Test
    void cellsAreTheCartesianProductLastAxisFastest() {
        BenchPlan plan = BenchPlan.build("default", List.of(new BenchPlan.Located("preempt=async,cooperative", "t"),
                        new BenchPlan.Located("procs=1,2,3", "t")),
                List.of(), List.of("--goroutines", "20", "--cycles", "3"), null, 2, 1, false);
        assertThat(plan.cells()).extracting(BenchPlan.Cell::name).containsExactly(
                "preempt=async,procs=1", "preempt=async,procs=2", "preempt=async,procs=3",
                "preempt=cooperative,procs=1", "preempt=cooperative,procs=2", "preempt=cooperative,procs=3");
        assertThat(plan.cells().get(4).settings()).containsExactly(Map.entry("preempt", "cooperative"),
                Map.entry("procs", "2"));
        assertThat(plan.cells().get(4).args()).containsExactly("run", "--scenario", "default", "--goroutines", "20",
                "--cycles", "3", "--timeout", "300", "--preempt", "cooperative", "--procs", "2", "--json");
        assertThat(plan.baseline()).isZero();
        assertThat(plan.axesMap()).containsExactly(Map.entry("preempt", List.of("async", "cooperative")),
                Map.entry("procs", List.of("1", "2", "3")));
    }

    @Test
    void axisNamesAreRunOptionsWithOrWithoutDashesAndFlagsTakeTrueOrFalse() {
        BenchPlan plan = BenchPlan.build("default", List.of(new BenchPlan.Located("stackscan=two-phase", "t"),
                        new BenchPlan.Located("gcAtSafepoints=false,true", "t")),
                List.of(), List.of("--timeout=20"), new BenchPlan.Located("gc-at-safepoints=true", "b"), 1, 1, false);
        assertThat(plan.cells()).extracting(BenchPlan.Cell::name).containsExactly(
                "stack-scan=two-phase,gc-at-safepoints=false", "stack-scan=two-phase,gc-at-safepoints=true");
        assertThat(plan.cells().get(0).args()).containsExactly("run", "--scenario", "default", "--timeout=20",
                "--stack-scan", "two-phase", "--json");
        assertThat(plan.cells().get(1).args()).endsWith("--stack-scan", "two-phase", "--gc-at-safepoints", "--json");
        assertThat(plan.baseline()).isEqualTo(1);
    }

    @Test
    void withoutAxesTheBenchIsOneCell() {
        BenchPlan plan = BenchPlan.build("churn", List.of(), List.of(), List.of(), null, 3, 1, false);
        assertThat(plan.cells()).extracting(BenchPlan.Cell::name).containsExactly(BenchPlan.ALL);
    }

    @Test
    void emitCommandsPrintsEveryRepOfEveryCellWritingIntoTheRunsDirectory() {
        Outcome r = Fixtures.runWithoutEngine("bench", "--scenario", "default", "--goroutines", "20", "--vary",
                "preempt=async,cooperative", "--reps", "2", "--runs-dir", "out dir", "--emit-commands");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        String common = "./gcsim run --scenario default --goroutines 20 --timeout 300 --preempt ";
        assertThat(r.out().lines().toList()).containsExactly(
                common + "async --json > 'out dir/01-preempt=async.r01.json'",
                common + "cooperative --json > 'out dir/02-preempt=cooperative.r01.json'",
                common + "async --json > 'out dir/01-preempt=async.r02.json'",
                common + "cooperative --json > 'out dir/02-preempt=cooperative.r02.json'");
    }

    @Test
    void aMatrixFileSaysWhatTheOptionsSay(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("strategies.txt");
        Files.writeString(m, String.join("\n", "# the README's strategies, small",
                "vary suspend=spin,park   # how suspendG waits",
                "vary stack-scan=blocking,two-phase",
                "set goroutines=20", "set deterministic",
                "baseline suspend=park,stack-scan=blocking", ""), StandardCharsets.UTF_8);
        Outcome fromFile = Fixtures.runWithoutEngine("bench", "--scenario", "default", "--matrix", m.toString(),
                "--emit-commands", "--reps", "1");
        Outcome fromOptions = Fixtures.runWithoutEngine("bench", "--scenario", "default", "--goroutines", "20",
                "--deterministic", "--vary", "suspend=spin,park", "--vary", "stack-scan=blocking,two-phase",
                "--emit-commands", "--reps", "1");
        assertThat(fromFile.status()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).isEqualTo(fromOptions.out());
        assertThat(fromFile.out().lines()).hasSize(4);
    }
}
