package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stopped path's compile commands file (cli/src/main/jvm/, passed by the {@code ./gcsim}
 * launcher; docs/benchmarks.md, "The stopped path compiled"). HotSpot ignores a pattern that
 * matches nothing, silently: a method renamed or moved would quietly fall back to the
 * interpreter and the pauses grow several-fold with no test failing. So every line must name a
 * class and a method that exist, the file must start with {@code quiet} (else HotSpot prints
 * each command on stdout, into {@code --json}'s output), and the launcher must pass this file.
 */
class StoppedPathCompileCommandsTest {
    static final Path FILE = Path.of("src/main/jvm", JvmInfo.COMPILE_COMMANDS_FILE);
    private static final String COMMAND = "CompileThresholdScaling";

    @Test
    void everyLineNamesAClassAndMethodThatExist() throws IOException {
        List<String> lines = Files.readAllLines(FILE);
        assertThat(problems(lines)).isEmpty();
        assertThat(lines.stream().filter(l -> l.startsWith(COMMAND))).hasSizeGreaterThan(40);
    }

    /** Negative control: the check above finds what it guards against. */
    @Test
    void staleOrMalformedLinesAreReported() {
        assertThat(problems(List.of("quiet",
                COMMAND + ",gcsim.gcmark.NoSuchCollector::gcStart,0.00001",
                COMMAND + ",gcsim.gcmark.Collector::noSuchStep,0.00001",
                COMMAND + ",gcsim.gcmark.Collector::gcStart",
                COMMAND + ",gcsim.gcmark.Collector::gcStart,0",
                "Exclude,gcsim.gcmark.Collector::gcStart",
                COMMAND + ",gcsim.gcmark.Collector::gcStart,0.00001")))
                .hasSize(5);
        assertThat(problems(List.of(COMMAND + ",gcsim.gcmark.Collector::gcStart,0.00001")))
                .containsExactly("line 1: the file must start with 'quiet'");
    }

    @Test
    void theLauncherPassesThisFile() throws IOException {
        String launcher = Files.readString(Path.of("..", "gcsim"));
        assertThat(launcher).contains("-XX:CompileCommandFile=$here/cli/" + FILE);
    }

    @Test
    void theJsonSaysWhetherTheFileWasPassed() {
        String path = "-XX:CompileCommandFile=" + FILE.toAbsolutePath();
        assertThat(JvmInfo.of("17", List.of("-Xmx1g", path)).stoppedPathCompiled()).isTrue();
        assertThat(JvmInfo.of("17", List.of("-Xmx1g")).stoppedPathCompiled()).isFalse();
        // HotSpot reads the last one only: a user's own file in JAVA_OPTS replaces the policy.
        assertThat(JvmInfo.of("17", List.of(path, "-XX:CompileCommandFile=/tmp/mine.txt")).stoppedPathCompiled())
                .isFalse();
        assertThat(JvmInfo.of("17", List.of("-XX:CompileCommandFile=/tmp/mine.txt", path)).stoppedPathCompiled())
                .isTrue();
        // A missing file (HotSpot skips it silently) is not the policy.
        String missing = "-XX:CompileCommandFile=/nonexistent/cli/src/main/jvm/" + JvmInfo.COMPILE_COMMANDS_FILE;
        assertThat(JvmInfo.of("17", List.of(missing)).stoppedPathCompiled()).isFalse();
    }

    /** One message per bad line ("line N: ..."); empty when the file is as it must be. */
    static List<String> problems(List<String> lines) {
        List<String> out = new ArrayList<>();
        if (lines.isEmpty() || !lines.get(0).equals("quiet")) {
            out.add("line 1: the file must start with 'quiet'");
        }
        for (int i = 1; i <= lines.size(); i++) {
            String line = lines.get(i - 1).strip();
            if (line.isEmpty() || line.startsWith("#") || (i == 1 && line.equals("quiet"))) {
                continue;
            }
            String problem = problem(line);
            if (problem != null) {
                out.add("line " + i + ": " + problem + ": " + line);
            }
        }
        return out;
    }

    private static @org.checkerframework.checker.nullness.qual.Nullable String problem(String line) {
        String[] parts = line.split(",", -1);
        if (parts.length != 3 || !parts[0].equals(COMMAND)) {
            return "expected " + COMMAND + ",<class>::<method>,<scale>";
        }
        try {
            double scale = Double.parseDouble(parts[2]);
            if (!(scale > 0 && scale < 1)) {
                return "the scale must be between 0 and 1";
            }
        } catch (NumberFormatException e) {
            return "the scale is not a number";
        }
        int sep = parts[1].indexOf("::");
        if (sep < 0) {
            return "expected <class>::<method>";
        }
        String className = parts[1].substring(0, sep);
        String method = parts[1].substring(sep + 2);
        Class<?> c;
        try {
            c = Class.forName(className, false, StoppedPathCompileCommandsTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "no class " + className;
        }
        if (method.equals("*")) {
            return null;
        }
        Stream<Executable> all = method.equals("<init>")
                ? Stream.of(c.getDeclaredConstructors())
                : Stream.of(c.getDeclaredMethods()).filter(m -> m.getName().equals(method)).map(m -> (Executable) m);
        return all.findAny().isPresent() ? null : "no method " + method + " in " + className;
    }
}
