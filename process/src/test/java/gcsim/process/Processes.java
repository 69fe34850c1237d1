package gcsim.process;

import static gcsim.goroutines.GStatus.G_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.gcmark.CycleRecord;
import gcsim.goroutines.GStatus;
import gcsim.goroutines.mutator.Program;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What the whole-process tests (formerly gc-mark's, on its MarkRun helper) share on top of
 * {@link GoProcess}: a builder for a Java program, waits that fail the test, and the oracles'
 * verdict as assertions.
 */
final class Processes {
    private Processes() {}

    /** A process running {@code p} on {@code procs} Ps with {@code workers} mark workers; the rest as the command's defaults. */
    static GoProcessBuilder of(Program p, int procs, int workers) {
        return GoProcess.builder().program(p).procs(procs).workers(workers);
    }

    /** Polls (yielding, no sleeping) until cond holds; fails if the runtime died or 40 s passed. */
    static void until(GoProcess run, BooleanSupplier cond) {
        assertThat(run.awaitCondition(cond, Duration.ofSeconds(40))).as("condition not reached in time").isTrue();
    }

    /**
     * The process's cycles once at least {@code n} have been recorded: a cycle's record is added
     * after the world starts again, so a goroutine its mark termination readied (runtime.GC()'s
     * caller) may run, and the program exit, before the record is there.
     */
    static List<CycleRecord> cyclesAtLeast(GoProcess run, int n) {
        until(run, () -> run.cycles().size() >= n);
        return run.cycles();
    }

    /** Polls (yielding) until a goroutine other than main is running on an M. */
    static void untilAWorkerRuns(GoProcess run) {
        assertThat(run.awaitCondition(() -> Stream.of(run.runtime().allgs())
                .anyMatch(g -> g.goid() > 1 && !g.isSystemGoroutine() && GStatus.readgstatus(g) == G_RUNNING), Duration.ofSeconds(20)))
                .as("no worker ran").isTrue();
    }

    /** No runtime failure, no checkmark failure in any cycle, no use after free. */
    static void assertVerified(GoProcess run) {
        assertThat(run.fatalError()).as("mutator or runtime failure").isNull();
        assertThat(run.collector().checkmarkFailures()).isEmpty();
        assertThat(run.cycles()).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
        assertThat(run.interpreter().useAfterFree()).isZero();
    }
}
