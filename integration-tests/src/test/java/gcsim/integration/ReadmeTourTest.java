package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour works as written: every {@code ./gcsim run} command in its {@code sh} blocks
 * runs (in this JVM, through {@code Main.execute}) with the scenario file the tour shows
 * ({@code keeper.gcs}) and the trace file it names written to a temporary directory; a scenario
 * file of the repository (the Benchmarks section's {@code benchmarks/scale/tree.gcs}) is read from
 * the repository, where the README's commands run. A command with {@code --break} must be caught
 * by the checkmark (exit 1), as the tour says; every other command must run clean (exit 0), with
 * {@code --json} as the report's {@code verification.verdict}.
 */
class ReadmeTourTest {
    static final String SCENARIO = "keeper.gcs";
    static final String TRACE = "trace.json";

    @Test
    void everyRunCommandOfTheReadmeDoesWhatTheTourSays(@TempDir Path dir) throws IOException {
        String readme = Files.readString(Repository.root().resolve("README.md"));
        Path scenario = dir.resolve(SCENARIO);
        Files.writeString(scenario, blockAfter(readme, "`" + SCENARIO + "`"));

        List<List<String>> commands = runCommands(readme);
        assertThat(commands).as("./gcsim run commands in the README").hasSizeGreaterThanOrEqualTo(4)
                .anyMatch(c -> c.contains(SCENARIO)).anyMatch(c -> c.contains("--break"))
                .anyMatch(c -> c.contains(TRACE));
        for (List<String> command : commands) {
            String[] args = command.stream()
                    .map(a -> a.equals(SCENARIO) ? scenario.toString() : a.equals(TRACE) ? dir.resolve(TRACE).toString()
                            : inRepository(a))
                    .toArray(String[]::new);
            Cli r = Cli.run(args);
            if (command.contains("--break")) {
                assertThat(r.status()).as("%s%n%s", command, r.err()).isEqualTo(1);
                assertThat(r.out()).as("%s", command).contains("verification: FAILED").contains("caught by checkmark");
            } else if (command.contains("--json")) {
                assertThat(r.status()).as("%s%n%s", command, r.err()).isZero();
                assertThat(Cli.map(r.json().get("verification"))).as("%s", command).containsEntry("verdict", "ok");
            } else {
                assertThat(r.status()).as("%s%n%s", command, r.err()).isZero();
                assertThat(r.out()).as("%s", command).contains("verification: ok");
            }
        }
        assertThat(dir.resolve(TRACE)).isNotEmptyFile();
    }

    /** {@code arg} itself, or the absolute path of the repository's scenario file it names relative to the root. */
    private static String inRepository(String arg) {
        if (!arg.endsWith(".gcs") || Path.of(arg).isAbsolute()) {
            return arg;
        }
        Path file = Repository.root().resolve(arg);
        return Files.isRegularFile(file) ? file.toString() : arg;
    }

    /** The lines of every fenced block opened with {@code ```info}. */
    private static List<String> lines(String readme, String info) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : readme.split("\n", -1)) {
            if (line.startsWith("```")) {
                in = !in && line.equals("```" + info);
            } else if (in) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The arguments after {@code ./gcsim} of every {@code ./gcsim run} line in a {@code sh} block. */
    private static List<List<String>> runCommands(String readme) {
        List<List<String>> commands = new ArrayList<>();
        for (String line : lines(readme, "sh")) {
            int comment = line.indexOf(" #");
            String command = (comment < 0 ? line : line.substring(0, comment)).trim();
            if (command.startsWith("./gcsim run")) {
                commands.add(Arrays.asList(command.substring("./gcsim ".length()).split("\\s+")));
            }
        }
        return commands;
    }

    /** The fenced block that follows the first mention of {@code marker}. */
    private static String blockAfter(String readme, String marker) {
        int at = readme.indexOf(marker);
        assertThat(at).as("the README names %s", marker).isNotNegative();
        int open = readme.indexOf("```\n", at);
        int close = readme.indexOf("\n```\n", open);
        assertThat(open).as("a fenced block after %s", marker).isNotNegative();
        return readme.substring(open + "```\n".length(), close + 1);
    }

}
