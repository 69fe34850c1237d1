package gcsim.gcmark;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_SYSCALL;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;

import gcsim.base.GoThrow;
import gcsim.goroutines.Chan;
import gcsim.goroutines.G;
import gcsim.goroutines.M;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.Suspension;
import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.internal.GcGoroutine;
import gcsim.heap.Heap;
import gcsim.stacks.Stack;
import gcsim.stacks.StackScan;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The root jobs of mgcmark.go: {@code markroot} and {@code scanstack}, with
 * the stack job exactly as go1.14's markroot (Go commit 3f834114) writes it:
 *
 * <pre>
 * stopped := suspendG(gp)
 * if stopped.dead { gp.gcscandone = true; return }
 * if gp.gcscandone { throw("g already scanned") }
 * scanstack(gp, gcw)
 * gp.gcscandone = true
 * resumeG(stopped)
 * </pre>
 *
 * <p><b>Two-phase stack scan</b> ({@link GcConfig.StackScanStrategy#TWO_PHASE}, not
 * Go: the mgcmark.go TODO "we could scan the stacks of goroutines that are not
 * running first, then ask running goroutines to scan their own stacks"). Each
 * G's stack job runs twice. The first pass never waits: {@code trySuspendG};
 * if the G is running, {@code requestSelfScan} poisons it and moves its
 * handshake IDLE -> SELF. At its next safe point the G, owning its stack,
 * claims SELF -> CLAIMED and scans itself exactly as markroot's self-scan
 * case does (to _Gwaiting, suspendG/scanstack/gcscandone/resumeG, back to
 * running) into its P's gcWork. The second pass, claimed after all first
 * passes, claims SELF -> CLAIMED for the Gs that have not got there and
 * blocks in suspendG for those only; a G already CLAIMED is waited for until
 * its scanner sets gcscandone, so mark termination finds every stack
 * scanned. The handshake CAS makes exactly one scanner per G per cycle, so
 * "g already scanned" keeps its meaning (it fires only on a real double scan).
 *
 * <p>Who calls: the background mark worker goroutines (already _Gwaiting while they drain,
 * so two workers can take each other's stacks), mark assists (gcAssistAlloc1 moves the G to
 * waiting before it drains), and the checkmark pass with the world stopped on the collector's
 * thread. A caller that reaches its own G's stack job while that G is _Grunning takes the
 * go1.14 markroot's self-scan path: the G waits ("garbage collection scan") around
 * suspendG/scanstack/resumeG, so suspending itself cannot deadlock.
 */
final class Roots {
    private final Heap heap;
    private final StackScan stackScan;
    /** go1.18's pacer: a root job's scan work (0 before go1.18). */
    private final Pacer pacer;
    /** {@code --break suspend}: the cycle's stack jobs do not suspend the G (never Go). */
    private final boolean breakSuspend;
    /** {@code --break stack-scan}: the cycle's stack jobs set gcscandone without scanning (never Go). */
    private final boolean breakStackScan;
    /**
     * Test seam for fault injection (null in production): called by the
     * worker holding a suspended G just before it scans its stack.
     */
    volatile @Nullable Consumer<G> scanHookForTest;

    /**
     * The root jobs over {@code heap}, scanning stacks with {@code stackScan}; {@code broken}
     * is the run's {@link gcsim.goroutines.SchedConfig#broken()} (the collector passes its
     * Sched's), read once here because it never changes.
     */
    Roots(Heap heap, StackScan stackScan, java.util.Set<ProtocolPiece> broken, Pacer pacer) {
        this.heap = heap;
        this.stackScan = stackScan;
        this.pacer = pacer;
        this.breakSuspend = broken.contains(ProtocolPiece.SUSPEND);
        this.breakStackScan = broken.contains(ProtocolPiece.STACK_SCAN);
    }

    /**
     * Go's markroot: scans root job {@code i} of {@code work} into
     * {@code gcw}. {@code latencies} receives the suspendG time of a stack job.
     * Returns the job's scan work, as go1.18's markroot (a globals block's bytes, a stack's
     * bytes; see {@link Pacer}), already added to the pacer's stackScanWork or globalsScanWork;
     * the caller credits it (gcDrainN) or flushes it to background credit (gcDrain). Always 0
     * before go1.18, whose markroot returns nothing, and in the checkmark pass.
     */
    long markroot(CycleWork work, Marking marking, GcWork gcw, int i, Histogram latencies) {
        long workDone = 0;
        if (i == CycleWork.FIXED_ROOT_FREE_G_STACKS) {
            work.rt.gcSupport().markrootFreeGStacks();
        } else if (i < work.baseChans) {
            heap.globals().scanRootBlock(i - work.baseData, (slot, value) -> marking.scanRootSlot(slot, value, gcw));
            if (!marking.isCheckmark()) {
                workDone = pacer.globalsScanned(i - work.baseData);
            }
        } else if (i < work.baseStacks) {
            for (Chan c : work.chans) {
                c.forEachBufferedPointer(p -> marking.shade(p, 0, gcw));
            }
        } else if (i < work.baseStacks + work.allgs.length()) {
            G gp = work.allgs.get(i - work.baseStacks);
            // Remember when we've first observed the G blocked; needed only to output in
            // traceback (go1.14's markroot, before suspendG; the two-phase late pass is
            // the same job's second half and does not repeat it).
            gp.gc().noteBlockedAtCycleStart(work.tstart);
            long t0 = work.rt.platform().nanoTime();
            if (work.twoPhase) {
                workDone = markrootStackNoWait(work, marking, gcw, gp, latencies);
            } else {
                workDone = markrootStack(work, marking, gcw, gp, latencies);
            }
            work.stackJobNanos.addAndGet(work.rt.platform().nanoTime() - t0);
        } else if (i < work.markrootJobs) {
            long t0 = work.rt.platform().nanoTime();
            workDone = markrootStackLate(work, marking, gcw,
                    work.allgs.get(i - work.baseStacks - work.allgs.length()), latencies);
            work.stackJobNanos.addAndGet(work.rt.platform().nanoTime() - t0);
        } else {
            throw new GoThrow("markroot: bad index");
        }
        return workDone;
    }

    /** The go1.14 markroot's stack job; returns its pacer work (see {@link #markroot}). */
    private long markrootStack(CycleWork work, Marking marking, GcWork gcw, G gp, Histogram latencies) {
        if (breakSuspend && !marking.isCheckmark()) {
            // --break suspend (never Go): scan gp's stack without stopping it, whatever gp
            // is doing. No scan bit is taken, so Go's scanstack refuses the stack at once
            // ("scanstack - bad status") before reading a word of it.
            return scanSuspended(work, marking, gcw, gp, new SuspendGState(gp, false, false));
        }
        // If this is a self-scan, put the user G in
        // _Gwaiting to prevent self-deadlock. It may
        // already be in _Gwaiting if this is a mark
        // worker or we're in mark termination.
        M mp = M.getm();
        G userG = mp == null ? null : mp.curg();
        boolean selfScan = gp == userG && readgstatus(userG) == G_RUNNING;
        if (selfScan) {
            gp.gc().enterWaitingScan();
        }
        long t0 = work.rt.platform().nanoTime();
        SuspendGState stopped = Suspension.suspendG(gp);
        long waited = work.rt.platform().nanoTime() - t0;
        latencies.recordValue(Math.max(waited, 0));
        work.suspendCalls.incrementAndGet();
        long workDone = scanSuspended(work, marking, gcw, gp, stopped);
        // No finally: a throw is fatal and leaves every G as it is, as Go's throw does.
        // Unwinding through exitWaiting would spin for ever in casgstatus when the throw came
        // from a scan of this G's own stack, whose scan bit the dying scan still holds.
        if (selfScan) {
            gp.gc().exitWaiting();
        }
        return workDone;
    }

    /**
     * The go1.14 markroot's stack job after suspendG: the caller owns gp's stack (or gp was dead).
     * Returns the stack's pacer work (go1.18+; see {@link Pacer#stackScanned}).
     */
    private long scanSuspended(CycleWork work, Marking marking, GcWork gcw, G gp, SuspendGState stopped) {
        if (stopped.dead()) {
            work.suspendDead.incrementAndGet();
            gp.gc().setGcscandone(true);
            return 0;
        }
        if (gp.gcscandone()) {
            throw new GoThrow("g already scanned");
        }
        Consumer<G> hook = scanHookForTest;
        if (hook != null) {
            hook.accept(gp); // a test deschedules the worker here, mid stack job, holding gp
        }
        // The stack job holds gp (its scan bit) and scanstack starts with the shrink: what
        // gp's M and gp's channel partners do between the claim and the shrink
        // (chanparkcommit's unlock, a partner's copy into gp's stack) is what
        // isShrinkStackSafe must be safe against.
        work.rt.platform().schedulingPoint("stack job: gp claimed, before scanstack");
        long workDone = 0;
        if (!breakStackScan || marking.isCheckmark()) {
            // The stack before scanstack may shrink it: go1.19's scannedSize is taken first.
            Stack st = gp.stack();
            long sp = gp.savedSp();
            int frames = scanstack(gp, marking, gcw);
            work.stacksScanned.incrementAndGet();
            work.framesScanned.addAndGet(frames);
            if (st != null && !marking.isCheckmark() && readgstatus(gp) != (G_SCAN | G_DEAD)) {
                workDone = pacer.stackScanned(st, sp);
            }
        }
        // --break stack-scan (never Go): above, the job skips scanstack and only marks gp
        // scanned, so what only gp's stack reaches stays white and is swept.
        gp.gc().setGcscandone(true);
        Suspension.resumeG(stopped);
        return workDone;
    }

    /** Two-phase, first pass: take gp's stack if that needs no waiting, else ask gp to scan itself. */
    private long markrootStackNoWait(CycleWork work, Marking marking, GcWork gcw, G gp, Histogram latencies) {
        if (breakSuspend && !marking.isCheckmark()) {
            return markrootStack(work, marking, gcw, gp, latencies); // --break suspend: no suspension at all
        }
        for (;;) {
            long t0 = work.rt.platform().nanoTime();
            SuspendGState stopped = Suspension.trySuspendG(gp);
            if (stopped != null) {
                latencies.recordValue(Math.max(work.rt.platform().nanoTime() - t0, 0));
                work.suspendCalls.incrementAndGet();
                if (!gp.gc().casScanState(GcGoroutine.GC_SCAN_IDLE, GcGoroutine.GC_SCAN_CLAIMED)) {
                    throw new GoThrow("g already scanned");
                }
                work.stacksNoWait.incrementAndGet();
                return scanSuspended(work, marking, gcw, gp, stopped);
            }
            if (gp.gc().requestSelfScan()) {
                return 0;
            }
            // gp left _Grunning between the two calls: look again.
            work.rt.platform().onSpinWait();
        }
    }

    /** Two-phase, second pass: block only for a G that has not scanned itself yet. */
    private long markrootStackLate(CycleWork work, Marking marking, GcWork gcw, G gp, Histogram latencies) {
        for (;;) {
            int s = gp.gc().scanState();
            if (s == GcGoroutine.GC_SCAN_SELF) {
                if (gp.gc().casScanState(GcGoroutine.GC_SCAN_SELF, GcGoroutine.GC_SCAN_CLAIMED)) {
                    long t0 = work.rt.platform().nanoTime();
                    work.stacksBlocked.incrementAndGet();
                    long workDone = markrootStack(work, marking, gcw, gp, latencies);
                    work.blockedNanos.addAndGet(work.rt.platform().nanoTime() - t0);
                    return workDone;
                }
            } else if (s == GcGoroutine.GC_SCAN_CLAIMED && gp.gcscandone()) {
                return 0;
            } else {
                // IDLE: gp's first-pass job is still in another worker's hands; CLAIMED:
                // its scanner (gp itself at a safe point, or that worker) is scanning.
                // Both finish without waiting on anything, so this wait is short.
                work.rt.platform().yield();
            }
        }
    }

    /**
     * Two-phase: gp, running on its own M at a safe point (newstack's preempt
     * path or asyncPreempt2) and asked to by the first pass, scans its own
     * stack into its P's gcWork, unless the second pass claimed it first.
     * Like markroot's self-scan: gp waits while it is scanned. mp's thread. The stack's pacer
     * work (go1.18+) counts in stackScanWork but credits nobody (no drain ran the job).
     */
    void scanOwnStack(CycleWork work, Marking marking, GcWork gcw, G gp) {
        if (!gp.gc().casScanState(GcGoroutine.GC_SCAN_SELF, GcGoroutine.GC_SCAN_CLAIMED)) {
            return;
        }
        long t0 = work.rt.platform().nanoTime();
        gp.gc().enterWaitingScan(); // gp is the calling M's G
        scanSuspended(work, marking, gcw, gp, Suspension.suspendG(gp));
        // No finally: a throw is fatal and leaves every G as it is, as Go's throw does.
        // Unwinding through exitWaiting would spin for ever in casgstatus when the throw came
        // from a scan of this G's own stack, whose scan bit the dying scan still holds.
        gp.gc().exitWaiting();
        work.stacksSelfScanned.incrementAndGet();
        work.stackJobNanos.addAndGet(work.rt.platform().nanoTime() - t0);
    }

    /**
     * Go's scanstack: greys every pointer on gp's stack, precisely by the
     * frames' stack maps and conservatively in an asyncPreempt frame and its
     * caller. Shrinks the stack when that is safe, else asks for a shrink at
     * the next synchronous safe point. The caller owns gp's stack (it holds
     * the scan bit). Returns the number of frames scanned.
     */
    int scanstack(G gp, Marking marking, GcWork gcw) {
        int s = readgstatus(gp);
        if ((s & G_SCAN) == 0) {
            throw new GoThrow("scanstack - bad status",
                    "runtime:scanstack: gp=" + gp + ", goid=" + gp.goid() + ", gp->atomicstatus=0x"
                            + Integer.toHexString(s));
        }
        switch (s & ~G_SCAN) {
            case G_DEAD:
                return 0;
            case G_RUNNING:
                throw new GoThrow("scanstack: goroutine not stopped",
                        "runtime: gp=" + gp + ", goid=" + gp.goid() + ", gp->atomicstatus=" + s);
            case G_RUNNABLE:
            case G_SYSCALL:
            case G_WAITING:
                break;
            default:
                throw new GoThrow("mark - bad status",
                        "runtime: gp=" + gp + ", goid=" + gp.goid() + ", gp->atomicstatus=" + s);
        }
        if (gp.gc().isShrinkStackSafe()) {
            gp.gc().shrinkstack();
        } else {
            gp.gc().setPreemptShrink(true);
        }
        Stack st = gp.stack();
        if (st == null) {
            return 0;
        }
        return stackScan.scanstack(st, gp.savedPc(), gp.savedSp(), (slot, value, conservative) -> {
            if (conservative) {
                marking.scanConservativeWord(slot, value, gcw);
            } else {
                marking.scanRootSlot(slot, value, gcw);
            }
        });
    }
}
