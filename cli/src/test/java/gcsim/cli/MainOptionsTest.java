package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.cli.Fixtures.FakeEngine;
import gcsim.cli.Fixtures.Outcome;
import gcsim.gcmark.GcConfig;
import gcsim.goroutines.GoVersion;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.SuspendWait;
import gcsim.process.scenario.BuiltinScenario;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line contract: every bad input gives exit 2 and exactly one
 * stderr line "gcsim: ..." without a stack trace, even with a working
 * engine; help and version exit 0; valid options reach the engine as a
 * RunConfig.
 */
class MainOptionsTest {

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("run --foo", "unknown option '--foo' (see gcsim run --help)"),
                Arguments.of("run --proc 2", "unknown option '--proc' (did you mean --procs?"),
                Arguments.of("run --procs", "'--procs'"),
                Arguments.of("run --procs x", "--procs must be an integer, got 'x'"),
                Arguments.of("run --procs 0", "--procs must be between 1 and 256, got 0"),
                Arguments.of("run --procs -1", "--procs must be between 1 and 256, got -1"),
                Arguments.of("run --procs 257", "--procs must be between 1 and 256, got 257"),
                Arguments.of("run --procs 99999999999",
                        "--procs is out of range, got '99999999999' (--help gives its range)"),
                Arguments.of("run --seed 99999999999999999999",
                        "--seed is out of range for a 64-bit integer, got '99999999999999999999'"),
                Arguments.of("run --procs 2 --procs 3", "'--procs'"),
                Arguments.of("run --goroutines 0", "--goroutines must be between 1 and 10000000, got 0"),
                Arguments.of("run --goroutines 10000001", "--goroutines must be between 1 and 10000000"),
                Arguments.of("run --goroutines many", "--goroutines must be an integer, got 'many'"),
                Arguments.of("run --workers 0", "--workers must be between 1 and --procs (4), got 0"),
                Arguments.of("run --procs 2 --workers 3", "--workers must be between 1 and --procs (2), got 3"),
                Arguments.of("run --cycles 0", "--cycles must be between 1 and 100000, got 0"),
                Arguments.of("run --cycles 100001", "--cycles must be between 1 and 100000, got 100001"),
                Arguments.of("run --seed 1.5", "--seed must be a 64-bit integer, got '1.5'"),
                Arguments.of("run --mode fast", "--mode must be concurrent or stw, got 'fast'"),
                Arguments.of("run --preempt signal", "--preempt must be async or cooperative, got 'signal'"),
                Arguments.of("run --suspend sleep", "--suspend must be spin or park, got 'sleep'"),
                Arguments.of("run --stack-scan two_phase", "--stack-scan must be blocking or two-phase, got 'two_phase'"),
                Arguments.of("run --checkmark yes", "--checkmark must be on or off, got 'yes'"),
                Arguments.of("run --json=maybe", "--json"),
                Arguments.of("run --timeout -1", "--timeout must be between 0 (no limit) and 86400 seconds, got -1"),
                Arguments.of("run --timeout 86401", "--timeout must be between 0 (no limit) and 86400"),
                Arguments.of("run --timeout soon", "--timeout must be an integer, got 'soon'"),
                Arguments.of("run --scenario no-such-scenario",
                        "--scenario 'no-such-scenario' is neither a built-in scenario (see gcsim scenarios)"),
                Arguments.of("run --trace /no/such/dir/t.json", "--trace '/no/such/dir/t.json': directory"),
                Arguments.of("run --deterministic --trace t.json",
                        "--trace cannot be used with --deterministic: a trace records wall-clock times"),
                Arguments.of("run extra", "unexpected argument 'extra' (see gcsim run --help)"),
                Arguments.of("run --scenario=", "--scenario needs a built-in scenario name (see gcsim scenarios)"
                        + " or a file, got ''"),
                Arguments.of("run --trace=", "--trace needs a file name, got ''"),
                Arguments.of("run -- --cycles 1", "unexpected argument '--cycles' (options after '--' are not read"
                        + " as options; see gcsim run --help)"),
                Arguments.of("frob", "unknown command 'frob' (see gcsim --help)"),
                Arguments.of("--frob", "unknown option '--frob' (see gcsim --help)"),
                Arguments.of("scenarios --all", "unknown option '--all' (see gcsim scenarios --help)"),
                Arguments.of("run --go 1.13", "--go: unknown Go version '1.13'; known versions: 1.14.0, 1.14.1,"
                        + " 1.14, 1.15-gcsema, 1.15, 1.18, 1.19, 1.22, 1.23, 1.25-prologue, 1.25 (or a release they stand for, e.g. go1.14.12; see gcsim versions)"),
                Arguments.of("run --go 1.14.16", "--go: unknown Go version '1.14.16'; known versions: 1.14.0,"
                        + " 1.14.1, 1.14"),
                Arguments.of("run --go=", "--go: unknown Go version ''"),
                Arguments.of("versions --all", "unknown option '--all' (see gcsim versions --help)"));
    }

    @ParameterizedTest(name = "gcsim {0}")
    @MethodSource("badInput")
    void badInputIsOneLineAndExitTwo(String args, String expected) {
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        Outcome o = Fixtures.run(engine, withProcs4(args.split(" ")));
        assertOneBadInputLine(o, expected);
        assertThat(engine.config).as("the engine must not run on bad input").isNull();
    }

    @Test
    void theLauncherDecidesWhetherStderrIsATerminal() {
        String before = System.getProperty(Main.STDERR_TERMINAL_PROPERTY);
        try {
            System.setProperty(Main.STDERR_TERMINAL_PROPERTY, "true");
            assertThat(Main.stderrIsTerminal()).isTrue();
            System.setProperty(Main.STDERR_TERMINAL_PROPERTY, "false");
            assertThat(Main.stderrIsTerminal()).isFalse();
            System.clearProperty(Main.STDERR_TERMINAL_PROPERTY);
            assertThat(Main.stderrIsTerminal()).isEqualTo(System.console() != null);
        } finally {
            if (before == null) {
                System.clearProperty(Main.STDERR_TERMINAL_PROPERTY);
            } else {
                System.setProperty(Main.STDERR_TERMINAL_PROPERTY, before);
            }
        }
    }

    @Test
    void scenarioThatIsADirectoryIsBadInput(@TempDir Path dir) {
        assertOneBadInputLine(Fixtures.runWithoutEngine("run", "--scenario", dir.toString()), "is a directory");
    }

    @Test
    void traceThatIsADirectoryIsBadInput(@TempDir Path dir) {
        assertOneBadInputLine(Fixtures.runWithoutEngine("run", "--trace", dir.toString()), "is a directory");
    }

    @Test
    void noEngineYetSaysSoInOneLine() {
        assertOneBadInputLine(Fixtures.runWithoutEngine("run"), "the simulation engine is not built yet");
    }

    @Test
    void engineRejectingAScenarioFileIsOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.gcs"), "func main {\n  cal nowhere\n}\n");
        Engine engine = (config, listener) -> {
            throw new BadInputException(file + ":2: unknown instruction 'cal'");
        };
        Outcome o = Fixtures.run(engine, "run", "--scenario", file.toString());
        assertOneBadInputLine(o, file + ":2: unknown instruction 'cal'");
    }

    @Test
    void helpAndVersionExitZeroOnStdout() {
        for (String[] args : new String[][] {
            {"--help"}, {"-h"}, {"--version"}, {"-V"}, {"run", "--help"}, {"run", "--version"},
            {"scenarios", "--help"}, {"help", "run"}, {},
        }) {
            Outcome o = Fixtures.runWithoutEngine(args);
            assertThat(o.status()).as(String.join(" ", args)).isZero();
            assertThat(o.err()).as(String.join(" ", args)).isEmpty();
            assertThat(o.out()).as(String.join(" ", args)).isNotBlank();
        }
        assertThat(Fixtures.runWithoutEngine("--version").out()).startsWith("gcsim ").contains("go1.14");
        assertThat(Fixtures.runWithoutEngine("--help").out()).contains("run", "scenarios", "Usage: gcsim");
    }

    /**
     * picocli reports a description it cannot format (an unescaped '%') as a "[picocli WARN]" line
     * on System.err, not on the command's own stream, and prints the raw text: every command's
     * help must format cleanly.
     */
    @Test
    void everyCommandsHelpFormatsWithoutPicocliWarnings() {
        PrintStream saved = System.err;
        java.io.ByteArrayOutputStream systemErr = new java.io.ByteArrayOutputStream();
        System.setErr(new PrintStream(systemErr, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (String command : List.of("run", "scenarios", "versions", "hunt", "bench", "report")) {
                Outcome o = Fixtures.runWithoutEngine(command, "--help");
                assertThat(o.status()).as(command).isZero();
                assertThat(o.err()).as(command).isEmpty();
                assertThat(o.out()).as(command).contains("Usage: gcsim " + command);
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(systemErr.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void runHelpListsEveryOptionWithItsDefault() {
        String help = Fixtures.runWithoutEngine("run", "--help").out();
        assertThat(help).contains("--scenario=NAME|FILE", "--goroutines=N", "--procs=N", "--workers=N",
                "--cycles=N", "--seed=N", "--mode=concurrent|stw", "--preempt=async|cooperative",
                "--checkmark=on|off", "--json", "--trace=FILE", "--timeout=SECONDS");
        assertThat(help.replaceAll("\\s+", " ")).contains(
                "(default: default)", "(default: " + RunConfig.DEFAULT_GOROUTINES + ")",
                "(default: " + RunConfig.defaultProcs() + ", the number of CPUs)",
                "(default: " + RunConfig.DEFAULT_CYCLES + ")", "(default: 1)", "(default: concurrent)",
                "(default: async)", "(default: on)", "(default: 0)");
        assertThat(help).contains("Exit status:");
    }

    @Test
    void everyOptionReachesTheEngine(@TempDir Path dir) {
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        Path trace = dir.resolve("t.json");
        Outcome o = Fixtures.run(engine, "run", "--scenario", "tight-loops", "--goroutines", "77", "--procs", "3",
                "--workers", "2", "--cycles", "9", "--seed", "-42", "--mode", "stw", "--preempt", "cooperative",
                "--checkmark", "off", "--json", "--trace", trace.toString(), "--timeout", "30", "--gc-every", "500",
                "--gc-at-safepoints");
        assertThat(o.status()).as(o.err()).isZero();
        RunConfig c = engine.config;
        assertThat(c).isEqualTo(new RunConfig(new ScenarioRef.BuiltIn(BuiltinScenario.TIGHT_LOOPS), 77, 3, 2, 9,
                -42, GcConfig.Mode.STW, PreemptMode.COOPERATIVE, false, true, trace, 30, 500, true,
                SuspendWait.SPIN, GcConfig.StackScanStrategy.BLOCKING));
        assertThat(engine.sawTrace).isTrue();
    }

    @Test
    void deterministicReachesTheEngineWithTheSeed() {
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        Outcome o = Fixtures.run(engine, "run", "--deterministic", "--seed", "5");
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(engine.config.deterministic()).isTrue();
        assertThat(engine.config.seed()).isEqualTo(5);
        FakeEngine plain = new FakeEngine(Fixtures.cleanResult(1));
        assertThat(Fixtures.run(plain, "run").status()).isZero();
        assertThat(plain.config.deterministic()).isFalse();
    }

    @Test
    void goVersionReachesTheEngine() {
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        assertThat(Fixtures.run(engine, "run", "--go", "1.14.9").status()).isZero();
        assertThat(engine.config.goVersion()).isEqualTo(GoVersion.GO1_14_1);
        FakeEngine named = new FakeEngine(Fixtures.cleanResult(1));
        assertThat(Fixtures.run(named, "run", "--go", "go1.14.10").status()).isZero();
        assertThat(named.config.goVersion()).isEqualTo(GoVersion.GO1_14);
        FakeEngine zero = new FakeEngine(Fixtures.cleanResult(1));
        assertThat(Fixtures.run(zero, "run", "--go", "1.14.0").status()).isZero();
        assertThat(zero.config.goVersion()).isEqualTo(GoVersion.GO1_14_0);
        FakeEngine plain = new FakeEngine(Fixtures.cleanResult(1));
        assertThat(Fixtures.run(plain, "run").status()).isZero();
        assertThat(plain.config.goVersion()).isEqualTo(GoVersion.DEFAULT);
    }

    @Test
    void versionsListsEachVersionWithItsReleasesAndWhatItChanges() {
        Outcome o = Fixtures.runWithoutEngine("versions");
        assertThat(o.status()).isZero();
        List<String> lines = o.out().lines().toList();
        assertThat(lines).hasSize(2 * GoVersion.values().length);
        assertThat(lines.get(0)).startsWith("1.14.0 ").endsWith("go1.14.0");
        assertThat(lines.get(1)).contains("m.signalPending", "Go #37741", "0c0e8f224d", "e577ba98d8", "livelock");
        assertThat(lines.get(2)).startsWith("1.14.1 ").endsWith("go1.14.1-go1.14.9");
        assertThat(lines.get(3)).contains("parkingOnChan", "Go #40641", "eb3c6a93c3", "sudog with non-nil elem");
        assertThat(lines.get(4)).startsWith("1.14 (default) ").endsWith("go1.14.10-go1.14.15");
        assertThat(lines.get(5)).contains("e577ba98d8", "eb3c6a93c3");
        assertThat(lines.get(6)).startsWith("1.15-gcsema ").endsWith("devel go1.15 (f1f947af28 to 03ba6b070d)");
        assertThat(lines.get(7)).contains("gcsema", "f1f947af28", "79b43fa819", "Go #38404", "03ba6b070d", "deadlock");
        assertThat(lines.get(8)).startsWith("1.15 ").endsWith("go1.15.0-go1.15.15");
        assertThat(lines.get(9)).contains("03ba6b070d", "Go #38404");
        assertThat(lines.get(10)).startsWith("1.18 ").endsWith("go1.18.0-go1.18.10");
        assertThat(lines.get(11)).contains("a108b280bc", "9ac1ee2d46", "Go #44167", "stackScan", "globalsScan");
        assertThat(lines.get(12)).startsWith("1.19 ").endsWith("go1.19.0-go1.19.13");
        assertThat(lines.get(13)).contains("016d755213", "adaptivestackstart", "lastStackScan");
        int prologue = lines.indexOf(lines.stream().filter(l -> l.startsWith("1.25-prologue ")).findFirst().orElseThrow());
        assertThat(lines.get(prologue)).endsWith("devel go1.25 (3f3782feed, reverted by fa2bb342d7)");
        assertThat(lines.get(prologue + 1)).contains("Go #35470/#73542", "goroutine stack exceeds N-byte limit",
                "c6ac736288");
        assertThat(lines.get(14)).startsWith("1.22 ").endsWith("go1.22.0-go1.22.12");
        assertThat(lines.get(15)).contains("forEachP", "ff7cf2d4cd", "25895d1c99", "Go #72740", "c6ac736288");
        assertThat(lines.get(16)).startsWith("1.23 ").endsWith("go1.23.0-go1.23.12 and go1.24");
        assertThat(lines.get(17)).contains("isShrinkStackSafe", "traceEnabled() && isWaitingForGC()", "d6a3d093c3",
                "bd07fafb0a");
        assertThat(prologue).isEqualTo(18);
        assertThat(lines.get(prologue + 2)).startsWith("1.25 ").endsWith("go1.25.0 and later");
        assertThat(lines.get(prologue + 3)).contains("casGToWaitingForSuspendG", "c6ac736288", "Go #72740");
    }

    @Test
    void negativeGcEveryIsBadInput() {
        Outcome o = Fixtures.run(new FakeEngine(Fixtures.cleanResult(1)), "run", "--gc-every", "-1");
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("--gc-every must be between 0 (off) and");
    }

    @Test
    void defaultsWhenNoOptionIsGiven() {
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        assertThat(Fixtures.run(engine, "run").status()).isZero();
        assertThat(engine.config).isEqualTo(RunConfig.defaults());
        assertThat(engine.config.workers()).isZero(); // Go's controller
        assertThat(engine.sawTrace).isFalse();
    }

    @Test
    void workersDefaultToGosController() {
        // No --workers: 0, Go's controller decides each cycle (25% of GOMAXPROCS); an explicit
        // --workers N overrides it with N dedicated workers.
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        Fixtures.run(engine, "run", "--procs", "5");
        assertThat(engine.config.workers()).isZero();
        Fixtures.run(engine, "run", "--procs", "5", "--workers", "3");
        assertThat(engine.config.workers()).isEqualTo(3);
    }

    @Test
    void scenarioFileAndCaseInsensitiveValues(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("mine.gcs"), "# a scenario\n");
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        assertThat(Fixtures.run(engine, "run", "--scenario", file.toString(), "--mode", "STW",
                "--checkmark", "Off").status()).isZero();
        assertThat(engine.config.scenario()).isEqualTo(new ScenarioRef.File(file));
        assertThat(engine.config.mode()).isEqualTo(GcConfig.Mode.STW);
        assertThat(engine.config.checkmark()).isFalse();
    }

    /**
     * The four strategy options parse into the one enum per concept (gc-mark's
     * GcConfig.Mode and StackScanStrategy, goroutines' PreemptMode and
     * SuspendWait), and each constant's text() is the spelling the command
     * reads and the JSON echoes: the documented spellings, every one of them
     * reaching the engine as its constant.
     */
    @Test
    void everyStrategySpellingParsesIntoTheEnumThatPrintsIt() {
        assertThat(Stream.of(GcConfig.Mode.values()).map(GcConfig.Mode::text)).containsExactly("concurrent", "stw");
        assertThat(Stream.of(GcConfig.StackScanStrategy.values()).map(GcConfig.StackScanStrategy::text))
                .containsExactly("blocking", "two-phase");
        assertThat(Stream.of(PreemptMode.values()).map(PreemptMode::text)).containsExactly("async", "cooperative");
        assertThat(Stream.of(SuspendWait.values()).map(SuspendWait::text)).containsExactly("spin", "park");
        for (GcConfig.Mode m : GcConfig.Mode.values()) {
            assertThat(parsed("--mode", m.text()).mode()).isEqualTo(m);
        }
        for (GcConfig.StackScanStrategy ss : GcConfig.StackScanStrategy.values()) {
            assertThat(parsed("--stack-scan", ss.text()).stackScan()).isEqualTo(ss);
        }
        for (PreemptMode pm : PreemptMode.values()) {
            assertThat(parsed("--preempt", pm.text()).preempt()).isEqualTo(pm);
        }
        for (SuspendWait sw : SuspendWait.values()) {
            assertThat(parsed("--suspend", sw.text()).suspend()).isEqualTo(sw);
        }
    }

    /** The RunConfig that {@code gcsim run OPTION VALUE} hands the engine. */
    private static RunConfig parsed(String option, String value) {
        FakeEngine engine = new FakeEngine(Fixtures.cleanResult(1));
        Outcome o = Fixtures.run(engine, "run", option, value);
        assertThat(o.status()).as(o.err()).isZero();
        return engine.config;
    }

    @Test
    void scenariosPrintsOneLinePerBuiltInScenario() {
        Outcome o = Fixtures.runWithoutEngine("scenarios");
        assertThat(o.status()).isZero();
        assertThat(o.out().lines().map(l -> l.split("\\s+", 2)[0]).toList()).containsExactly(
                "default", "tight-loops", "deep-stacks", "syscalls", "churn", "blocked", "alloc-heavy");
        assertThat(o.out().lines()).allSatisfy(l -> assertThat(l.split("\\s{2,}", 2)[1]).isNotBlank());
    }

    @Test
    void builtInNamesResolveBeforeFiles() {
        for (BuiltinScenario s : BuiltinScenario.values()) {
            assertThat(BuiltinScenario.byName(s.scenarioName())).isEqualTo(s);
            assertThat(ScenarioRef.resolve(s.scenarioName())).isEqualTo(new ScenarioRef.BuiltIn(s));
        }
        assertThat(BuiltinScenario.byName("nope")).isNull();
    }

    /** The tests give --procs 4 first (unless the case sets it) so messages do not depend on this machine. */
    private static String[] withProcs4(String[] args) {
        boolean run = args.length > 0 && args[0].equals("run");
        boolean setsProcs = String.join(" ", args).contains("--procs");
        if (!run || setsProcs) {
            return args;
        }
        String[] withProcs = new String[args.length + 2];
        withProcs[0] = "run";
        withProcs[1] = "--procs";
        withProcs[2] = "4";
        System.arraycopy(args, 1, withProcs, 3, args.length - 1);
        return withProcs;
    }

    static void assertOneBadInputLine(Outcome o, String expected) {
        assertThat(o.status()).as(o.err()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(o.out()).isEmpty();
        assertThat(o.err()).endsWith("\n");
        assertThat(o.errLines()).hasSize(1);
        String line = o.errLines().get(0);
        assertThat(line).startsWith("gcsim: ").contains(expected)
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at gcsim.")
                .doesNotContain("picocli");
    }
}
