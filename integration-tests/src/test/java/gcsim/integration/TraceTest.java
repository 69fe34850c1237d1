package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --trace}: valid JSON with the GC phase track and the engine's per-M tracks of running Gs. */
class TraceTest {
    @TempDir
    Path dir;

    @Test
    void traceHasPhasesAndPerMTracks() throws IOException {
        Path file = dir.resolve("trace.json");
        Cli r = Cli.run("run", "--goroutines", "200", "--cycles", "3", "--trace", file.toString(), "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        Set<String> names = new HashSet<>();
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && p.currentName().equals("name")) {
                    p.nextToken();
                    names.add(p.getText());
                }
            }
        }
        // Event names, and the track names (metadata args.name): the GC track, the per-M tracks.
        assertThat(names).contains("concurrent mark", "goroutines", "GC", "M0");
        assertThat(names).anyMatch(n -> n.matches("G\\d+"));
    }
}
