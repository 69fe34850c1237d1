package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Broken scenario files: exit 2, nothing on stdout, exactly one line on
 * stderr naming the file, the line and the problem (no stack trace). Each
 * case is a valid file with one line broken; {@code |} separates lines.
 */
class BrokenScenarioFilesTest {
    @TempDir
    Path dir;

    private static final String GOOD_HEAD = "type node 2 ptr 0|func f() locals(*x, v)|  new x node|";
    private static final String GOOD_TAIL = "  ret|end|go f 10%";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "unknown instruction; 4; '  frobnicate x'; unknown instruction",
        "unknown slot; 4; '  loadw nope x 1'; unknown slot",
        "operand count; 4; '  loadw v x'; takes 3 operands",
        "unknown label; 4; '  jmp nowhere'; unknown label",
        "unknown type; 4; '  new x nosuchtype'; unknown type",
        "unknown function; 4; '  call g x'; unknown function",
        "checker: scalar into pointer slot; 4; '  loadw x x 1'; not a scalar",
        "checker: pointer op on scalar; 4; '  loadp v x 0'; not a pointer slot",
        "bad number; 4; '  const v 12x'; bad integer",
        "unknown statement; 5; '  end|bogus line'; unknown statement",
    })
    void brokenLineIsNamed(String kind, int line, String broken, String problem) throws IOException {
        assertOneLineNaming(kind, GOOD_HEAD + broken + "|" + GOOD_TAIL, line, problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "missing end; 'type node 2|func f() locals(x)|  ret|go f 1'; 2; has no end",
        "go count; 'func f()|  ret|end|go f lots'; 4; bad goroutine count",
        "go arity; 'func f(a)|  ret|end|go f 3'; 4; takes 1 argument",
        "duplicate func; 'func f()|  ret|end|func f()|  ret|end|go f 1'; 4; duplicate func",
        "nothing to run; 'type node 2'; 1; nothing to run",
        "bad type; 'type node 2 ptr 5|func f()|  ret|end|go f 1'; 1; out of range",
    })
    void brokenStructureIsNamed(String kind, String text, int line, String problem) throws IOException {
        assertOneLineNaming(kind, text, line, problem);
    }

    @Test
    void notUtf8TextIsNamed() throws IOException {
        Path f = dir.resolve("latin1.gcs");
        Files.write(f, "func f() locals(n)\n# na\u00efve\nl:\n  jmp l\nend\ngo f 1\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertOneLine("latin-1", f, 2, "byte 0xef is not UTF-8 text");
        Path bin = dir.resolve("binary.gcs");
        Files.write(bin, new byte[] {'#', '\n', 0x7f, 'E', 'L', 'F', 0, 0});
        assertOneLine("binary", bin, 2, "a NUL byte: binary data, not a scenario file");
    }

    @Test
    void tooManyGoroutinesIsNamed() throws IOException {
        Path f = dir.resolve("huge.gcs");
        Files.writeString(f, "func f() locals(n)\nl:\n  jmp l\nend\ngo f 100000%\n");
        Cli r = Cli.run("run", "--scenario", f.toString(), "--goroutines", "1000000", "--cycles", "1");
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("gcsim: " + f + ":5: 100000% of --goroutines 1000000 is 1000000000 goroutines,"
                + " over the limit 10000000\n");
    }

    /** Writes {@code text} ({@code |} between lines), runs it, expects exit 2 and one line naming file:line. */
    private void assertOneLineNaming(String kind, String text, int line, String problem) throws IOException {
        Path f = dir.resolve("broken.gcs");
        Files.writeString(f, text.replace('|', '\n'));
        assertOneLine(kind, f, line, problem);
    }

    private static void assertOneLine(String kind, Path f, int line, String problem) {
        Cli r = Cli.run("run", "--scenario", f.toString(), "--cycles", "1");
        assertThat(r.status()).as(kind + "; stderr: " + r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(f + ":" + line + ": ").contains(problem).doesNotContain("Exception");
    }
}
