package gcsim.cli;

import gcsim.goroutines.GoVersion;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code gcsim versions}: the Go versions {@code run --go} takes, one block each: the
 * name, the releases it stands for, and what it changes against gcsim's model with
 * the Go commits and issues.
 */
@Command(
        name = "versions",
        mixinStandardHelpOptions = true,
        versionProvider = GcsimCommand.Version.class,
        description = {
            "Lists the Go versions gcsim run --go takes: the releases each stands for,",
            "what it changes and the Go commits. Run one with: gcsim run --go VERSION",
        })
final class VersionsCommand implements Callable<Integer> {
    private final PrintStream out;

    VersionsCommand(PrintStream out) {
        this.out = out;
    }

    /** Prints the list, oldest first. Command thread. */
    @Override
    public Integer call() {
        int width = 0;
        for (GoVersion v : GoVersion.known()) {
            width = Math.max(width, v.cliName().length());
        }
        for (GoVersion v : GoVersion.known()) {
            String name = v.cliName() + (v == GoVersion.DEFAULT ? " (default)" : "");
            out.println(name + " ".repeat(Math.max(2, width + 12 - name.length())) + v.releases());
            out.println("    " + v.changes());
        }
        out.flush();
        return ExitStatus.OK;
    }
}
