package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Interp;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import java.util.concurrent.TimeUnit;

/** A runtime, heap and loaded program for tests; {@link #close} shuts the process down. */
final class TestRt implements AutoCloseable {
    final Sched rt;
    final Heap heap;
    final Interp interp;
    G main;

    TestRt(Program p, SchedConfig cfg) {
        this(p, new Sched(cfg));
    }

    /** As {@link #TestRt(Program, SchedConfig)}, on {@code platform} (a test clock). */
    TestRt(Program p, SchedConfig cfg, gcsim.goroutines.platform.Platform platform) {
        this(p, new Sched(cfg, platform));
    }

    private TestRt(Program p, Sched rt) {
        this.rt = rt;
        SchedConfig cfg = rt.config;
        heap = new Heap(HeapConfig.of(cfg.gomaxprocs()));
        interp = new Interp(rt, heap, p);
    }

    TestRt start() {
        main = interp.start();
        return this;
    }

    /** Waits for the exit; fails with a goroutine dump on timeout. */
    int await(long seconds) throws InterruptedException {
        int code = rt.awaitExit(seconds, TimeUnit.SECONDS);
        if (code == -1) {
            String dump = Traceback.dump(rt);
            rt.shutdown();
            throw new AssertionError("timeout; goroutines:\n" + dump);
        }
        return code;
    }

    /**
     * Local 0 of main's frame, read racily while main runs: polls until it
     * holds the base of an allocated object (main's first NEW), so a torn or
     * early read is never returned.
     */
    long mainLocal0() {
        long[] v = new long[1];
        until(() -> {
            G m = main;
            gcsim.stacks.Stack s = m.stack;
            long sp = m.sp;
            if (s == null || !s.contains(sp)) {
                return false;
            }
            v[0] = s.read(sp);
            return v[0] != 0 && heap.findObject(v[0]) == v[0];
        }, rt);
        return v[0];
    }

    /**
     * suspendG(gp) from a helper thread, or null once the process has exited
     * (suspendG then throws "suspendG: process exited"); any other throw passes.
     */
    Suspension.@org.checkerframework.checker.nullness.qual.Nullable SuspendGState suspendGUnlessExited(G gp) {
        try {
            return Suspension.suspendG(gp);
        } catch (Error | Sched.MExit e) {
            // rt.exiting is set first (suspendG throws on it), hasExited a moment later.
            if (rt.exiting || rt.hasExited()) {
                return null;
            }
            throw e;
        }
    }

    /**
     * resumeG(st) from a helper thread; false once the process has exited. A
     * helper is not an M: its ready() may reach newm (wakep, startm) while the
     * process exits, and newm then unwinds the caller with the Ms' exit signal.
     */
    boolean resumeGUnlessExited(Suspension.SuspendGState st) {
        try {
            Suspension.resumeG(st);
            return true;
        } catch (Error | Sched.MExit e) {
            if (rt.exiting || rt.hasExited()) {
                return false;
            }
            throw e;
        }
    }

    /** Polls (yielding, no sleeping) until cond holds or the process exited. */
    static void until(java.util.function.BooleanSupplier cond, Sched rt) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cond.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached in time").isLessThan(deadline);
            if (rt.hasExited()) {
                Throwable t = rt.fatalError();
                throw new AssertionError("process exited: " + t, t);
            }
            Thread.yield();
        }
    }

    /** Shuts the runtime down and joins its Ms (an interrupt fails the test rather than being lost). */
    @Override
    public void close() {
        rt.shutdown();
        try {
            rt.joinMs(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining the Ms", e);
        }
    }
}
