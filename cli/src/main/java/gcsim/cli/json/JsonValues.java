package gcsim.cli.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The one reader of JSON text into a tree that the command's parts share: {@code gcsim bench}
 * (its runs' reports, through {@code gcsim.cli.JsonTree}) and {@code gcsim report} (its input
 * files). An object becomes a {@code LinkedHashMap} (keys in their order), an array an
 * {@code ArrayList}, an integer a {@code Long}, any other number a {@code Double}, a string a
 * {@code String}, true and false {@code Boolean}s, and null the caller's {@code jsonNull}. Strict:
 * a duplicate key, text that ends inside a value or a token JSON does not have is an
 * {@link IOException}. gcsim's reports are small (a few hundred lines per cycle), so a tree is
 * fine here; the {@code --json} writer streams. Stateless: any thread.
 */
public final class JsonValues {
    private JsonValues() {}

    /**
     * The value whose first token {@code p} is at ({@code p.nextToken()} was called), read to its
     * last token; {@code jsonNull} stands for JSON null.
     */
    public static @Nullable Object read(JsonParser p, @Nullable Object jsonNull) throws IOException {
        JsonToken token = p.currentToken();
        if (token == null) {
            throw new IOException("the JSON text ends early");
        }
        switch (token) {
            case START_OBJECT: {
                Map<String, @Nullable Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    if (key == null || p.nextToken() == null) {
                        throw new IOException("the JSON text ends early");
                    }
                    if (m.containsKey(key)) {
                        throw new IOException("duplicate key " + key);
                    }
                    m.put(key, read(p, jsonNull));
                }
                return m;
            }
            case START_ARRAY: {
                List<@Nullable Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, jsonNull));
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
                return jsonNull;
            default:
                throw new IOException("unexpected " + token + " at " + p.currentLocation());
        }
    }
}
