package gcsim.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The JVM a run ran on, as the JSON report's {@code "jvm"} object gives it: the Java version and
 * whether the stopped path's compile policy was in force. Pauses measured with and without it
 * differ several-fold (docs/benchmarks.md, "The stopped path compiled"): the {@code ./gcsim}
 * launcher passes it; {@code java -jar gcsim.jar} and {@code GCSIM_JIT=default} do not.
 * Immutable; any thread.
 *
 * @param version {@link Runtime#version()} as text, e.g. {@code 17.0.15+6-Debian-1deb12u1}
 * @param stoppedPathCompiled whether the JVM was started with the launcher's compile commands file
 *     (the last {@code -XX:CompileCommandFile=} option names it, HotSpot reads only the last, and
 *     it exists: HotSpot says nothing of a missing one)
 */
record JvmInfo(String version, boolean stoppedPathCompiled) {
    /** The compile commands file's name (cli/src/main/jvm/; the launcher passes its path). */
    static final String COMPILE_COMMANDS_FILE = "stopped-path-compile-commands.txt";
    private static final String OPTION = "-XX:CompileCommandFile=";

    /** This JVM. */
    static JvmInfo current() {
        return of(Runtime.version().toString(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** A JVM of {@code version} started with {@code inputArguments} (its options, in order). */
    static JvmInfo of(String version, List<String> inputArguments) {
        String file = null;
        for (String a : inputArguments) {
            if (a.startsWith(OPTION)) {
                file = a.substring(OPTION.length());
            }
        }
        return new JvmInfo(version, file != null && file.endsWith(COMPILE_COMMANDS_FILE) && isFile(file));
    }

    /** Whether {@code path} names a readable file (HotSpot skips a missing one silently). */
    private static boolean isFile(String path) {
        try {
            return Files.isReadable(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
