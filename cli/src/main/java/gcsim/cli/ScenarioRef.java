package gcsim.cli;

import gcsim.process.scenario.BuiltinScenario;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code --scenario NAME|FILE} named: a built-in scenario or a scenario
 * file. A built-in name wins over a file of the same name in the current
 * directory (write {@code ./default} to mean the file).
 */
public sealed interface ScenarioRef {

    /** The text of {@code --scenario} as it goes into the report's config. */
    String name();

    /** A built-in scenario. */
    record BuiltIn(BuiltinScenario scenario) implements ScenarioRef {
        @Override
        public String name() {
            return scenario.scenarioName();
        }
    }

    /** A scenario file; it existed and was readable when the options were checked. */
    record File(Path path) implements ScenarioRef {
        @Override
        public String name() {
            return path.toString();
        }
    }

    /**
     * Resolves {@code --scenario}'s value. Throws {@link BadInputException}
     * when it is neither a built-in name nor a readable regular file.
     */
    static ScenarioRef resolve(String value) {
        if (value.isBlank()) {
            // Path.of("") is the current directory: say what is really wrong.
            throw new BadInputException("--scenario needs a built-in scenario name (see gcsim scenarios) or a file,"
                    + " got '" + value + "'");
        }
        BuiltinScenario builtIn = BuiltinScenario.byName(value);
        if (builtIn != null) {
            return new BuiltIn(builtIn);
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw notFound(value);
        }
        if (Files.isDirectory(path)) {
            throw new BadInputException("--scenario '" + value + "' is a directory, not a scenario file");
        }
        if (!Files.isRegularFile(path)) {
            throw notFound(value);
        }
        if (!Files.isReadable(path)) {
            throw new BadInputException("--scenario '" + value + "': file is not readable");
        }
        return new File(path);
    }

    private static BadInputException notFound(String value) {
        return new BadInputException("--scenario '" + value
                + "' is neither a built-in scenario (see gcsim scenarios) nor an existing file");
    }
}
