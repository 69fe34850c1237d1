package gcsim.process.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario files that are not what they should be: binary, not UTF-8, too
 * big, or with limits the go lines break. Each gives one line naming the
 * file and, where there is one, the line.
 */
class ScenarioTextTest {
    private static final String GOOD = "func f() locals(n)\nl:\n  jmp l\nend\ngo f 1\n";

    @Test
    void utf8TextIsReadAndAByteOrderMarkDropped() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] text = GOOD.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(text, 0, withBom, bom.length, text.length);
        assertThat(ScenarioText.decode("b.gcs", withBom)).isEqualTo(GOOD);
        assertThat(ScenarioText.decode("u.gcs", "# café\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("# café\n");
        // And the parser accepts what a BOM used to hide.
        assertThat(ScenarioParser.parse("b.gcs", ScenarioText.decode("b.gcs", withBom), 1).spawned()).isEqualTo(1);
    }

    @Test
    void latin1NamesTheLineAndTheByte() {
        byte[] latin1 = "func f()\n  ret\n# caf\u00e9\nend\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ScenarioText.decode("l.gcs", latin1)).isInstanceOf(ScenarioException.class)
                .hasMessage("l.gcs:3: byte 0xe9 is not UTF-8 text (scenario files are UTF-8; convert with"
                        + " iconv -t UTF-8)");
    }

    @Test
    void binaryDataNamesTheLineOfTheFirstNul() {
        byte[] bin = {'f', 'u', 'n', 'c', '\n', '\n', 0, 1, 2, (byte) 0xff};
        assertThatThrownBy(() -> ScenarioText.decode("x.gcs", bin)).isInstanceOf(ScenarioException.class)
                .hasMessage("x.gcs:3: a NUL byte: binary data, not a scenario file (scenario files are UTF-8 text)");
    }

    @Test
    void aHugeFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.gcs");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), ScenarioText.MAX_BYTES); // sparse
        }
        assertThatThrownBy(() -> ScenarioText.read(big, "big.gcs")).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("big.gcs: " + (ScenarioText.MAX_BYTES + 1L) + " bytes; a scenario file is at"
                        + " most");
        Path ok = Files.writeString(dir.resolve("ok.gcs"), GOOD);
        assertThat(ScenarioText.read(ok, "ok.gcs")).isEqualTo(GOOD);
    }

    @Test
    void aPercentageScaledPastTheLimitIsNamed() {
        String text = "func f() locals(n)\nl:\n  jmp l\nend\ngo f 100000%\n";
        assertThatThrownBy(() -> ScenarioParser.parse("p.gcs", text, ScenarioParser.MAX_GOROUTINES))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("p.gcs:5: 100000% of --goroutines 10000000 is 10000000000 goroutines, over the limit"
                        + " 10000000");
    }

    @Test
    void goLinesTogetherPastTheLimitAreNamed() {
        String text = "func f() locals(n)\nl:\n  jmp l\nend\ngo f 9999999\ngo f 50%\n";
        assertThatThrownBy(() -> ScenarioParser.parse("t.gcs", text, 4))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("t.gcs:6: the go lines start 10000001 goroutines in all, over the limit 10000000");
        assertThat(ScenarioParser.parse("t.gcs", text.replace("50%", "25%"), 4).spawned()).isEqualTo(10_000_000);
    }
}
