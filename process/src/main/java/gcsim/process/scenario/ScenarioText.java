package gcsim.process.scenario;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The text of a scenario file, read strictly: UTF-8 (one leading byte-order
 * mark is dropped), no NUL bytes, at most {@link #MAX_BYTES}. Anything else
 * is a {@link ScenarioException} naming the file and the line, so a binary
 * or Latin-1 file gets one clear line instead of a decoder's "Input length = 1".
 * Stateless: any thread.
 */
public final class ScenarioText {
    /** Far above any hand-written scenario; keeps a wrong file from filling the Java heap. */
    public static final int MAX_BYTES = 16 << 20;

    private ScenarioText() {}

    /**
     * Reads the scenario file at {@code path}. Any thread.
     *
     * @param path the file
     * @param name what errors call the file (what the user typed)
     * @return its text, without a leading byte-order mark
     * @throws ScenarioException when the file is too big, unreadable, or not UTF-8 text
     */
    public static String read(Path path, String name) {
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new ScenarioException(name, size + " bytes; a scenario file is at most " + MAX_BYTES
                        + " bytes (is this the right file?)");
            }
            return decode(name, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new ScenarioException(name, "cannot read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /**
     * The UTF-8 text of {@code bytes}, without a leading byte-order mark. Any thread.
     *
     * @param name  what errors call the scenario
     * @param bytes the scenario's bytes
     * @return the text
     * @throws ScenarioException {@code name:line: ...} at the first NUL byte or malformed sequence
     */
    public static String decode(String name, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new ScenarioException(name, "over " + MAX_BYTES + " bytes; a scenario file is at most "
                    + MAX_BYTES + " bytes");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new ScenarioException(name, lineOf(bytes, i),
                        "a NUL byte: binary data, not a scenario file (scenario files are UTF-8 text)");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            throw new ScenarioException(name, lineOf(bytes, at), "byte 0x"
                    + String.format(Locale.ROOT, "%02x", bytes[at] & 0xff)
                    + " is not UTF-8 text (scenario files are UTF-8; convert with iconv -t UTF-8)");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The 1-based line holding byte {@code offset}. */
    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
