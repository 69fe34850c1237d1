package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import gcsim.process.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Test-only: fixed cycle records, a fake engine, and running Main in-process. */
final class Fixtures {
    private Fixtures() {}

    /** A plausible cycle n; numbers derived from n so rows differ. */
    static CycleRecord cycle(int n, CycleRecord.Checkmark checkmark) {
        return new CycleRecord(n, 1_000_000_000L * n, 5,
                120_000L * n, 4_500_000L * n, 95_000L,
                110_000, 300_000, 8_000_000, 0, 90_000,
                8L << 20, 9L << 20, 4L << 20, 16L << 20, 2, false,
                123_456L * n, 3_950_000L * n, 2_000, 14_000,
                new CycleRecord.SuspendLatency(2_000, 17, 1_200, 48_000, 310_000),
                40, 3, checkmark);
    }

    static RunResult result(int cycles, CycleRecord.Checkmark checkmark, RunResult.Verification verification,
                            boolean timedOut, String dump) {
        List<CycleRecord> records = new ArrayList<>();
        for (int n = 1; n <= cycles; n++) {
            records.add(cycle(n, checkmark));
        }
        return new RunResult(records, new RunResult.MutatorCounters(9_876_543_210L, 1_234_567, 88, 12, 2_050, 50),
                verification, timedOut, dump);
    }

    static RunResult cleanResult(int cycles) {
        return result(cycles, CycleRecord.Checkmark.OK, new RunResult.Verification(0, 0), false, "");
    }

    /** A clean run that reported {@code records}. */
    static RunResult cleanResult(List<CycleRecord> records) {
        return new RunResult(records, new RunResult.MutatorCounters(9_876_543_210L, 1_234_567, 88, 12, 2_050, 50),
                new RunResult.Verification(0, 0), false, "");
    }

    /**
     * A fake engine: reports the result's cycles to the listener (and, when a
     * trace is open, one event per cycle on an "M0" track), then returns the
     * fixed result. Remembers the config it was given.
     */
    static final class FakeEngine implements Engine {
        private final RunResult result;
        volatile RunConfig config;
        volatile boolean sawTrace;

        FakeEngine(RunResult result) {
            this.result = result;
        }

        @Override
        public RunResult run(RunConfig config, RunListener listener) {
            this.config = config;
            Optional<ChromeTraceWriter> trace = listener.trace();
            sawTrace = trace.isPresent();
            int m0 = trace.map(t -> t.track("M0")).orElse(0);
            for (CycleRecord c : result.cycles()) {
                listener.progress(c.n() - 1, "mark", 1000L * c.n(), 2000);
                trace.ifPresent(t -> t.complete(m0, "G1", "sched", c.startNanosSinceInit(), 5_000, "goid", 1));
                listener.cycleFinished(c);
            }
            return result;
        }
    }

    /** What one in-process run of the command printed and returned. */
    record Outcome(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Outcome run(Supplier<Optional<Engine>> engines, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = Main.execute(args, o, e, engines);
            return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    static Outcome run(Engine engine, String... args) {
        return run(() -> Optional.of(engine), args);
    }

    static Outcome runWithoutEngine(String... args) {
        return run(Optional::empty, args);
    }
}
