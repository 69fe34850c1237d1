package gcsim.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import gcsim.cli.json.JsonValues;
import java.io.IOException;
import java.util.Map;

/**
 * Parses JSON text with jackson-core's streaming parser into a tree
 * ({@link JsonValues}, with {@link #NULL} for JSON null), and insists the
 * text is exactly one value. {@code gcsim bench} reads run
 * reports with it; tests read every JSON gcsim prints. Stateless: any thread.
 */
final class JsonTree {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonTree() {}

    static Object parse(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("no JSON value");
            }
            Object value = JsonValues.read(p, NULL); // null only as NULL
            if (value == null) {
                throw new IOException("no JSON value"); // unreachable: JSON null reads as NULL
            }
            if (p.nextToken() != null) {
                throw new IOException("more than one JSON value, next at " + p.currentLocation());
            }
            return value;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text) throws IOException {
        return (Map<String, Object>) parse(text);
    }

    /** Stands for JSON null (maps cannot hold Java null usefully in assertions). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
}
