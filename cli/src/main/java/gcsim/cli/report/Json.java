package gcsim.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import gcsim.cli.json.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a report file into a small tree ({@link JsonValues}, JSON null as Java null), and the
 * typed look-ups the report's readers use. Stateless: any thread.
 */
final class Json {
    private static final JsonFactory JSON = new JsonFactory();

    private Json() {}

    /**
     * The one JSON value in {@code file}.
     *
     * @throws ReportInputException naming the file when it is missing, unreadable, not JSON, or
     *         holds more than one value
     */
    static @Nullable Object read(Path file) {
        try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() == null) {
                throw new ReportInputException(file + ": empty file, not a gcsim JSON report");
            }
            @Nullable Object value = JsonValues.read(p, null);
            if (p.nextToken() != null) {
                throw new ReportInputException(file + ": more than one JSON value (line "
                        + p.currentLocation().getLineNr() + "), not a gcsim JSON report");
            }
            return value;
        } catch (NoSuchFileException e) {
            throw new ReportInputException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new ReportInputException(file + ": not JSON (line " + e.getLocation().getLineNr()
                    + ": " + e.getOriginalMessage().lines().findFirst().orElse("parse error") + ")");
        } catch (IOException e) {
            throw new ReportInputException(file + ": cannot read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /** {@code value} as an object, or null when it is not one. */
    @SuppressWarnings("unchecked") // JsonValues builds every object as a Map<String, Object>
    static @Nullable Map<String, @Nullable Object> object(@Nullable Object value) {
        return value instanceof Map ? (Map<String, @Nullable Object>) value : null;
    }

    /** {@code value} as an array, or null when it is not one. */
    @SuppressWarnings("unchecked") // JsonValues builds every array as a List<Object>
    static @Nullable List<@Nullable Object> array(@Nullable Object value) {
        return value instanceof List ? (List<@Nullable Object>) value : null;
    }

    /** The object under {@code key}, or an empty one when it is missing or not an object. */
    static Map<String, @Nullable Object> child(Map<String, @Nullable Object> o, String key) {
        Map<String, @Nullable Object> c = object(o.get(key));
        return c == null ? Map.of() : c;
    }

    /** The array under {@code key}, or an empty one when it is missing or not an array. */
    static List<@Nullable Object> list(Map<String, @Nullable Object> o, String key) {
        List<@Nullable Object> l = array(o.get(key));
        return l == null ? List.of() : l;
    }

    /** The number under {@code key} as a long, or {@code otherwise} when it is missing or not a number. */
    static long number(Map<String, @Nullable Object> o, String key, long otherwise) {
        return o.get(key) instanceof Number n ? n.longValue() : otherwise;
    }

    /** The value under {@code key} as text: a string as it is, others in JSON's spelling. */
    static String text(Map<String, @Nullable Object> o, String key) {
        return text(o.get(key));
    }

    /** {@code v} as text: a string as it is, null as "null", a list as [a, b], others by toString. */
    static String text(@Nullable Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object e : l) {
                parts.add(text(e));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return v.toString();
    }
}
