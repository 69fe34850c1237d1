package gcsim.gcmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.HdrHistogram.Histogram;

/**
 * A dedicated background mark worker (Go's {@code gcBgMarkWorker} running
 * {@code gcDrain} in {@code gcMarkWorkerDedicatedMode}).
 *
 * <p>Deliberate difference from Go: Go's workers are goroutines that take a
 * P (25% of GOMAXPROCS), so marking competes with mutators for Ps; here a
 * worker is a Java thread outside the scheduler, competing for cores only.
 * It runs "on the system stack" in the sense that matters for suspendG: it
 * has no user G, so suspendG never sees it as non-preemptible.
 *
 * <p>Loop: drain root jobs (atomic claim of {@code markrootNext}), then heap
 * work; when there is none, go idle ({@code nwait++}); the last worker to go
 * idle with no work anywhere signals the coordinator, which runs gcMarkDone.
 * The worker leaves when the coordinator sets {@code exit}.
 */
final class MarkWorker implements Runnable {
    /** Go's gcCreditSlack: flush scan credit to assists every 2000 units. */
    static final int GC_CREDIT_SLACK = 2000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final CycleWork work;
    private final Roots roots;
    private final Marking marking;
    private final WorkPool pool;
    private final Assist assist;

    MarkWorker(CycleWork work, Roots roots, Marking marking, WorkPool pool, Assist assist) {
        this.work = work;
        this.roots = roots;
        this.marking = marking;
        this.pool = pool;
        this.assist = assist;
    }

    @Override
    public void run() {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        GcWork gcw = new GcWork(pool);
        Histogram latencies = CycleWork.latencyHistogram();
        try {
            while (!work.exit) {
                gcDrain(gcw, latencies);
                idle();
            }
            gcw.dispose();
        } catch (Error e) {
            if (!work.rt.hasExited()) {
                throw e;
            }
            // The process exited under a stack job ("suspendG: process exited"): the cycle is
            // abandoned, as the trigger thread's is; whoever ended the process reports why.
        } finally {
            work.recordWorker(latencies, THREADS.getCurrentThreadCpuTime() - cpu0, gcw);
        }
    }

    /** Go's gcDrain: root jobs first, then grey objects until no work is left. */
    private void gcDrain(GcWork gcw, Histogram latencies) {
        while (!work.exit) {
            int job = work.markrootNext.getAndIncrement();
            if (job >= work.markrootJobs) {
                break;
            }
            roots.markroot(work, marking, gcw, job, latencies);
        }
        while (!work.exit) {
            if (pool.fullIsEmpty()) {
                gcw.balance();
            }
            long b = gcw.tryGetFast();
            if (b == 0) {
                b = gcw.tryGet();
                if (b == 0) {
                    break;
                }
            }
            marking.scanobject(b, gcw);
            if (gcw.scanWork >= GC_CREDIT_SLACK) {
                assist.gcFlushBgCredit(gcw.scanWork);
                gcw.scanWork = 0;
            }
        }
        if (gcw.scanWork > 0) {
            assist.gcFlushBgCredit(gcw.scanWork);
            gcw.scanWork = 0;
        }
    }

    /**
     * Out of work: count as waiting; the last one with nothing in sight tells
     * the coordinator. Wake when work appears (another worker balanced, or a
     * gcMarkDone restart flushed Ps' buffers) or when told to exit.
     */
    private void idle() {
        int n = work.nwait.incrementAndGet();
        if (n > work.nproc) {
            throw new gcsim.base.GoThrow("work.nwait > work.nproc");
        }
        if (n == work.nproc && !workAvailable()) {
            work.idleSignal.release();
        }
        while (!work.exit && !workAvailable()) {
            work.rt.platform().parkNanos(this, 20_000);
        }
        work.nwait.decrementAndGet();
    }

    /** Go's gcMarkWorkAvailable(nil): global work or unclaimed root jobs. */
    private boolean workAvailable() {
        return !pool.fullIsEmpty() || work.rootsLeft();
    }
}
