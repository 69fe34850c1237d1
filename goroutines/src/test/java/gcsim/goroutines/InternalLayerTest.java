package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.internal.GcSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * gcsim.goroutines.internal is a lower layer of gcsim.goroutines (see GcSupport's header): its
 * classes mention no class of the core package, so the two packages form no import cycle. Read
 * from the compiled classes (every constant-pool reference, imports or not); the fixture shows
 * the check finds a core reference where there is one.
 */
class InternalLayerTest {
    private static final String CORE = "gcsim/goroutines/";

    @Test
    void internalClassesReferenceNoCoreClass() throws Exception {
        List<Path> classes = internalClassFiles();
        assertThat(classes).isNotEmpty();
        for (Path c : classes) {
            assertThat(coreReferences(Files.readAllBytes(c))).as(c.getFileName().toString()).isEmpty();
        }
    }

    @Test
    void fixtureTheCheckFindsCoreReferences() throws IOException {
        // GcViews implements the internal types in the core: its views name G and Sched.
        assertThat(coreReferences(classBytes(GcViews.Goroutine.class))).contains("G", "M");
        assertThat(coreReferences(classBytes(GcViews.Runtime.class))).contains("Sched");
    }

    /** Simple names of the core-package classes named anywhere in a class file. */
    static TreeSet<String> coreReferences(byte[] classFile) {
        // Class names in the constant pool are modified UTF-8; ASCII names read as ISO-8859-1.
        String s = new String(classFile, StandardCharsets.ISO_8859_1);
        TreeSet<String> found = new TreeSet<>();
        for (int i = s.indexOf(CORE); i >= 0; i = s.indexOf(CORE, i + 1)) {
            int j = i + CORE.length();
            int k = j;
            while (k < s.length() && isNameChar(s.charAt(k))) {
                k++;
            }
            String name = s.substring(j, k);
            if (k < s.length() && s.charAt(k) == '/') {
                continue; // a subpackage (gcsim/goroutines/internal/...)
            }
            if (!name.isEmpty()) {
                found.add(name);
            }
        }
        return found;
    }

    private static boolean isNameChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '$');
    }

    private static byte[] classBytes(Class<?> c) throws IOException {
        String file = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(file)) {
            assertThat(in).isNotNull();
            return in.readAllBytes();
        }
    }

    private static List<Path> internalClassFiles() throws IOException, URISyntaxException {
        Path root = Path.of(GcSupport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = root.resolve("gcsim/goroutines/internal");
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(out::add);
        }
        return out;
    }
}
