package gcsim.gcmark;

import gcsim.goroutines.Chan;
import gcsim.goroutines.G;
import gcsim.goroutines.AllGsSnapshot;
import gcsim.goroutines.Sched;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The state of one cycle's mark phase (Go's global {@code work} in mgc.go):
 * the root jobs prepared with the world stopped ({@code gcMarkRootPrepare}),
 * the job counter workers claim from ({@code markrootNext}), the
 * termination counter ({@code nwait} against {@code nproc}, as gcBgMarkPrepare sets them)
 * and what the workers measured.
 *
 * <p>Root jobs, in Go's index order for the roots this model has:
 * <ol>
 *   <li>{@code fixedRootFreeGStacks}: free the stacks of dead Gs on the
 *       global free list ({@code markrootFreeGStacks});
 *   <li>data/bss: one job per 256 KiB globals block ({@code rootBlockBytes});
 *   <li>channel buffers (gcsim only: channels are not heap objects here, so
 *       their buffers are roots; Go reaches them through the heap);
 *   <li>one job per G in the {@code allgs} snapshot taken at prepare time. Gs
 *       created later begin life with nothing to scan, and what they create is
 *       allocated black;
 *   <li>with {@code --stack-scan two-phase} only: a second job per G of the
 *       snapshot, the "block only for those still missing" pass (see
 *       {@link Roots}). Jobs are claimed in index order, so every first-pass
 *       job is claimed before any second-pass job.
 * </ol>
 * Go's fixedRootFinalizers (job 0 in Go, before free G stacks) and
 * span-specials jobs have nothing to scan here
 * (the mutator instruction set has no SetFinalizer), so they are not
 * enumerated; go1.14's flush-cache jobs only exist when concurrent sweep is
 * off.
 *
 * <p>Threading: the cycle's thread makes it before the world stops (Go's {@code work} is a
 * global that gcResetMarkState resets with the world running) and fills the root layout in
 * {@link #gcMarkRootPrepare} with the world stopped; workers read it only after the world
 * restarts, which publishes it (sched.lock). Counters are atomics; histograms are per worker and
 * merged when the workers have parked for good.
 */
final class CycleWork {
    /** Go's fixedRootFreeGStacks (Go numbers it 1, after the finalizers job this model lacks). */
    static final int FIXED_ROOT_FREE_G_STACKS = 0;
    static final int FIXED_ROOT_COUNT = 1;

    final Sched rt;
    final int baseData = FIXED_ROOT_COUNT;
    final Chan[] chans;
    // The root layout: written once by gcMarkRootPrepare, world stopped (see the class comment).
    int nDataRoots;
    /** Go's allgs as gcMarkRootPrepare sees it (its length is work.nStackRoots); nothing copied. */
    AllGsSnapshot allgs = AllGsSnapshot.of();
    int baseChans;
    int baseStacks;
    int markrootJobs;
    /**
     * Gs of the snapshot that were not _Gdead when it was taken (world stopped), from the
     * runtime's counts ({@link Sched#liveGs}), not by walking the snapshot: O(1) while stopped.
     */
    long aliveAtSnapshot;
    /** Two-phase stack scan: the stack jobs run twice (try, then block for the rest). */
    final boolean twoPhase;
    final AtomicInteger markrootNext = new AtomicInteger();

    /**
     * Go's work.nproc as gcBgMarkPrepare sets it: "Between background workers and assists, we
     * don't really know how many workers there will be, so we pretend to have an arbitrarily
     * large number of workers, almost all of which are "waiting". While a worker is working it
     * decrements nwait. If nproc == nwait, there are no workers." (Go's ^uint32(0).)
     */
    static final long NPROC = 0xFFFF_FFFFL;
    /** Go's work.nwait: {@link #NPROC} minus the workers and assists draining now. */
    final AtomicLong nwait = new AtomicLong(NPROC);
    /** Released each time the last worker or assist stops with no work in sight (Go calls gcMarkDone there). */
    final Semaphore idleSignal = new Semaphore(0);
    /**
     * Go's gcBlackenEnabled for this cycle: set with the world stopped at the end of gcStart,
     * cleared with the world stopped when gcMarkDone goes on to mark termination.
     */
    volatile boolean blackenEnabled;

    /** When the cycle started, for waitsince (Go's work.tstart). */
    final long tstart;

    // What the workers measured, folded in as each worker exits.
    /** Made before the world stops (its allocation is not small), see {@link Collector}. */
    final Histogram suspendLatency;
    final AtomicLong suspendCalls = new AtomicLong();
    final AtomicLong suspendDead = new AtomicLong();
    final AtomicLong stacksScanned = new AtomicLong();
    final AtomicLong framesScanned = new AtomicLong();
    /** Two-phase: stacks taken at once (G not running), by the G itself, by a blocking suspendG. */
    final AtomicLong stacksNoWait = new AtomicLong();
    final AtomicLong stacksSelfScanned = new AtomicLong();
    final AtomicLong stacksBlocked = new AtomicLong();
    /** Two-phase: wall time the second pass spent in blocking suspendG calls. */
    final AtomicLong blockedNanos = new AtomicLong();
    /** Wall time root stack jobs took, summed over jobs (both strategies; self-scans included). */
    final AtomicLong stackJobNanos = new AtomicLong();
    final AtomicLong objectsMarked = new AtomicLong();
    final AtomicLong bytesMarked = new AtomicLong();
    /**
     * Objects each P's gcWork greyed this cycle, as mark termination folded them into
     * {@link #objectsMarked} (for the cycle record's per-P figures); empty until then. The
     * collector's thread.
     */
    long[] objectsGreyedByP = new long[0];

    /** Root jobs for exactly {@code gs} (tests): all counted alive, a fresh histogram. */
    static CycleWork of(Sched rt, int nDataRoots, Chan[] chans, G[] gs, long tstart) {
        CycleWork w = new CycleWork(rt, chans, tstart, false, latencyHistogram());
        w.gcMarkRootPrepare(nDataRoots, AllGsSnapshot.of(gs), gs.length);
        return w;
    }

    /**
     * A cycle's work before its roots are prepared: made by the cycle's thread before the world
     * stops, so the pause allocates none of it. {@code chans}: the channel roots (gcsim's).
     */
    CycleWork(Sched rt, Chan[] chans, long tstart, boolean twoPhase, Histogram suspendLatency) {
        this.rt = rt;
        this.suspendLatency = suspendLatency;
        this.chans = chans;
        this.twoPhase = twoPhase;
        this.tstart = tstart;
    }

    /**
     * Go's gcMarkRootPrepare: the root jobs' layout, with the world stopped. O(1) in goroutines
     * (the allgs snapshot copies nothing, {@code alive} is counted by the runtime) and in heap
     * objects. Once per cycle, before any worker or assist can claim a job.
     */
    void gcMarkRootPrepare(int nDataRoots, AllGsSnapshot allgs, long alive) {
        this.nDataRoots = nDataRoots;
        this.allgs = allgs;
        this.baseChans = baseData + nDataRoots;
        this.baseStacks = baseChans + (chans.length > 0 ? 1 : 0);
        this.markrootJobs = baseStacks + allgs.length() * (twoPhase ? 2 : 1);
        this.aliveAtSnapshot = alive;
    }

    /** A histogram for suspendG latencies: nanoseconds up to an hour, 3 significant digits. */
    static Histogram latencyHistogram() {
        return new Histogram(3_600_000_000_000L, 3);
    }

    /** Root jobs remain unclaimed. */
    boolean rootsLeft() {
        return markrootNext.get() < markrootJobs;
    }

    /**
     * Go's gcMarkRootCheck: every job claimed and every snapshotted G scanned. O(goroutines): as
     * go1.14's gcMark, mark termination runs it only with the checkmark on ("This is expensive
     * when there's a large number of Gs, so only do it if checkmark is also enabled").
     */
    void gcMarkRootCheck() {
        if (markrootNext.get() < markrootJobs) {
            throw new gcsim.base.GoThrow("left over markroot jobs",
                    markrootNext.get() + " of " + markrootJobs + " markroot jobs done");
        }
        for (G gp : allgs) {
            if (!gp.gcscandone()) {
                throw new gcsim.base.GoThrow("scan missed a g",
                        "gp " + gp + " goid " + gp.goid() + " status " + gp.status() + " gcscandone false");
            }
        }
    }

    /** Folds a worker's or assist's suspendG latencies into the cycle's. Any thread. */
    synchronized void addLatencies(Histogram latencies) {
        suspendLatency.add(latencies);
    }
}
