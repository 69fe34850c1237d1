package gcsim.cli;

import static gcsim.cli.RunReportTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.cli.Fixtures.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime throw through the real engine prints what Go's throw → fatalthrow → dopanic_m prints:
 * the runtime's print line, "fatal error: ...", then the throwing goroutine's traceback
 * ("goroutine N [running]:" and its frames, innermost first), then the others as tracebackothers
 * does, bounded as the --timeout dump (100, then a count of the rest); no Java stack trace. With
 * --json stdout is still one object: the cycles finished before the throw and a "fatal" object.
 *
 * <p>The program: 149 goroutines parked for ever, and one that allocates five objects with
 * {@code --gc-every 1} (each allocation waits for its cycle, so cycles finish before the throw),
 * then calls {@code check}, whose {@code checkeq} fails.
 */
@Timeout(120)
class FatalTracebackTest {
    @TempDir
    Path dir;

    @Test
    void aFailedMutatorCheckPrintsTheThrowingGoroutineThenAtMostAHundredOthers() throws IOException {
        Outcome o = Fixtures.run(Engines::builtIn, args(false));
        assertThat(o.status()).as(o.err()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        List<String> err = o.errLines();
        assertThat(err.get(0)).matches("gcsim: check at \\d+: 1 != 2");
        assertThat(err.subList(1, 5)).as(o.err()).containsExactly("fatal error: mutator check failed", "",
                err.get(3), "check(...)");
        assertThat(err.get(3)).matches("goroutine \\d+ \\[running\\]:");
        // Innermost first: check, then its caller liar.
        assertThat(err.get(6)).isEqualTo("liar(...)");
        // 151 goroutines alive (main, 149 parked, the liar): the liar, then 100 of the 150 others.
        assertThat(err.stream().filter(l -> l.startsWith("goroutine ")).count()).isEqualTo(101);
        assertThat(err).contains("goroutine 1 [select (no cases)]:")
                .contains("... 50 more goroutines not shown (the dump stops at 100)");
        assertThat(o.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(o.out()).contains("caught by mutator-check (1 failed checks)");
    }

    @Test
    void withJsonStdoutIsOneObjectWithTheCyclesSoFarAndTheFatalError() throws Exception {
        Outcome o = Fixtures.run(Engines::builtIn, args(true));
        assertThat(o.status()).as(o.err()).isEqualTo(ExitStatus.VERIFICATION_FAILED);
        Map<String, Object> root = JsonTree.object(o.out());
        assertThat((List<?>) root.get("cycles")).as("cycles before the throw").isNotEmpty();
        assertThat(root).containsEntry("exitStatus", 1L);
        Map<String, Object> fatal = map(root, "fatal");
        assertThat(fatal).containsEntry("message", "mutator check failed");
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) fatal.get("lines");
        assertThat(lines).hasSize(JsonReport.FATAL_LINES); // bounded: the report has ~400 lines
        assertThat(lines.get(1)).isEqualTo("fatal error: mutator check failed");
        Matcher header = Pattern.compile("goroutine (\\d+) \\[running\\]:").matcher(lines.get(3));
        assertThat(header.matches()).as(lines.get(3)).isTrue();
        assertThat(fatal).containsEntry("goroutine", Long.parseLong(header.group(1)));
        assertThat(map(root, "verification")).containsEntry("caughtBy", List.of("mutator-check"))
                .containsEntry("mutatorCheckFailures", 1L).containsEntry("verdict", "failed");
        // The report itself is on stderr, after the gctrace lines.
        assertThat(o.err()).contains("fatal error: mutator check failed\n\n" + lines.get(3) + "\ncheck(...)\n");
    }

    private String[] args(boolean json) throws IOException {
        Path f = Files.writeString(dir.resolve("liar.gcs"), String.join("\n",
                "type box 1",
                "func liar() locals(*p, i, n)",
                "  const i 0",
                "  const n 5",
                "grow:",
                "  new p box",
                "  addi i i 1",
                "  jlt i n grow",
                "  call check",
                "  ret",
                "end",
                "func check() locals(a, b)",
                "  const a 1",
                "  const b 2",
                "  checkeq a b",
                "  ret",
                "end",
                "func parked()",
                "  block",
                "end",
                "go parked 149",
                "go liar 1") + "\n");
        return json
                ? new String[] {"run", "--scenario", f.toString(), "--cycles", "50", "--gc-every", "1", "--procs", "2",
                    "--timeout", "60", "--json"}
                : new String[] {"run", "--scenario", f.toString(), "--cycles", "50", "--gc-every", "1", "--procs", "2",
                    "--timeout", "60"};
    }
}
