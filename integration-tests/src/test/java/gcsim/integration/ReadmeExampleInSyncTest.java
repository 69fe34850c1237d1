package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The embedding page, docs/embedding.md ("Running GC cycles from your own tests", linked from the
 * README), shows {@link ReadmeExampleTest} as it is (everything after its package line), so the
 * example always compiles and passes.
 */
class ReadmeExampleInSyncTest {
    static final String PAGE = "docs/embedding.md";
    static final String TITLE = "# Running GC cycles from your own tests\n";

    @Test
    void theEmbeddingPageShowsTheExampleTestAsItIs() throws IOException {
        Path root = Repository.root();
        String page = Files.readString(root.resolve(PAGE));
        String test = Files.readString(root.resolve(
                "integration-tests/src/test/java/gcsim/integration/ReadmeExampleTest.java"));
        assertThat(page).startsWith(TITLE);
        int open = page.indexOf("```java\n");
        assertThat(open).as("a java code block on the page").isNotNegative();
        int close = page.indexOf("\n```\n", open);
        String block = page.substring(open + "```java\n".length(), close + 1);
        String body = test.substring(test.indexOf("\n\n") + 2); // without "package gcsim.integration;"
        assertThat(block).isEqualTo(body);
    }

    /** A newcomer finds the page from the README. */
    @Test
    void theReadmeLinksToTheEmbeddingPage() throws IOException {
        String readme = Files.readString(Repository.root().resolve("README.md"));
        assertThat(readme).contains("](" + PAGE + ")");
    }

}
