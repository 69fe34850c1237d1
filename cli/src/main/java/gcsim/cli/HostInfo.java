package gcsim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The machine a run ran on, as the JSON report's {@code "host"} object gives it: the CPU model
 * and the processors the JVM may use. Rates measured on two hosts do not compare, even against Go
 * in the same rounds: Go 1.19 marked the 1M-node tree at 33-35 ns per object on one host of this
 * machine kind and at 48-53 ns on another, while gcsim marked it at 15-19 ns on both
 * (docs/benchmarks.md, session 14). Immutable; any thread.
 *
 * @param cpuModel the first {@code model name} of /proc/cpuinfo (Linux), e.g. {@code AMD EPYC};
 *     null where there is none to read
 * @param cpus {@link Runtime#availableProcessors()}
 */
record HostInfo(@Nullable String cpuModel, int cpus) {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** This machine. */
    static HostInfo current() {
        return new HostInfo(cpuModel(CPUINFO), Runtime.getRuntime().availableProcessors());
    }

    /** The CPU model {@code cpuinfo} names, or null when it cannot be read or names none. */
    static @Nullable String cpuModel(Path cpuinfo) {
        try {
            return cpuModelOf(Files.readAllLines(cpuinfo));
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The value of the first {@code model name : ...} line of /proc/cpuinfo's text, or null. */
    static @Nullable String cpuModelOf(List<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("model name")) {
                String model = line.substring(colon + 1).trim();
                return model.isEmpty() ? null : model;
            }
        }
        return null;
    }
}
