package gcsim.goroutines;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Go release whose runtime protocol a run models ({@code gcsim run --go VERSION},
 * {@link SchedConfig#goVersion()}): each constant is a set of feature flags, the one
 * place that says which rule a release had. A site whose behaviour changed between
 * releases asks its flag here ({@code rt.config().goVersion().parkingOnChan()}), never
 * compares version strings.
 *
 * <p>{@link #GO1_14} is gcsim's model since its start (Go commit 3f834114's protocol as
 * go1.14.10 and later 1.14.x ship it): the default, and what every run did before
 * versions existed. The older constants take fixes out, each one faithful to the
 * release that lacked it (the Go commits are in {@link #changes()}).
 *
 * <p>Unlike {@link ProtocolPiece} (an ablation, never Go's behaviour) a version is
 * always some real Go's behaviour, including its bugs.
 */
public enum GoVersion {
    /**
     * go1.14.0: no {@code m.signalPending} and no {@code parkingOnChan}. preemptM sends a
     * signal on every call, so several preempters (suspendG's loop, sysmon's retake,
     * stop-the-world's preemptall) can keep one M handling signals back to back while its
     * goroutine, stopped at asyncPreempt, never gets to run (Go #37741).
     */
    GO1_14_0("1.14.0", 0, 0, false, false,
            "no m.signalPending: preemptM signals the M on every call, and several preempters can flood one"
                    + " M so that it only runs the signal handler, a livelock (Go #37741/#37833, fixed by"
                    + " 0c0e8f224d, backported to go1.14.1 as e577ba98d8); and, as 1.14.1, no parkingOnChan"
                    + " (Go #40641)"),
    /**
     * go1.14.1 to go1.14.9: no {@code parkingOnChan}. A stack may be shrunk between a
     * channel park's status change and chanparkcommit, and copystack then adjusts the
     * wait record without the channel lock (Go #40641).
     */
    GO1_14_1("1.14.1", 1, 9, true, false,
            "no parkingOnChan: a stack can be shrunk between a channel park's _Gwaiting and its unlock, and"
                    + " copystack adjusts the sudog without the channel lock; the partner's clear of sg.elem can be"
                    + " lost: \"runtime: sudog with non-nil elem\" (Go #40641, fixed by eb3c6a93c3,"
                    + " backported to go1.14.10)"),
    /** go1.14.10 and later 1.14.x: gcsim's model (the default). */
    GO1_14("1.14", 10, 15, true, true,
            "gcsim's model, go1.14.10+: go1.14.1's m.signalPending (0c0e8f224d / e577ba98d8, Go #37741)"
                    + " and go1.14.10's parkingOnChan in isShrinkStackSafe and copystack (eb3c6a93c3, Go #40641)"),
    /**
     * The go1.15 development tree between gcsema (f1f947af28, 79b43fa819: gcStart releases
     * worldsema once sweep termination is done and takes it again in gcMarkDone, so
     * stopTheWorld may run during concurrent mark) and its fix 03ba6b070d: a goroutine stopping
     * the world stays _Grunning, and a mark worker that suspends it for its stack scan waits for
     * it while it waits for the worker's P (Go #38404). No release shipped it, hence the name.
     */
    GO1_15_GCSEMA("1.15-gcsema", -1, -1, true, true,
            "go1.15's gcsema (f1f947af28, 79b43fa819): worldsema is free during concurrent mark, so"
                    + " stopTheWorld (ReadMemStats) may run then; its caller stays _Grunning and a mark"
                    + " worker's suspendG waits for it while it waits for the worker's P: deadlock (Go #38404,"
                    + " fixed by 03ba6b070d before go1.15)") {
        @Override
        public String releases() {
            return "devel go1.15 (f1f947af28 to 03ba6b070d)";
        }
    },
    /**
     * go1.15: gcsema, and stopTheWorld's caller _Gwaiting while it stops the world so a mark
     * worker can scan its stack (03ba6b070d, Go #38404). Keeps 1.14.x's fixes.
     */
    GO1_15("1.15", 0, 15, true, true,
            "go1.15's gcsema (f1f947af28, 79b43fa819): stopTheWorld may run during concurrent mark, its"
                    + " caller _Gwaiting meanwhile so mark workers can scan it (03ba6b070d, Go #38404)"),
    /**
     * go1.18's pacer (Go #44167, a108b280bc, 9ac1ee2d46): goroutine stacks and globals are GC
     * work. Their scan counts toward assist credit and background credit, the heap goal grows
     * by GOGC/100 of them, and the trigger comes from the cons/mark estimate. Keeps 1.14.x's
     * fixes. See gc-mark's {@code Pacer}.
     */
    GO1_18("1.18", 0, 10, true, true,
            "go1.18's pacer (a108b280bc, 9ac1ee2d46; Go #44167): stack and globals scan work count toward"
                    + " assists and the heap goal, heapMarked + (heapMarked + stackScan + globalsScan) * GOGC/100"
                    + " with stackScan the goroutines' allocated stack bytes; the trigger from the cons/mark"
                    + " estimate"),
    /**
     * go1.19: go1.18's pacer with the stack term measured as scanned (the used part, hi - sp,
     * of each stack in the last cycle: lastStackScan), and the adaptive starting stack size
     * ({@code debug.adaptivestackstart}, 016d755213): a G reused from the free list gets a stack
     * of the average scanned size.
     */
    GO1_19("1.19", 0, 13, true, true,
            "go1.18's pacer with the stack term as scanned last cycle (lastStackScan, hi - sp), and the"
                    + " adaptive starting stack size (016d755213, adaptivestackstart=1): at mark termination the"
                    + " average scanned stack + StackGuard, a power of 2, becomes the stack size of reused Gs"),
    /**
     * go1.22: the forEachP wrapper (forEachP's caller goes _Gwaiting with the
     * caller's wait reason while it waits for every P, so a suspendG can take it) and mark
     * workers that leave their drain when their P is asked to run a safe-point function or to
     * stop (ff7cf2d4cd, 25895d1c99), and the new execution tracer, whose traceAdvance
     * suspendGs every goroutine whose status it has not yet recorded (the {@code traceadvance}
     * instruction). The GC's own stops (gcStart's sweep termination, gcMarkDone's mark
     * termination) call stopTheWorldWithSema directly and leave their caller _Grunning: a
     * tracer's suspendG of that goroutine waits for it while it waits for the tracer's P
     * (Go #72740, fixed by c6ac736288 in go1.25). go1.23 and go1.24 keep these rules and add one
     * ({@link #GO1_23}).
     */
    GO1_22("1.22", 0, 12, true, true,
            "1.19's rules with go1.22's forEachP wrapper (the caller _Gwaiting while it waits for the Ps) and"
                    + " mark workers yielding to runSafePointFn and stop-the-world (ff7cf2d4cd, 25895d1c99), and the"
                    + " execution tracer's traceAdvance (suspendG of each goroutine): the GC's own stopTheWorldWithSema"
                    + " leaves its caller _Grunning, and a tracer's suspendG of it deadlocks (Go #72740, fixed by"
                    + " c6ac736288 in go1.25)"),
    /**
     * go1.23 and go1.24: 1.22's rules, and isShrinkStackSafe refuses, while the execution tracer
     * is on, a G that is _Gwaiting only so that a suspendG can take it (its wait reason
     * {@code isWaitingForGC}: a stopper, a forEachP caller, the tracer, an assist, a self-scan,
     * the GC's coordinator): such a G runs on the system stack, and the tracer may take a
     * traceback of its user stack meanwhile. See
     * {@link #shrinkRefusesTracedWaitingForSuspendG()}. Go #72740 is still open here.
     */
    GO1_23("1.23", 0, 12, true, true,
            "1.22's rules, and while the execution tracer is on isShrinkStackSafe refuses a G _Gwaiting"
                    + " only so suspendG can take it (traceEnabled() && isWaitingForGC(); d6a3d093c3): its"
                    + " stack is left for the next synchronous safe point (preemptShrink); go1.25 refuses it"
                    + " always (bd07fafb0a); Go #72740 as in 1.22") {
        @Override
        public String releases() {
            return "go1.23.0-go1.23.12 and go1.24";
        }
    },
    /**
     * The go1.25 development tree between 3f3782feed ("allow all of the preamble to be
     * preemptible") and its revert fa2bb342d7, on gcsim's model: the prologue's stack
     * check is an async safe point, as it also was in the go1.14 tree before Go #35470's
     * fix marked it unsafe. No release shipped it, hence the name. A sync request
     * (stackguard0 = stackPreempt) seen by the check and a signal landing before the
     * morestack call: asyncPreempt runs the preemption, the G resumes at the morestack
     * call with the request cleared, and newstack doubles the stack for nothing (Go
     * #35470/#73542). Every other rule is the newest modelled release's (go1.18's pacer,
     * go1.19's stack start, go1.22's forEachP, worker and tracer rules and go1.25's
     * isShrinkStackSafe included: the go1.25 tree has them), and c6ac736288 (Go #72740's fix,
     * March 2025) is earlier in the same tree, so its stopTheWorldWithSema switches its caller to _Gwaiting as {@link #GO1_25} does.
     */
    GO1_25_PROLOGUE("1.25-prologue", -1, -1, true, true,
            "1.23's rules, go1.25's casGToWaitingForSuspendG in stopTheWorldWithSema (c6ac736288, earlier in the"
                    + " tree) and isShrinkStackSafe (bd07fafb0a), and the prologue's stack check an async"
                    + " safe point (the go1.25 development tree"
                    + " between 3f3782feed and its revert fa2bb342d7; the go1.14 tree before Go #35470's fix):"
                    + " a sync and an async preemption race there and newstack grows the stack for nothing,"
                    + " \"goroutine stack exceeds N-byte limit\" (Go #35470/#73542)") {
        @Override
        public String releases() {
            return "devel go1.25 (3f3782feed, reverted by fa2bb342d7)";
        }
    },
    /**
     * go1.25: stopTheWorldWithSema itself moves its caller to _Gwaiting "stopping the world"
     * ({@code casGToWaitingForSuspendG}, c6ac736288), so every stop, the GC's included, can have
     * its caller suspended by a mark worker or the execution tracer meanwhile (Go #72740's fix;
     * stopTheWorld's own switch, 03ba6b070d, goes); and such a G's stack is never shrunk, tracer
     * or not ({@link #shrinkRefusesWaitingForSuspendG()}). Keeps every earlier rule but the
     * preemptible prologue.
     */
    GO1_25("1.25", 0, 99, true, true,
            "1.23's rules with the _Gwaiting switch moved into stopTheWorldWithSema"
                    + " (casGToWaitingForSuspendG(..., waitReasonStoppingTheWorld), c6ac736288): the GC's own"
                    + " stops can be suspended too, which ends Go #72740's deadlock with the execution tracer;"
                    + " and isShrinkStackSafe refuses a G _Gwaiting only for suspendG whether or not the"
                    + " tracer is on (isWaitingForSuspendG, bd07fafb0a)") {
        @Override
        public String releases() {
            return "go1.25.0 and later";
        }
    };

    /** The version a run models unless told otherwise. */
    public static final GoVersion DEFAULT = GO1_14;

    private final String cliName;
    private final int firstPatch;
    private final int lastPatch;
    private final boolean signalPending;
    private final boolean parkingOnChan;
    private final String changes;

    GoVersion(String cliName, int firstPatch, int lastPatch, boolean signalPending, boolean parkingOnChan,
            String changes) {
        this.cliName = cliName;
        this.firstPatch = firstPatch;
        this.lastPatch = lastPatch;
        this.signalPending = signalPending;
        this.parkingOnChan = parkingOnChan;
        this.changes = changes;
    }

    /** The name {@code --go} takes and the JSON report prints, e.g. {@code 1.14}. */
    public String cliName() {
        return cliName;
    }

    /** The releases this constant stands for, e.g. {@code go1.14.1-go1.14.9}. */
    public String releases() {
        String minor = "go" + minor(cliName) + ".";
        return firstPatch == lastPatch ? minor + firstPatch : minor + firstPatch + "-" + minor + lastPatch;
    }

    /** {@code 1.14} of {@code 1.14.1} or {@code 1.14}: the Go minor release a name belongs to. */
    private static String minor(String name) {
        int second = name.indexOf('.', name.indexOf('.') + 1);
        return second < 0 ? name : name.substring(0, second);
    }

    /** One line: what this version changes against gcsim's model, and the Go commits. */
    public String changes() {
        return changes;
    }

    /**
     * Whether preemptM sends a signal only when none is pending on the M
     * ({@code atomic.Cas(&mp.signalPending, 0, 1)}, cleared by doSigPreempt; 0c0e8f224d,
     * go1.15 and go1.14.1). Without it (go1.14.0) every preemptM call signals the M.
     */
    public boolean signalPending() {
        return signalPending;
    }

    /**
     * Whether isShrinkStackSafe refuses a G that is parking on a channel, and copystack
     * throws "racy sudog adjustment due to parking on channel" when it meets one
     * (Go's {@code gp.parkingOnChan}, eb3c6a93c3, go1.15 and go1.14.10).
     */
    public boolean parkingOnChan() {
        return parkingOnChan;
    }

    /**
     * Whether the GC cycle holds worldsema from sweep termination to the end of mark termination,
     * so that every other stopTheWorld caller waits for the cycle (go1.14's gcStart and
     * gcMarkTermination). From go1.15's gcsema (f1f947af28) it is held only for the stopped
     * phases and gcMarkDone. See {@link WorldSema}.
     */
    public boolean worldsemaHeldThroughMark() {
        return compareTo(GO1_15_GCSEMA) < 0;
    }

    /**
     * Whether stopTheWorld moves its caller to _Gwaiting around stopTheWorldWithSema so a mark
     * worker may scan its stack meanwhile (03ba6b070d, go1.15; Go #38404). Before gcsema no stop
     * could meet a mark worker; {@link #GO1_15_GCSEMA} lacks it. Later versions keep the caller
     * _Gwaiting; from go1.25 the switch is in stopTheWorldWithSema
     * ({@link #stopTheWorldWithSemaWaiting()}).
     */
    public boolean stopTheWorldWaiting() {
        return compareTo(GO1_15) >= 0;
    }

    /**
     * Whether stopTheWorldWithSema itself moves its caller (the M's curg) to _Gwaiting
     * "stopping the world" until the world is stopped (c6ac736288, go1.25; Go #72740): also the
     * GC's sweep and mark termination stops, which before call stopTheWorldWithSema directly
     * with their goroutine _Grunning. stopTheWorld then no longer switches the status itself.
     * The go1.25 trees ({@link #GO1_25_PROLOGUE}, which is later than c6ac736288, and
     * {@link #GO1_25}).
     */
    public boolean stopTheWorldWithSemaWaiting() {
        return compareTo(GO1_25_PROLOGUE) >= 0;
    }

    /**
     * Whether forEachP is go1.22's wrapper (ff7cf2d4cd, 25895d1c99): on the system stack it moves the
     * caller to _Gwaiting with the caller's wait reason ({@code casGToWaitingForSuspendG}),
     * runs forEachPInternal, and comes back to _Grunning, so that a goroutine trying to preempt
     * the caller (a stack scan, the tracer) cannot deadlock with it. Before, the callers that
     * needed it did it themselves (go1.14's gcMarkDone); gcsim's older versions' callers stay
     * _Grunning (nothing suspends them there).
     */
    public boolean forEachPWaiting() {
        return compareTo(GO1_22) >= 0;
    }

    /**
     * Whether a mark worker's drain stops when its G is asked to preempt and either the drain is
     * preemptible, someone wants to stop the world, or its P is asked to run a safe-point
     * function (go1.22's gcDrain: {@code gp.preempt && (preemptible || sched.gcwaiting.Load() ||
     * pp.runSafePointFn != 0)}; the runSafePointFn term came with the forEachP change, ff7cf2d4cd /
     * 25895d1c99; the gcwaiting term is older in Go, with gcsema, and gcsim models both from
     * 1.22). Before (gcsim's go1.14 gcDrain: {@code !(preemptible && gp.preempt)}) only a
     * preemptible drain stops, so a dedicated worker's second drain runs to the end of the work
     * however long a forEachP or a stop waits.
     */
    public boolean workersYieldToSafePoints() {
        return compareTo(GO1_22) >= 0;
    }

    /**
     * Whether the program may use the execution tracer ({@code traceadvance}: go1.22's
     * traceAdvance, which suspendGs each goroutine to record its status). The new tracer came with
     * go1.22; gcsim models no older tracer.
     */
    public boolean executionTracer() {
        return compareTo(GO1_22) >= 0;
    }

    /**
     * Whether isShrinkStackSafe refuses, while the execution tracer is on, a G that is _Gwaiting
     * only so that a suspendG can take it (go1.23 and go1.24, d6a3d093c3): "We also can't copy the
     * stack while tracing is enabled, and gp is in _Gwaiting solely to make itself available to
     * the GC. In these cases, the G is actually executing on the system stack, and the execution
     * tracer may want to take a stack trace of the G's stack." ({@code traceEnabled() &&
     * readgstatus(gp)&^_Gscan == _Gwaiting && gp.waitreason.isWaitingForGC()}). True from
     * {@link #GO1_23} on (go1.25 refuses the same G without the tracer:
     * {@link #shrinkRefusesWaitingForSuspendG()}).
     */
    public boolean shrinkRefusesTracedWaitingForSuspendG() {
        return compareTo(GO1_23) >= 0;
    }

    /**
     * Whether isShrinkStackSafe refuses a G that is _Gwaiting only so that a suspendG can take it
     * whether or not the execution tracer is on (go1.25, bd07fafb0a: {@code readgstatus(gp)&^_Gscan
     * == _Gwaiting && gp.waitreason.isWaitingForSuspendG()}; casGToWaitingForSuspendG: "While a
     * goroutine is in this state, it's stack is effectively pinned. The garbage collector must not
     * shrink or otherwise mutate the goroutine's stack."). The go1.25 trees ({@link #GO1_25_PROLOGUE}
     * is taken to be later than bd07fafb0a: not checked against Go's log).
     */
    public boolean shrinkRefusesWaitingForSuspendG() {
        return compareTo(GO1_25_PROLOGUE) >= 0;
    }

    /**
     * Whether stack and globals scanning are GC work for the pacer (go1.18, a108b280bc): a root
     * job's scan counts toward the assist that ran it and toward background credit, and the
     * heap goal and the trigger follow go1.18's gcControllerState.commit. Later versions keep it.
     */
    public boolean pacerCountsRoots() {
        return compareTo(GO1_18) >= 0;
    }

    /**
     * Whether the checkmark bit lives in the heap bitmap: the high (scan) bit of an object's
     * second word, which therefore does not say "more pointers follow" (go1.14, go1.15; mbitmap.go:
     * "In the second word, the high bit is the GC checkmarked bit"). scanobject's loop then never
     * stops at word 1 ({@code if i != 1*sys.PtrSize && bits&bitScan == 0 { break }}), so the scan
     * work it counts for an object of two or more words is at least 16 bytes, where later
     * versions count exactly ptrdata. go1.16 moved the checkmarks to a separate bitmap per arena;
     * gcsim's versions after 1.15 are 1.18 and later.
     */
    public boolean checkmarkInHeapBitmap() {
        return compareTo(GO1_18) < 0;
    }

    /**
     * Whether the pacer's stack term is what was scanned (hi - sp) last cycle, and reused Gs
     * start with the average scanned stack size (go1.19, 016d755213, {@code
     * debug.adaptivestackstart=1} by default). Later versions keep it.
     */
    public boolean adaptiveStackStart() {
        return compareTo(GO1_19) >= 0;
    }

    /**
     * Whether the gctrace line has go1.20's "S MB stacks, G MB globals" fields between the goal
     * and the Ps (56bdf7f7d9: gcController.lastStackScan and globalsScan). go1.20 and later; the
     * first such version here is {@link #GO1_22}.
     */
    public boolean gctraceStacksAndGlobals() {
        return compareTo(GO1_22) >= 0;
    }

    /**
     * Whether a function prologue's stack check is an asynchronous safe point: a signal may
     * land between the check's failure and the morestack call, and the G resumes there
     * ({@link #GO1_25_PROLOGUE}). Every release marks the check and the call unsafe
     * ({@code StartUnsafePoint} in each arch's stacksplit, Go #35470).
     */
    public boolean preemptiblePrologue() {
        return this == GO1_25_PROLOGUE;
    }

    /**
     * The version {@code name} names: a constant's {@link #cliName()}, or any release it stands
     * for ({@code 1.14.5}, {@code go1.14.12}, {@code 1.18.3}); empty when none.
     */
    public static Optional<GoVersion> byName(String name) {
        String n = name.startsWith("go") ? name.substring(2) : name;
        for (GoVersion v : values()) {
            if (v.cliName.equals(n)) {
                return Optional.of(v);
            }
        }
        String minor = minor(n);
        if (!minor.equals(n)) {
            String patch = n.substring(minor.length() + 1);
            if (!patch.isEmpty() && patch.length() <= 2 && patch.chars().allMatch(Character::isDigit)) {
                int p = Integer.parseInt(patch);
                return Arrays.stream(values())
                        .filter(v -> minor(v.cliName).equals(minor) && v.firstPatch <= p && p <= v.lastPatch)
                        .findFirst();
            }
        }
        return Optional.empty();
    }

    /** The names {@code --go} takes, comma-separated, for error messages. */
    public static String names() {
        return known().stream().map(GoVersion::cliName).collect(Collectors.joining(", "));
    }

    /** Every version, oldest first. */
    public static List<GoVersion> known() {
        return List.of(values());
    }
}
