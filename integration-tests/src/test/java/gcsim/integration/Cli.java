package gcsim.integration;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import gcsim.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code gcsim} in-process through {@link Main#execute} and captures
 * what it printed; reads its {@code --json} output into plain maps and lists
 * (jackson-core's streaming parser, so a second JSON object or trailing
 * garbage on stdout fails the read).
 */
record Cli(int status, String out, String err) {

    /**
     * A race-based catch tried over seeds 1..{@code seeds}: runs {@code runSeed} for each until
     * one exits 1 and returns that run, whose stderr must contain {@code caught}. Every run before
     * it must be clean (exit 0), no run may print a Java stack trace, and when no seed catches it
     * the test fails with {@code what} and one {@code notCaught} note per seed.
     */
    static Cli firstCatch(int seeds, java.util.function.IntFunction<Cli> runSeed, String caught, String notCaught,
            String what) {
        List<String> seen = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            Cli r = runSeed.apply(seed);
            org.assertj.core.api.Assertions.assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
            if (r.status() == 1) {
                org.assertj.core.api.Assertions.assertThat(r.err()).as("seed %d", seed).contains(caught);
                return r;
            }
            org.assertj.core.api.Assertions.assertThat(r.status())
                    .as("seed %d: clean or caught; stderr:%n%s", seed, r.err()).isZero();
            seen.add("seed " + seed + ": " + notCaught);
        }
        throw new AssertionError(what + ": " + seen);
    }

    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = Main.execute(args, o, e);
            return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** stdout as exactly one JSON object. */
    Map<String, Object> json() {
        try (JsonParser p = new JsonFactory().createParser(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new AssertionError("stdout does not start with a JSON object: " + out);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) value(p);
            if (p.nextToken() != null) {
                throw new AssertionError("stdout has more than one JSON value: " + out);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    m.put(k, value(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return "null";
            }
            default -> {
                return p.getText();
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Long l)) {
            throw new AssertionError("key " + key + " is not an integer: " + v + " in " + m);
        }
        return l;
    }
}
