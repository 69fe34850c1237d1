package gcsim.integration;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's own files for the integration tests (examples, scenarios, the README):
 * Maven runs the tests in the module's directory, so the root is found by walking up to the
 * directory that holds README.md and examples/.
 */
final class Repository {
    private Repository() {}

    /** The repository root. */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("examples"))) {
                return p;
            }
        }
        throw new AssertionError("no README.md and examples/ above " + here);
    }

    /** The file {@code name} (relative to the root) as a path string, as a command line takes it. */
    static String file(String name) {
        return root().resolve(name).toString();
    }
}
