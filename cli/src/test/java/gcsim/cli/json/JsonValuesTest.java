package gcsim.cli.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;

/** The shared JSON tree reader: the types it builds, the caller's null, and what it refuses. */
class JsonValuesTest {
    private static final Object MARK = new Object();

    private static @Nullable Object read(String text, @Nullable Object jsonNull) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(text)) {
            p.nextToken();
            return JsonValues.read(p, jsonNull);
        }
    }

    @Test
    void buildsMapsInKeyOrderListsAndScalars() throws IOException {
        Object v = read("{\"z\": 1, \"a\": [2.5, \"s\", true, false, null], \"m\": {}}", MARK);
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(new ArrayList<Object>(m.keySet())).containsExactly("z", "a", "m");
        assertThat(m.get("z")).isEqualTo(1L);
        assertThat(new ArrayList<Object>((List<?>) m.get("a"))).containsExactly(2.5, "s", Boolean.TRUE, Boolean.FALSE, MARK);
        assertThat(m.get("m")).isEqualTo(Map.of());
    }

    @Test
    void jsonNullIsTheCallersValue() throws IOException {
        assertThat(read("[null]", null)).isEqualTo(Arrays.asList((Object) null));
    }

    @Test
    void refusesADuplicateKeyAndTextThatEndsInsideAValue() {
        assertThatThrownBy(() -> read("{\"a\": 1, \"a\": 2}", null)).isInstanceOf(IOException.class)
                .hasMessage("duplicate key a");
        assertThatThrownBy(() -> read("{\"a\": [1, 2", null)).isInstanceOf(IOException.class);
    }
}
