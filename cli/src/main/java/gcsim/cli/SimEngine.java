package gcsim.cli;

import gcsim.gcmark.CycleRecord;
import gcsim.heap.HeapStats;
import gcsim.process.GoProcess;
import gcsim.process.GoProcessBuilder;
import gcsim.process.RunObserver;
import gcsim.process.RunResult;
import gcsim.process.scenario.ScenarioException;
import java.time.Duration;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The simulation behind {@code gcsim run}: the command's options turned into
 * a {@link GoProcess}, run for {@code --cycles} cycles with {@code --timeout}
 * ({@link GoProcess#run}); this adapter adds only what belongs to the command:
 * the progress line and the trace's per-M tracks and counters, and bad
 * scenarios reported as {@link BadInputException} (exit 2, one line).
 *
 * <p>Used once per run, on the command's thread; the observer's methods are
 * called from the process's threads.
 */
final class SimEngine implements Engine {
    @Override
    public RunResult run(RunConfig config, RunListener listener) {
        Forward forward = new Forward(listener);
        GoProcessBuilder b = GoProcess.builder()
                .goroutines(config.goroutines())
                .seed(config.seed())
                .procs(config.procs())
                .workers(config.workers())
                .mode(config.mode())
                .checkmark(config.checkmark())
                .preempt(config.preempt())
                .suspendWait(config.suspend())
                .stackScan(config.stackScan())
                .gcEvery(config.gcEvery())
                .gcAtSafepoints(config.gcAtSafepoints())
                .broken(config.broken())
                .goVersion(config.goVersion())
                .deterministic(config.deterministic())
                .observer(forward);
        ScenarioRef ref = config.scenario();
        if (ref instanceof ScenarioRef.BuiltIn builtIn) {
            b.scenario(builtIn.scenario());
        } else {
            b.scenarioFile(((ScenarioRef.File) ref).path());
        }
        listener.trace().ifPresent(tw -> b.runtimeEvents(start -> forward.traceEvents = new TraceEvents(tw, start)));
        try {
            GoProcess p = b.build();
            forward.process = p;
            return p.run(config.cycles(), Duration.ofSeconds(config.timeoutSeconds()));
        } catch (ScenarioException e) {
            throw new BadInputException(e.getMessage());
        } finally {
            TraceEvents t = forward.traceEvents;
            if (t != null) {
                t.finish(); // the spans of the Gs still running when the Ms stopped
            }
        }
    }

    /**
     * The process's observer: cycles to the command's listener; progress to the
     * progress line, and with --trace a point of the goroutine and heap counters.
     */
    private static final class Forward implements RunObserver {
        private final RunListener listener;
        /** Set once the process is built, before it runs; read by its driver thread. */
        volatile @Nullable GoProcess process;
        /** Set while the process is built (its runtime events), with --trace only. */
        volatile @Nullable TraceEvents traceEvents;

        Forward(RunListener listener) {
            this.listener = listener;
        }

        @Override
        public void cycleFinished(CycleRecord cycle) {
            listener.cycleFinished(cycle);
        }

        @Override
        public void progress(int cyclesDone, long instructions, long goroutines) {
            listener.progress(cyclesDone, "mutator", instructions, goroutines);
            GoProcess p = process;
            if (p == null) {
                return;
            }
            listener.trace().ifPresent(t -> {
                long now = System.nanoTime() - p.startNanos();
                t.counter("goroutines", now, "alive", goroutines);
                HeapStats h = p.heap().stats();
                t.counter("heap", now, "liveBytes", h.heapLive(), "goalBytes",
                        h.heapGoal() == Long.MAX_VALUE ? 0 : h.heapGoal());
            });
        }
    }
}
