package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every key {@code gcsim run --json} writes is documented in docs/json.md, the page users read
 * the report with: each key name (the last part of its path, e.g. {@code p99Nanos}) appears there
 * in backquotes, alone or at the end of a dotted path ({@code `suspendG.p99Nanos`}). Two real runs through {@link Main#execute}: a clean deterministic one (config,
 * cycles with their pause steps, mutator, verification, determinism) and one ended by a runtime
 * throw (the {@code fatal} object).
 */
class JsonKeysDocumentedTest {
    static final String PAGE = "docs/json.md";

    @Test
    void everyKeyOfTheJsonReportIsOnTheJsonPage() throws IOException {
        String page = Files.readString(repositoryRoot().resolve(PAGE));
        Set<String> keys = new TreeSet<>();
        keysOf(JsonTree.parse(json("run", "--json", "--deterministic", "--seed", "1", "--goroutines", "20",
                "--procs", "2", "--cycles", "2")), keys);
        // go1.19: the pacer object (go1.18's pacer, go1.19's starting stack size)
        keysOf(JsonTree.parse(json("run", "--json", "--deterministic", "--seed", "1", "--goroutines", "20",
                "--procs", "2", "--cycles", "2", "--go", "1.19")), keys);
        // stack jobs that do not stop the goroutine: Go's "scanstack - bad status" ends the run
        keysOf(JsonTree.parse(json("run", "--json", "--deterministic", "--seed", "1", "--goroutines", "20",
                "--procs", "2", "--cycles", "2", "--break", "suspend")), keys);
        assertThat(keys).as("keys the report wrote").contains("finishSweep", "checks", "digest", "message", "lines",
                "startingStackSize");
        List<String> undocumented = keys.stream()
                .filter(k -> !Pattern.compile("`([A-Za-z]+\\.)*" + Pattern.quote(k) + "`").matcher(page).find()).toList();
        assertThat(undocumented).as("JSON keys missing from " + PAGE).isEmpty();
    }

    /** The report's stdout; the run itself may fail (exit 1), the JSON is still one object. */
    private static String json(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.execute(args, o, e);
        }
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isIn(ExitStatus.OK, ExitStatus.VERIFICATION_FAILED);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void keysOf(Object node, Set<String> keys) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                keys.add((String) e.getKey());
                keysOf(e.getValue(), keys);
            }
        } else if (node instanceof List<?> list) {
            for (Object element : list) {
                keysOf(element, keys);
            }
        }
    }

    /** The repository root (it holds docs/ and examples/); Maven runs tests in the module's directory. */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(PAGE)) && Files.isDirectory(p.resolve("examples"))) {
                return p;
            }
        }
        throw new AssertionError("no " + PAGE + " above " + here);
    }
}
