package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README's "Running GC cycles from your own tests" shows {@link ReadmeExampleTest} as it is
 * (everything after its package line), so the example always compiles and passes.
 */
class ReadmeExampleInSyncTest {
    static final String SECTION = "## Running GC cycles from your own tests";

    @Test
    void theReadmeShowsTheExampleTestAsItIs() throws IOException {
        Path root = repositoryRoot();
        String readme = Files.readString(root.resolve("README.md"));
        String test = Files.readString(root.resolve(
                "integration-tests/src/test/java/gcsim/integration/ReadmeExampleTest.java"));
        assertThat(readme).contains(SECTION);
        String section = readme.substring(readme.indexOf(SECTION));
        int open = section.indexOf("```java\n");
        assertThat(open).as("a java code block in the section").isNotNegative();
        int close = section.indexOf("\n```\n", open);
        String block = section.substring(open + "```java\n".length(), close + 1);
        String body = test.substring(test.indexOf("\n\n") + 2); // without "package gcsim.integration;"
        assertThat(block).isEqualTo(body);
    }

    /** The repository root (it holds README.md and examples/); Maven runs tests in the module's directory. */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("examples"))) {
                return p;
            }
        }
        throw new AssertionError("no README.md above " + here);
    }
}
