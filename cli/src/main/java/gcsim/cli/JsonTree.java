package gcsim.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON text with jackson-core's streaming parser into Maps (keys in
 * their order), Lists, Longs, Doubles, Strings, Booleans and {@link #NULL},
 * and insists the text is exactly one value. {@code gcsim bench} reads run
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
            Object value = read(p);
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

    private static Object read(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        if (token == null) {
            throw new IOException("the JSON text ends early");
        }
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    if (key == null || p.nextToken() == null) {
                        throw new IOException("the JSON text ends early");
                    }
                    if (m.containsKey(key)) {
                        throw new IOException("duplicate key " + key);
                    }
                    m.put(key, read(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING:
                return p.getText();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new IOException("unexpected " + token + " at " + p.currentLocation());
        }
    }

    /** Stands for JSON null (maps cannot hold Java null usefully in assertions). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
}
