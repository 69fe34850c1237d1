package gcsim.gcmark;

import gcsim.goroutines.G;
import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.Sched;
import gcsim.goroutines.WaitReason;
import gcsim.goroutines.internal.GcGoroutine;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Mark assists (mgcmark.go {@code gcAssistAlloc}, {@code gcAssistAlloc1},
 * {@code gcParkAssist}, {@code gcFlushBgCredit}; the pacing of mgc.go
 * {@code gcControllerState.revise}).
 *
 * <p>Every G carries {@code gcAssistBytes} ({@link GcGoroutine#assistBytes}): allocation credit in bytes. While
 * the GC marks, each allocation debits it; a G in debt must first steal
 * background scan credit or do scan work itself, in proportion
 * ({@code assistWorkPerByte}), so an allocation-heavy mutator cannot outrun
 * the marker. A G that can pay neither way parks ("GC assist wait") until
 * background workers flush enough credit or the cycle ends.
 *
 * <p>As in go1.14 the drain is preemptible (gcDrainN stops when the G's
 * {@code preempt} is set, and the G yields before retrying), the credit is
 * reset to 0 for every G at the start of each cycle (gcResetMarkState, in
 * {@link Collector}) and a dead G's positive credit is flushed to background
 * credit by goexit0 ({@link #goexit}).
 *
 * <p>Threading: {@link #gcAssistAlloc} runs on the allocating G's M, with the
 * G running; it moves the G to {@code _Gwaiting} while it drains (so a stack
 * job, even of its own stack, can suspend it) and back. The assist queue is
 * guarded by its own monitor.
 */
final class Assist {
    /** Go's gcOverAssistWork: assist at least this much scan work at a time. */
    static final long GC_OVER_ASSIST_WORK = 64 << 10;

    private final Sched rt;
    private final Barrier barrierForGcw;
    /** go1.18's pacer: the assist ratio's expected work and the root jobs' work (see {@link Pacer}). */
    private final Pacer pacer;
    /** Go's gcController.bgScanCredit, in the pacer's line beside heapScanWork (see ScanWorkAccounts). */
    private final ScanWorkAccounts accounts;
    private final ArrayDeque<G> assistQueue = new ArrayDeque<>(); // guarded by assistLock
    /**
     * Guards assistQueue. A lock taken through the platform rather than a
     * monitor: ready, called with it held, may take sched.lock, a scheduling
     * point in the deterministic mode.
     */
    private final ReentrantLock assistLock = new ReentrantLock();
    /**
     * assistQueue's size, written under its lock after every change, read without it by
     * gcFlushBgCredit's fast path (Go reads {@code work.assistQueue.q.empty()} the same way).
     */
    private volatile int queuedAssists;
    private final AtomicLong assistNanos = new AtomicLong();
    // Counters for the cycle record, reset by takeStats (mark termination).
    private final AtomicLong assistCount = new AtomicLong();
    private final AtomicLong assistScanWork = new AtomicLong();
    private final AtomicLong creditSteals = new AtomicLong();
    private final AtomicLong parks = new AtomicLong();
    /** Assists that yielded (Gosched) because their G was asked to preempt; never reset. */
    private final AtomicLong preemptedAssists = new AtomicLong();
    private volatile double assistWorkPerByte;
    private volatile double assistBytesPerWork;
    /** Go's gcBlackenEnabled: assists and workers may blacken objects. */
    private volatile @Nullable Mark mark;

    /** What an assist needs of the running cycle. */
    record Mark(CycleWork work, Roots roots, Marking marking, WorkPool pool) {}

    Assist(Sched rt, Barrier barrierForGcw, Pacer pacer) {
        this.rt = rt;
        this.barrierForGcw = barrierForGcw;
        this.pacer = pacer;
        this.accounts = pacer.scanWorkAccounts();
    }

    /** The pacer whose work counters the drains feed. */
    Pacer pacer() {
        return pacer;
    }

    /**
     * Mark start (world stopped): Go's revise, go1.14's expected scan work from heap_scan
     * ({@code scanWorkExpected}, the collector's, with the goal it goes with). From go1.18 (the pacer counts stacks and globals) the
     * pacer's startCycle runs first, the goal is at least {@link Pacer#MIN_RUNWAY} above the
     * live heap (go1.18's startCycle; go1.14's 1 MiB is not modelled), and the expected work is
     * {@code lastHeapScan + stackScan + globalsScan}.
     */
    void enable(Mark m, long heapLive, long heapGoal, long scanWorkExpected) {
        if (pacer.countsRoots()) {
            pacer.startCycle(m.work(), heapLive);
            heapGoal = Math.max(heapGoal, heapLive + Pacer.MIN_RUNWAY);
            scanWorkExpected = pacer.scanWorkExpected();
        }
        long heapDistance = Math.max(heapGoal - heapLive, 1);
        long expected = Math.max(scanWorkExpected, 1000);
        assistWorkPerByte = (double) expected / heapDistance;
        assistBytesPerWork = (double) heapDistance / expected;
        // startCycle's c.scanWork = 0 and c.bgScanCredit = 0 (every version).
        accounts.resetHeapScanWork();
        accounts.resetBgScanCredit();
        mark = m;
    }

    /** Mark termination (world stopped): no more assists; wake every parked one (gcWakeAllAssists). */
    /** The mark phase in progress, or null outside mark. Any thread. */
    @Nullable Mark currentMark() {
        return mark;
    }

    void disable() {
        mark = null;
        rt.platform().lock(assistLock);
        try {
            for (G gp; (gp = assistQueue.poll()) != null; ) {
                rt.ready(gp, false);
            }
            queuedAssists = 0;
        } finally {
            assistLock.unlock();
        }
    }

    boolean enabled() {
        return mark != null;
    }

    long takeAssistNanos() {
        return assistNanos.getAndSet(0);
    }

    /** The cycle's assist time so far, not reset (go1.18's endCycle reads it). Any thread. */
    long assistNanos() {
        return assistNanos.get();
    }

    /** The cycle's assist counters (nanos as given); resets them. World stopped, after {@link #disable}. */
    CycleRecord.AssistStats takeStats(long nanos) {
        return new CycleRecord.AssistStats(assistCount.getAndSet(0), assistScanWork.getAndSet(0),
                creditSteals.getAndSet(0), parks.getAndSet(0), nanos);
    }

    /**
     * Debits {@code bytes} from gp's credit and assists if it is in debt.
     * Returns 0 to continue or {@link GoCode#PARK} after parking gp.
     */
    int afterAllocate(M mp, G gp, long bytes) {
        if (mark == null) {
            return 0;
        }
        GcGoroutine gc = gp.gc();
        gc.setAssistBytes(gc.assistBytes() - bytes);
        if (gc.assistBytes() >= 0) {
            return 0;
        }
        return gcAssistAlloc(mp, gp);
    }

    /**
     * Go's gcAssistAlloc: pays gp's debt by stealing background credit, then by
     * scan work (gcAssistAlloc1); if still in debt, yields when preempted and
     * otherwise parks in the assist queue. Go's {@code goto retry} is the loop.
     * gp's M, gp running. Returns 0, {@link GoCode#GOSCHED} or {@link GoCode#PARK}.
     */
    private int gcAssistAlloc(M mp, G gp) {
        GcGoroutine gc = gp.gc();
        for (;;) { // retry:
            long debtBytes = -gc.assistBytes();
            long scanWork = (long) (assistWorkPerByte * debtBytes);
            if (scanWork < GC_OVER_ASSIST_WORK) {
                scanWork = GC_OVER_ASSIST_WORK;
                debtBytes = (long) (assistBytesPerWork * scanWork);
            }
            // Steal background credit (racy, as in Go: it may go negative briefly).
            long credit = accounts.bgScanCredit();
            if (credit > 0) {
                long stolen;
                if (credit < scanWork) {
                    stolen = credit;
                    gc.setAssistBytes(gc.assistBytes() + 1 + (long) (assistBytesPerWork * stolen));
                } else {
                    stolen = scanWork;
                    gc.setAssistBytes(gc.assistBytes() + debtBytes);
                }
                accounts.addBgScanCredit(-stolen);
                creditSteals.incrementAndGet();
                scanWork -= stolen;
                if (scanWork == 0) {
                    return 0;
                }
            }
            gcAssistAlloc1(gp, scanWork);
            if (gc.assistBytes() >= 0) {
                return 0;
            }
            // We were unable to steal enough credit or perform enough work to pay off the
            // assist debt. If this is because we were preempted, reschedule and try some more.
            if (gc.preempt()) {
                // Go: Gosched(); goto retry. Deliberate difference: the hook cannot take the G
                // off its M and resume it here, so it returns GOSCHED (gosched_m) and the G,
                // run again, continues after its allocation with the debt still negative: its
                // next allocation retries the assist.
                preemptedAssists.incrementAndGet();
                return GoCode.GOSCHED;
            }
            int r = gcParkAssist(mp, gp);
            if (r != RETRY) {
                return r;
            }
        }
    }

    /** Go's gcAssistAlloc1: scanWork units of mark work on the P's gcWork, with gp waiting ("GC assist marking"). */
    private void gcAssistAlloc1(G gp, long scanWork) {
        Mark m = mark;
        GcWork gcw = barrierForGcw.ownGcWork();
        if (m == null || gcw == null) {
            // GC is done, so ignore any remaining debt.
            gp.gc().setAssistBytes(0);
            return;
        }
        long t0 = rt.platform().nanoTime();
        CycleWork work = m.work();
        // Record that we're doing an assist (not a background worker, but it counts in nwait).
        long decnwait = work.nwait.decrementAndGet();
        if (decnwait == CycleWork.NPROC) {
            throw new gcsim.base.GoThrow("nwait > work.nprocs",
                    "runtime: work.nwait = " + decnwait + " work.nproc= " + CycleWork.NPROC);
        }
        // gcDrainN requires the caller to be preemptible: gp waits while it drains,
        // so stack jobs (its own included) can suspend it.
        GcGoroutine gc = gp.gc();
        gc.enterWaitingAssist();
        // No finally: a throw is fatal and leaves every G as it is, as Go's throw does.
        // Unwinding through exitWaiting would spin for ever in casgstatus when the throw came
        // from a scan of this G's own stack, whose scan bit the dying scan still holds.
        long workDone = gcDrainN(gc, m, gcw, scanWork);
        gc.exitWaiting();
        // If this is the last worker and we ran out of work,
        // signal a completion point.
        long incnwait = work.nwait.incrementAndGet();
        if (incnwait > CycleWork.NPROC) {
            throw new gcsim.base.GoThrow("work.nwait > work.nproc",
                    "runtime: work.nwait= " + incnwait + " work.nproc= " + CycleWork.NPROC);
        }
        if (incnwait == CycleWork.NPROC && !BgMarkWorker.gcMarkWorkAvailable(work, m.pool(), null)) {
            // Go sets gp.param and gcAssistAlloc calls gcMarkDone; here the collector's cycle
            // thread runs gcMarkDone (see Collector), so the assist signals it as a worker does.
            work.idleSignal.release();
        }
        // The "1+" is a poor man's round-up, to ensure this adds credit even if
        // assistBytesPerWork is very low.
        gc.setAssistBytes(gc.assistBytes() + 1 + (long) (assistBytesPerWork * workDone));
        assistNanos.addAndGet(rt.platform().nanoTime() - t0);
        assistCount.incrementAndGet();
        assistScanWork.addAndGet(workDone);
    }

    /**
     * Go's gcDrainN: heap work, then root jobs, until scanWork units are done,
     * none is left, or the assisting G is asked to preempt
     * ({@code for !gp.preempt && workFlushed+gcw.scanWork < scanWork}): a
     * stop-the-world (preemptall) then waits for one object or root job, not for
     * the whole assist. gc is the assisting G's (Go's {@code getg().m.curg}).
     * From go1.18 a root job's work counts too ({@code workFlushed += markroot(...)}).
     */
    private long gcDrainN(GcGoroutine gc, Mark m, GcWork gcw, long scanWork) {
        long start = gcw.scanWork;
        long rootWork = 0; // always 0 before go1.18
        // Created only if this assist takes a stack job: most assists scan heap objects only.
        Histogram latencies = null;
        while (!gc.preempt() && rootWork + gcw.scanWork - start < scanWork && mark != null) {
            long b = gcw.tryGetFast();
            if (b == 0) {
                b = gcw.tryGet();
            }
            if (b == 0) {
                int job = m.work().markrootNext.getAndIncrement();
                if (job < m.work().markrootJobs) {
                    if (latencies == null) {
                        latencies = CycleWork.latencyHistogram();
                    }
                    rootWork += m.roots().markroot(m.work(), m.marking(), gcw, job, latencies);
                    continue;
                }
                break;
            }
            m.marking().scanobject(b, gcw);
        }
        if (latencies != null) {
            synchronized (m.work()) {
                m.work().suspendLatency.add(latencies);
            }
        }
        long done = gcw.scanWork - start;
        gcw.scanWork = start;
        pacer.addHeapScanWork(done);
        return done + rootWork;
    }

    /** {@link #gcParkAssist}'s "back out and retry": background credit appeared. */
    private static final int RETRY = -1;

    /**
     * Go's gcParkAssist: queue gp and park it until credit or the end of the
     * cycle wakes it. Returns 0 when the cycle is over (Go: true without
     * parking), {@link #RETRY} when background credit is available (Go: false,
     * goto retry), else {@link GoCode#PARK} after parking gp.
     */
    private int gcParkAssist(M mp, G gp) {
        // If the GC cycle finished while we were assisting, exit the assist.
        if (mark == null) {
            return 0;
        }
        if (accounts.bgScanCredit() > 0) {
            return RETRY;
        }
        parks.incrementAndGet();
        // Enqueue only once gp is _Gwaiting (park_m runs this), so whoever
        // pops it can ready it; if the cycle ended meanwhile, ready it at once.
        Sched.gopark(mp, gp, () -> {
            rt.platform().lock(assistLock);
            try {
                if (mark == null) {
                    rt.ready(gp, false);
                } else {
                    assistQueue.add(gp);
                    queuedAssists = assistQueue.size();
                }
            } finally {
                assistLock.unlock();
            }
        }, WaitReason.GC_ASSIST_WAIT);
        return GoCode.PARK;
    }

    /**
     * goexit0's "Flush assist credit to the global pool. This gives better
     * information to pacing if the application is rapidly creating an exiting
     * goroutines": while mark runs, gp's positive credit becomes background scan
     * credit (added directly, as Go's {@code atomic.Xaddint64(&gcController.bgScanCredit,
     * scanCredit)}, not through gcFlushBgCredit); then gp's credit or debt is
     * zeroed so none of it leaks into the G's reuse. goexit0 on gp's M, gp dead.
     */
    void goexit(G gp) {
        GcGoroutine gc = gp.gc();
        long bytes = gc.assistBytes();
        if (mark != null && bytes > 0) {
            long scanCredit = (long) (assistWorkPerByte * bytes);
            accounts.addBgScanCredit(scanCredit);
        }
        gc.setAssistBytes(0);
    }

    /** Background scan credit assists may steal (Go's gcController.bgScanCredit). Any thread; for tests. */
    long bgScanCredit() {
        return accounts.bgScanCredit();
    }

    /** Scan work owed per allocated byte in this cycle (Go's gcController.assistWorkPerByte). For tests. */
    double assistWorkPerByte() {
        return assistWorkPerByte;
    }

    /** Assists that stopped because their G was asked to preempt, so far. Any thread; for tests. */
    long preemptedAssists() {
        return preemptedAssists.get();
    }

    /**
     * Go's gcFlushBgCredit: background scan work first pays queued assists'
     * debts (readying them), the rest becomes credit assists can steal.
     */
    void gcFlushBgCredit(long scanWork) {
        if (queuedAssists == 0) {
            // Fast path; there are no blocked assists. There's a
            // small window here where an assist may add itself to
            // the blocked queue and park. If that happens, we'll
            // just get it on the next flush.
            accounts.addBgScanCredit(scanWork);
            return;
        }
        long scanBytes = (long) (scanWork * assistBytesPerWork);
        rt.platform().lock(assistLock);
        try {
            G gp;
            while (scanBytes > 0 && (gp = assistQueue.poll()) != null) {
                GcGoroutine gc = gp.gc();
                if (scanBytes + gc.assistBytes() >= 0) {
                    scanBytes += gc.assistBytes();
                    gc.setAssistBytes(0);
                    rt.ready(gp, false);
                } else {
                    // Partly paid: to the back, so large debts don't clog the queue (as Go).
                    gc.setAssistBytes(gc.assistBytes() + scanBytes);
                    scanBytes = 0;
                    assistQueue.add(gp);
                }
            }
            queuedAssists = assistQueue.size();
        } finally {
            assistLock.unlock();
        }
        if (scanBytes > 0) {
            accounts.addBgScanCredit((long) (scanBytes * assistWorkPerByte));
        }
    }
}
