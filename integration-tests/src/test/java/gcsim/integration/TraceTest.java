package gcsim.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --trace}: well-formed JSON with the GC phase track, exact per-M
 * tracks of running Gs, suspendG spans, stack growths and G status
 * transitions from the runtime's event stream, and bounded by the cap.
 */
class TraceTest {
    @TempDir
    Path dir;

    @Test
    void traceHasRuntimeEventsOnPerMTracks() throws IOException {
        Path file = dir.resolve("trace.json");
        Cli r = Cli.run("run", "--scenario", "deep-stacks", "--goroutines", "50", "--cycles", "2",
                "--trace", file.toString(), "--timeout", "60");
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        List<Map<String, Object>> events = events(file);
        Map<Long, String> trackNames = trackNames(events);
        assertThat(trackNames.values()).contains("GC", "M0", "GC phase changes");
        // Exact "which G ran when" spans, on M tracks only.
        List<Map<String, Object>> runs = of(events, "X", "sched");
        assertThat(runs).isNotEmpty().allSatisfy(e -> {
            assertThat((String) e.get("name")).matches("G\\d+");
            assertThat(trackNames.get(Cli.num(e, "tid"))).startsWith("M");
        });
        assertThat(of(events, "X", "suspendG")).isNotEmpty()
                .allSatisfy(e -> assertThat((String) e.get("name")).matches("suspendG g\\d+ \\((dead|stopped|suspended)\\)"));
        assertThat(of(events, "i", "status")).isNotEmpty()
                .anySatisfy(e -> assertThat((String) e.get("name")).matches("g\\d+ runnable -> running"))
                .anySatisfy(e -> assertThat((String) e.get("name")).contains("+scan"))
                // newproc1 numbers a G after making it runnable: until then it is "newg", never "g0".
                .anySatisfy(e -> assertThat((String) e.get("name")).isEqualTo("newg idle -> dead"))
                .noneSatisfy(e -> assertThat((String) e.get("name")).startsWith("g0 "));
        assertThat(of(events, "i", "stack")).isNotEmpty()
                .anySatisfy(e -> assertThat((String) e.get("name")).matches("stack grow g\\d+"));
        assertThat(of(events, "i", "gc")).extracting(e -> e.get("name"))
                .contains("_GCmark", "_GCmarktermination", "_GCoff");
        // The background mark workers are goroutines on the Ms: each run a span in its mode.
        assertThat(of(events, "X", "gc")).filteredOn(e -> ((String) e.get("name")).startsWith("mark worker ("))
                .isNotEmpty().allSatisfy(e -> {
                    assertThat((String) e.get("name")).matches("mark worker \\((dedicated|fractional|idle)\\)");
                    assertThat(trackNames.get(Cli.num(e, "tid"))).startsWith("M");
                });
        // Counters: goroutines alive and heap live, sampled between cycles too (not only at their ends).
        List<Map<String, Object>> heap = of(events, "C", "counter").stream()
                .filter(e -> "heap".equals(e.get("name"))).toList();
        assertThat(heap).hasSizeGreaterThan(2)
                .anySatisfy(e -> assertThat(Cli.num(Cli.map(e.get("args")), "liveBytes")).isPositive());
        List<Long> alive = of(events, "C", "counter").stream().filter(e -> "goroutines".equals(e.get("name")))
                .map(e -> Cli.num(Cli.map(e.get("args")), "alive")).toList();
        assertThat(alive).isNotEmpty().allSatisfy(n -> assertThat(n).isBetween(1L, 51L)); // 50 and main
    }

    /**
     * The syscalls and blocked scenarios show in the trace as what they are
     * there to exercise: suspendG takes the scan bit of a goroutine in a
     * system call (_Gsyscall) and of a parked one (_Gwaiting), without
     * preempting either.
     */
    @Test
    void goroutinesInSyscallsAndParkedOnesAreScannedWhereTheyAre() throws IOException {
        for (String scenario : List.of("syscalls", "blocked")) {
            Path file = dir.resolve(scenario + ".json");
            Cli r = Cli.run("run", "--scenario", scenario, "--goroutines", "40", "--cycles", "2", "--trace",
                    file.toString(), "--timeout", "60");
            assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
            String scanned = scenario.equals("syscalls") ? "syscall" : "waiting";
            assertThat(of(events(file), "i", "status")).as(scenario).anySatisfy(e -> assertThat((String) e.get("name"))
                    .matches("g\\d+ " + scanned + " -> " + scanned + "\\+scan"));
        }
    }

    @Test
    void cappedTraceStaysWellFormedAndSaysSo() throws IOException {
        Path file = dir.resolve("capped.json");
        String prop = "gcsim.trace.maxEvents";
        System.setProperty(prop, "500");
        Cli r;
        try {
            r = Cli.run("run", "--goroutines", "50", "--cycles", "2", "--trace", file.toString(), "--timeout", "60");
        } finally {
            System.clearProperty(prop);
        }
        assertThat(r.status()).as("stderr:%n%s", r.err()).isZero();
        Map<String, Object> trace = new Cli(0, Files.readString(file), "").json();
        List<Map<String, Object>> events = Cli.list(trace.get("traceEvents"));
        Map<String, Object> other = Cli.map(trace.get("otherData"));
        // The cap, plus the truncation note close() adds.
        assertThat(events.size()).isLessThanOrEqualTo(501);
        assertThat(Cli.num(other, "droppedEvents")).isPositive();
        assertThat(Cli.list(other.get("notes")).toString()).contains("sampled near the cap");
    }

    private static List<Map<String, Object>> events(Path file) throws IOException {
        return Cli.list(new Cli(0, Files.readString(file), "").json().get("traceEvents"));
    }

    private static List<Map<String, Object>> of(List<Map<String, Object>> events, String ph, String cat) {
        return events.stream().filter(e -> ph.equals(e.get("ph")) && cat.equals(e.get("cat"))).toList();
    }

    private static Map<Long, String> trackNames(List<Map<String, Object>> events) {
        Map<Long, String> names = new HashMap<>();
        for (Map<String, Object> e : events) {
            if ("thread_name".equals(e.get("name"))) {
                names.put(Cli.num(e, "tid"), (String) Cli.map(e.get("args")).get("name"));
            }
        }
        return names;
    }
}
