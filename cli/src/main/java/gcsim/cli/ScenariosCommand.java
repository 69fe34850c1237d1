package gcsim.cli;

import gcsim.process.scenario.BuiltinScenario;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code gcsim scenarios}: one line per built-in scenario, its name and what it shows. */
@Command(
        name = "scenarios",
        mixinStandardHelpOptions = true,
        versionProvider = GcsimCommand.Version.class,
        description = {
            "Lists the built-in scenarios, one line each: name and what it shows.",
            "Run one with: gcsim run --scenario NAME",
        })
final class ScenariosCommand implements Callable<Integer> {
    private final PrintStream out;

    ScenariosCommand(PrintStream out) {
        this.out = out;
    }

    /** Prints the list. Command thread. */
    @Override
    public Integer call() {
        int width = 0;
        for (BuiltinScenario s : BuiltinScenario.values()) {
            width = Math.max(width, s.scenarioName().length());
        }
        for (BuiltinScenario s : BuiltinScenario.values()) {
            out.println(s.scenarioName() + " ".repeat(width - s.scenarioName().length() + 2) + s.description());
        }
        out.flush();
        return ExitStatus.OK;
    }
}
