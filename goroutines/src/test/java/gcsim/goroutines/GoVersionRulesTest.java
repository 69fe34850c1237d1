package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Program;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules that differ between Go versions, at their sites: each test runs the same
 * situation under the version with the rule and the one without, and sees Go's
 * difference. Go #40641 (parkingOnChan, go1.14.10): a G caught between park_m's status
 * change and chanparkcommit's unlock. Go #37741 (m.signalPending, go1.14.1): preemptM's
 * signals per call.
 */
class GoVersionRulesTest {

    @Test
    void versionsByName() {
        assertThat(GoVersion.byName("1.14")).contains(GoVersion.GO1_14);
        assertThat(GoVersion.byName("go1.14.12")).contains(GoVersion.GO1_14);
        assertThat(GoVersion.byName("1.14.1")).contains(GoVersion.GO1_14_1);
        assertThat(GoVersion.byName("1.14.9")).contains(GoVersion.GO1_14_1);
        assertThat(GoVersion.byName("1.14.10")).contains(GoVersion.GO1_14);
        assertThat(GoVersion.byName("1.14.0")).contains(GoVersion.GO1_14_0);
        assertThat(GoVersion.byName("go1.14.0")).contains(GoVersion.GO1_14_0);
        assertThat(GoVersion.byName("1.14.16")).isEmpty();
        assertThat(GoVersion.byName("1.15")).contains(GoVersion.GO1_15);
        assertThat(GoVersion.byName("go1.15.15")).contains(GoVersion.GO1_15);
        assertThat(GoVersion.byName("1.15.16")).isEmpty();
        assertThat(GoVersion.byName("1.15-gcsema")).contains(GoVersion.GO1_15_GCSEMA);
        assertThat(GoVersion.GO1_15_GCSEMA.releases()).contains("f1f947af28").contains("03ba6b070d");
        assertThat(GoVersion.GO1_15.releases()).isEqualTo("go1.15.0-go1.15.15");
        // worldsema through mark until go1.14; gcsema from 1.15-gcsema, the stopper _Gwaiting from 1.15.
        for (GoVersion v : GoVersion.values()) {
            assertThat(v.worldsemaHeldThroughMark()).as("%s", v).isEqualTo(v.compareTo(GoVersion.GO1_14) <= 0);
            assertThat(v.stopTheWorldWaiting()).as("%s", v)
                    .isEqualTo(v.compareTo(GoVersion.GO1_14) > 0 && v != GoVersion.GO1_15_GCSEMA);
        }
        assertThat(GoVersion.byName("1.18")).contains(GoVersion.GO1_18);
        assertThat(GoVersion.byName("go1.18.4")).contains(GoVersion.GO1_18);
        assertThat(GoVersion.byName("1.19.13")).contains(GoVersion.GO1_19);
        assertThat(GoVersion.byName("1.19.14")).isEmpty();
        assertThat(GoVersion.byName("1.18.x")).isEmpty();
        assertThat(GoVersion.byName("1.14.x")).isEmpty();
        assertThat(GoVersion.DEFAULT).isEqualTo(GoVersion.GO1_14);
        assertThat(SchedConfig.of(1).goVersion()).isEqualTo(GoVersion.DEFAULT);
        assertThat(GoVersion.GO1_14.parkingOnChan()).isTrue();
        assertThat(GoVersion.GO1_14_1.parkingOnChan()).isFalse();
        assertThat(GoVersion.GO1_14_0.parkingOnChan()).isFalse();
        assertThat(GoVersion.GO1_14.signalPending()).isTrue();
        assertThat(GoVersion.GO1_14_1.signalPending()).isTrue();
        assertThat(GoVersion.GO1_14_0.signalPending()).isFalse();
        assertThat(GoVersion.GO1_14_0.releases()).isEqualTo("go1.14.0");
        assertThat(GoVersion.GO1_14_1.releases()).isEqualTo("go1.14.1-go1.14.9");
        assertThat(GoVersion.GO1_18.releases()).isEqualTo("go1.18.0-go1.18.10");
        // Later versions keep the 1.14.x fixes; the pacer rules start at 1.18 and 1.19.
        for (GoVersion v : new GoVersion[] {GoVersion.GO1_18, GoVersion.GO1_19}) {
            assertThat(v.signalPending()).as("%s", v).isTrue();
            assertThat(v.parkingOnChan()).as("%s", v).isTrue();
            assertThat(v.pacerCountsRoots()).as("%s", v).isTrue();
        }
        assertThat(GoVersion.GO1_14.pacerCountsRoots()).isFalse();
        assertThat(GoVersion.GO1_14_0.pacerCountsRoots()).isFalse();
        assertThat(GoVersion.GO1_18.adaptiveStackStart()).isFalse();
        assertThat(GoVersion.GO1_19.adaptiveStackStart()).isTrue();
        assertThat(GoVersion.byName("1.25-prologue")).contains(GoVersion.GO1_25_PROLOGUE);
        assertThat(GoVersion.byName("go1.25-prologue")).contains(GoVersion.GO1_25_PROLOGUE);
        assertThat(GoVersion.byName("1.25")).contains(GoVersion.GO1_25);
        assertThat(GoVersion.byName("go1.25.3")).contains(GoVersion.GO1_25);
        assertThat(GoVersion.byName("1.22")).contains(GoVersion.GO1_22);
        assertThat(GoVersion.byName("1.22.12")).contains(GoVersion.GO1_22);
        assertThat(GoVersion.byName("1.22.13")).isEmpty();
        assertThat(GoVersion.GO1_22.releases()).contains("go1.22.0-go1.22.12");
        // go1.22's forEachP wrapper, worker yield and tracer; go1.25's stopTheWorldWithSema switch
        // (also in the go1.25 tree of 1.25-prologue, which is later than c6ac736288).
        for (GoVersion v : GoVersion.values()) {
            boolean from122 = v.compareTo(GoVersion.GO1_22) >= 0;
            assertThat(v.forEachPWaiting()).as("%s", v).isEqualTo(from122);
            assertThat(v.workersYieldToSafePoints()).as("%s", v).isEqualTo(from122);
            assertThat(v.executionTracer()).as("%s", v).isEqualTo(from122);
            assertThat(v.stopTheWorldWithSemaWaiting()).as("%s", v)
                    .isEqualTo(v == GoVersion.GO1_25 || v == GoVersion.GO1_25_PROLOGUE);
            if (from122) {
                assertThat(v.pacerCountsRoots() && v.adaptiveStackStart() && v.signalPending() && v.parkingOnChan()
                        && v.stopTheWorldWaiting() && !v.worldsemaHeldThroughMark()).as("%s keeps 1.19's", v).isTrue();
            }
        }
        assertThat(GoVersion.byName("1.23")).contains(GoVersion.GO1_23);
        assertThat(GoVersion.byName("go1.23.12")).contains(GoVersion.GO1_23);
        assertThat(GoVersion.GO1_23.releases()).isEqualTo("go1.23.0-go1.23.12 and go1.24");
        assertThat(GoVersion.GO1_22.releases()).isEqualTo("go1.22.0-go1.22.12");
        // isShrinkStackSafe: go1.23's tracer-only refusal of a G waiting for suspendG; go1.25's always.
        for (GoVersion v : GoVersion.values()) {
            boolean from123 = v == GoVersion.GO1_23 || v == GoVersion.GO1_25_PROLOGUE || v == GoVersion.GO1_25;
            assertThat(v.shrinkRefusesTracedWaitingForSuspendG()).as("%s", v).isEqualTo(from123);
            assertThat(v.shrinkRefusesWaitingForSuspendG()).as("%s", v)
                    .isEqualTo(v == GoVersion.GO1_25_PROLOGUE || v == GoVersion.GO1_25);
            if (v == GoVersion.GO1_23) {
                assertThat(v.forEachPWaiting() && v.workersYieldToSafePoints() && v.executionTracer()
                        && !v.stopTheWorldWithSemaWaiting() && !v.preemptiblePrologue()).as("1.23 keeps 1.22's").isTrue();
            }
        }
        assertThat(GoVersion.GO1_25.preemptiblePrologue()).isFalse();
        assertThat(GoVersion.GO1_25_PROLOGUE.releases()).contains("3f3782feed").contains("fa2bb342d7");
        for (GoVersion v : GoVersion.values()) {
            assertThat(v.preemptiblePrologue()).as("%s", v).isEqualTo(v == GoVersion.GO1_25_PROLOGUE);
        }
    }

    /**
     * preemptM (Go #37741, 0c0e8f224d): three preempters call it on one M before the M
     * handles anything. go1.14.1 and later send one signal (the CAS on m.signalPending
     * fails while one is in flight); go1.14.0 sends three, and the M's handler then runs
     * three times, taking one each (M.takeSignal says whether another is still pending).
     */
    @Test
    void preemptMSendsOneSignalInFlightFromGo1_14_1() {
        for (GoVersion v : GoVersion.values()) {
            Sched rt = new Sched(SchedConfig.of(1).withSysmon(false).withGoVersion(v));
            M mp = new M(rt, 99); // never started: only its signal state is used
            for (int i = 0; i < 3; i++) {
                mp.preemptM();
            }
            assertThat(mp.signalPending).as("%s: signals in flight after 3 preemptM", v)
                    .isEqualTo(v.signalPending() ? 1 : 3);
            if (!v.signalPending()) {
                assertThat(mp.takeSignal()).as("first run: two more pending").isTrue();
                assertThat(mp.takeSignal()).as("second run: one more pending").isTrue();
                assertThat(mp.takeSignal()).as("third run: none left").isFalse();
                assertThat(mp.takeSignal()).as("nothing to take").isFalse();
                assertThat(mp.signalPending).isZero();
            }
        }
    }

    /** isShrinkStackSafe: go1.14.10 refuses a G parking on a channel, go1.14.1-go1.14.9 does not test it. */
    @Test
    void isShrinkStackSafeTestsParkingOnChanFromGo1_14_10() {
        for (GoVersion v : GoVersion.values()) {
            Sched rt = new Sched(SchedConfig.of(1).withSysmon(false).withGoVersion(v));
            G gp = rt.allgs.malg(2048);
            assertThat(GoroutineStacks.isShrinkStackSafe(gp)).as("%s, not parking", v).isTrue();
            gp.parkingOnChan = true;
            assertThat(GoroutineStacks.isShrinkStackSafe(gp)).as("%s, parking on a channel", v)
                    .isEqualTo(!v.parkingOnChan());
        }
    }

    /**
     * A shrink of a G in the window (its M still holds the channel lock, activeStackChans
     * not yet set). go1.14.9's copystack adjusts the wait record without the lock (the
     * helper holds it throughout); go1.14.10's refuses with Go's throw if a shrink gets there.
     */
    @Test
    @Timeout(120) // a hang guard: a shrink that wrongly waited for the held lock would never return
    void copystackInTheWindowAdjustsWithoutTheLockBeforeGo1_14_10() throws Exception {
        for (GoVersion v : GoVersion.values()) {
            shrinkInTheWindow(v);
        }
    }

    private static void shrinkInTheWindow(GoVersion v) throws Exception {
        Program p = NewstackTest.deepThenBlocked();
        try (TestRt t = new TestRt(p, SchedConfig.of(2).withGoVersion(v)).start()) {
            TestRt.until(() -> t.rt.allgs().length == 2 && readgstatus(t.rt.allgs()[1]) == G_WAITING, t.rt);
            G w = t.rt.allgs()[1];
            Sudog sg = w.waiting;
            assertThat(sg).isNotNull();
            assertThat(w.activeStackChans).as("chanparkcommit ran").isTrue();
            SuspendGState st = Suspension.suspendG(w);
            // Back into the window: the parking M holds the lock, chanparkcommit has not run.
            HelperThreads helpers = new HelperThreads();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            helpers.start("parking M", () -> {
                sg.c.lock.lock();
                try {
                    held.countDown();
                    release.await();
                } finally {
                    sg.c.lock.unlock();
                }
            });
            assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
            w.parkingOnChan = true;
            w.activeStackChans = false;
            long size = w.stackHi - w.stackLo;
            try {
                if (v.parkingOnChan()) {
                    assertThat(GoroutineStacks.isShrinkStackSafe(w)).isFalse();
                    assertThatThrownBy(() -> GoroutineStacks.shrinkstack(w)).isInstanceOf(GoThrow.class)
                            .hasMessage("shrinkstack at bad time");
                    assertThat(w.stackHi - w.stackLo).isEqualTo(size);
                } else {
                    GoroutineStacks.shrinkstack(w); // returns although the lock is held
                    assertThat(w.stackHi - w.stackLo).isEqualTo(size / 2);
                    assertThat(sg.elem).as("the record adjusted without the lock").isBetween(w.stackLo, w.stackHi);
                }
            } finally {
                release.countDown();
                helpers.joinAll(60);
                w.parkingOnChan = false;
                w.activeStackChans = true;
                Suspension.resumeG(st);
            }
        }
    }

    /**
     * copystack's own check (go1.14.10's, with isShrinkStackSafe's refusal removed by
     * {@code --break parking-on-chan}) throws Go's text; go1.14.9 has no such check.
     */
    @Test
    void copystackRacySudogCheckUnderTheBreak() {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false)
                .withBroken(java.util.EnumSet.of(ProtocolPiece.PARKING_ON_CHAN)));
        G gp = rt.allgs.malg(8192);
        gp.initStatus(GStatus.G_SCAN | G_WAITING);
        gp.sp = gp.stackHi - 64;
        gp.parkingOnChan = true;
        assertThat(GoroutineStacks.isShrinkStackSafe(gp)).isTrue();
        assertThatThrownBy(() -> GoroutineStacks.shrinkstack(gp)).isInstanceOf(GoThrow.class)
                .hasMessage("racy sudog adjustment due to parking on channel");
    }

    /** releaseSudog (every version): a woken G whose record's elem was not cleared throws Go's text. */
    @Test
    void releaseSudogChecksElem() {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        G gp = rt.allgs.malg(2048);
        gp.waiting = new Sudog(gp, new Chan(0, false), gp.stackHi - 8);
        gp.activeStackChans = true;
        assertThatThrownBy(() -> MutatorSupport.dropWaitRecord(gp)).isInstanceOf(GoThrow.class)
                .hasMessage("runtime: sudog with non-nil elem");
        Sudog cleared = new Sudog(gp, new Chan(0, false), 0);
        gp.waiting = cleared;
        gp.activeStackChans = true;
        MutatorSupport.dropWaitRecord(gp);
        assertThat(gp.waiting).isNull();
        assertThat(gp.activeStackChans).isFalse();
    }

    /**
     * The prologue's morestack window (Go #35470/#73542). A goroutine calls a leaf in a loop
     * and never needs a bigger stack; suspendG posts both requests (stackguard0 =
     * stackPreempt, then the signal). Under 1.25-prologue the signal can land after the
     * check failed: asyncPreempt stops the goroutine at the CALL, resumeG clears the
     * request, and the goroutine resumes into morestack, which finds no request and doubles
     * the stack. Every release has the window unsafe: the same suspensions never grow it.
     * A race of real threads: the test stops at the first spurious growth.
     */
    @Test
    @Timeout(120) // a hang guard
    void prologueMorestackWindowGrowsTheStackForNothingOnlyUnder1_25Prologue() throws Exception {
        for (GoVersion v : java.util.List.of(GoVersion.GO1_25_PROLOGUE, GoVersion.GO1_14)) {
            int rounds = spuriousGrowthRound(v, 300);
            if (v.preemptiblePrologue()) {
                assertThat(rounds).as("%s: a suspension ended in a spurious growth", v).isPositive();
            } else {
                assertThat(rounds).as("%s: no growth in 300 suspensions", v).isEqualTo(-1);
            }
        }
    }

    /**
     * Suspends the looping goroutine up to {@code max} times; returns the round (from 1)
     * after which its stack grew, or -1 if it never did.
     */
    private static int spuriousGrowthRound(GoVersion v, int max) throws Exception {
        Program p = Program.builder()
                .type(gcsim.heap.ObjectType.scalars("cell", 1))
                .func("leaf", 1, 0).ret().end()
                .func("w", 2, 1).ptrArgs(0) // for { c.n++; leaf() }
                    .label("l").loadw(0, 3, 0).addi(0, 0, 1).storew(3, 0, 0).call("leaf", -1).jmp("l").end()
                .func("main", 1, 0).ptrLocals(0)
                    .newobj(0, "cell").spawn("w", 0).label("s").sleep(1000).jmp("s").end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2).withSysmon(false).withGoVersion(v)).start()) {
            long cell = t.mainLocal0();
            TestRt.until(() -> t.rt.allgs().length == 2 && t.heap.readWord(cell) > 0, t.rt);
            G w = t.rt.allgs()[1];
            long size = w.stackHi - w.stackLo;
            long growths = t.rt.stackGrowths.get();
            for (int round = 1; round <= max; round++) {
                TestRt.until(() -> readgstatus(w) == GStatus.G_RUNNING, t.rt);
                SuspendGState st = Suspension.suspendG(w);
                boolean async = w.asyncSafePoint;
                long n = t.heap.readWord(cell);
                Suspension.resumeG(st);
                // A growth comes before w's next instruction: once the counter moves, the round is over.
                TestRt.until(() -> t.heap.readWord(cell) != n, t.rt);
                if (t.rt.stackGrowths.get() != growths) {
                    assertThat(async).as("%s: stopped by asyncPreempt before the growth", v).isTrue();
                    assertThat(w.stackHi - w.stackLo).as("%s: doubled", v).isEqualTo(2 * size);
                    return round;
                }
            }
            assertThat(w.stackHi - w.stackLo).isEqualTo(size);
            return -1;
        }
    }

    /**
     * A goroutine that never reaches a safe point until {@link #release}: it holds its P (as a
     * goroutine in a tight loop on the system stack would) so a stop or forEachP keeps waiting.
     */
    private static final class Holder implements GoCode {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public int run(M mp, G gp) {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EXIT;
        }
    }

    /**
     * main starts a {@link Holder} on the other P, then calls {@code op} on its own M. The test
     * thread waits until main is inside op (per {@code inside}) and the holder still holds its P,
     * hands main to {@code check}, releases the holder, and waits for main's exit.
     */
    private static void whileMainWaitsForTheHolder(GoVersion v, java.util.function.Consumer<Sched> op,
            java.util.function.Predicate<Sched> inside, java.util.function.BiConsumer<Sched, G> check)
            throws Exception {
        Sched rt = new Sched(SchedConfig.of(2).withSysmon(false).withGoVersion(v));
        Holder holder = new Holder();
        try {
            G main = rt.start(new GoCode() {
                int step;

                @Override
                public int run(M mp, G gp) {
                    if (step++ == 0) {
                        rt.newproc(holder, null);
                        return GOSCHED; // let the holder have the other P first
                    }
                    try {
                        if (!holder.running.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("holder never ran");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    op.accept(rt);
                    return EXIT;
                }
            }, null);
            TestRt.until(() -> inside.test(rt) && holder.running.getCount() == 0, rt);
            check.accept(rt, main);
            holder.release.countDown();
            assertThat(rt.awaitExit(60, TimeUnit.SECONDS)).as("%s: main returned", v).isZero();
        } finally {
            holder.release.countDown();
            rt.shutdown();
        }
    }

    /**
     * stopTheWorldWithSema's caller while it waits for a P (Go #72740). go1.22-go1.24: the GC's
     * stops call it directly and their goroutine stays _Grunning (only stopTheWorld switched);
     * go1.25 (c6ac736288): it is _Gwaiting "stopping the world" until every P is stopped, so a
     * suspendG (here from a thread that is not an M, as the tracer's would be from its M) takes it
     * at once; back to _Grunning once the world is stopped.
     */
    @Test
    @Timeout(120) // a hang guard
    void stopTheWorldWithSemaMovesItsCallerToWaitingFromGo1_25() throws Exception {
        for (GoVersion v : java.util.List.of(GoVersion.GO1_22, GoVersion.GO1_25)) {
            java.util.concurrent.atomic.AtomicInteger after = new java.util.concurrent.atomic.AtomicInteger(-1);
            whileMainWaitsForTheHolder(v, rt -> {
                rt.stopTheWorld("GC sweep termination"); // as the GC's coordinator goroutine does
                after.set(readgstatus(M.getm().curg));
                rt.startTheWorld();
            }, rt -> rt.stw.gcwaiting, (rt, main) -> {
                if (v == GoVersion.GO1_25) { // go1.25's rule, not asked of v: the site must have it
                    assertThat(readgstatus(main)).as("%s", v).isEqualTo(G_WAITING);
                    assertThat(main.waitreason).isEqualTo(WaitReason.STOPPING_THE_WORLD);
                    SuspendGState st = Suspension.suspendG(main); // returns: main is _Gwaiting
                    assertThat(st.dead()).isFalse();
                    Suspension.resumeG(st);
                } else {
                    assertThat(readgstatus(main)).as("%s", v).isEqualTo(GStatus.G_RUNNING);
                }
            });
            assertThat(after.get()).as("%s: running once the world is stopped", v).isEqualTo(GStatus.G_RUNNING);
        }
    }

    /**
     * forEachP's caller while it waits for a P: go1.22's wrapper (ff7cf2d4cd) makes it _Gwaiting
     * with the caller's reason, so a suspendG can take it; before, it stays _Grunning.
     */
    @Test
    @Timeout(120) // a hang guard
    void forEachPMovesItsCallerToWaitingFromGo1_22() throws Exception {
        for (GoVersion v : java.util.List.of(GoVersion.GO1_19, GoVersion.GO1_22)) {
            whileMainWaitsForTheHolder(v, rt -> rt.forEachP.forEachP(WaitReason.TRACE_PROC_STATUS, p -> { }),
                    rt -> rt.allp[1].wantsSafePointFn() || rt.allp[0].wantsSafePointFn(), (rt, main) -> {
                        if (v == GoVersion.GO1_22) { // go1.22's rule, not asked of v
                            assertThat(readgstatus(main)).as("%s", v).isEqualTo(G_WAITING);
                            assertThat(main.waitreason).isEqualTo(WaitReason.TRACE_PROC_STATUS);
                            Suspension.resumeG(Suspension.suspendG(main));
                        } else {
                            assertThat(readgstatus(main)).as("%s", v).isEqualTo(GStatus.G_RUNNING);
                        }
                    });
        }
    }

    /**
     * isShrinkStackSafe at the stack job's shrink: a G _Gwaiting with each wait reason, its scan bit
     * held (as scanstack holds it), its 16 KiB stack almost unused. A reason of
     * isWaitingForSuspendG (the G runs on the system stack: a stopper, a forEachP caller, the
     * tracer, an assist, a self-scan, the GC's coordinator) is refused under go1.23-go1.24 while
     * the execution tracer is on, and under go1.25 always; shrinkstack then throws Go's "shrinkstack
     * at bad time" (scanstack asks for preemptShrink instead). The same reasons with the G not
     * _Gwaiting are not refused. (A stack without frames: the shrink itself is the next test's.)
     */
    @Test
    void shrinkRefusesAGWaitingForSuspendGUnderGo1_23TracedAndGo1_25() {
        for (GoVersion v : GoVersion.values()) {
            for (boolean tracing : new boolean[] {false, true}) {
                Sched rt = new Sched(SchedConfig.of(1).withSysmon(false).withGoVersion(v));
                rt.traceEnabled = tracing;
                boolean rule = v == GoVersion.GO1_25 || v == GoVersion.GO1_25_PROLOGUE
                        || (v == GoVersion.GO1_23 && tracing);
                for (WaitReason r : WaitReason.values()) {
                    boolean refused = rule && r.isWaitingForSuspendG();
                    G gp = rt.allgs.malg(16384);
                    gp.initStatus(GStatus.G_SCAN | G_WAITING);
                    gp.waitreason = r;
                    gp.sp = gp.stackHi - 64;
                    assertThat(GoroutineStacks.isShrinkStackSafe(gp)).as("%s, tracing %s, [%s]", v, tracing, r)
                            .isEqualTo(!refused);
                    if (refused) {
                        assertThatThrownBy(() -> GoroutineStacks.shrinkstack(gp)).isInstanceOf(GoThrow.class)
                                .hasMessage("shrinkstack at bad time");
                        assertThat(gp.stackHi - gp.stackLo).isEqualTo(16384);
                    }
                    for (int other : new int[] {GStatus.G_RUNNABLE, GStatus.G_PREEMPTED}) {
                        G g2 = rt.allgs.malg(2048);
                        g2.initStatus(GStatus.G_SCAN | other);
                        g2.waitreason = r;
                        assertThat(GoroutineStacks.isShrinkStackSafe(g2)).as("%s, status %d, [%s]", v, other, r)
                                .isTrue();
                    }
                }
            }
        }
    }

    /**
     * The shrink itself, as a stack job does it (scanstack: shrinkstack when isShrinkStackSafe,
     * else preemptShrink): a goroutine whose stack grew to 16 KiB in a deep recursion and that now
     * waits at its top, scan bit held, its wait reason relabelled "GC assist marking" (as if it
     * assisted; only the status and the reason matter to the rule). go1.19 and go1.22 halve it;
     * go1.23 halves it with the tracer off and leaves it (preemptShrink) with it on; go1.25 leaves it.
     */
    @Test
    void stackJobShrinkOfAWaitingAssistByVersion() throws Exception {
        Program p = NewstackTest.deepThenBlocked();
        Object[][] cases = {
            {GoVersion.GO1_19, false, true}, {GoVersion.GO1_22, true, true}, {GoVersion.GO1_23, false, true},
            {GoVersion.GO1_23, true, false}, {GoVersion.GO1_25, false, false}, {GoVersion.GO1_25, true, false},
        };
        for (Object[] c : cases) {
            GoVersion v = (GoVersion) c[0];
            boolean tracing = (Boolean) c[1];
            boolean shrinks = (Boolean) c[2];
            try (TestRt t = new TestRt(p, SchedConfig.of(2).withGoVersion(v)).start()) {
                TestRt.until(() -> t.rt.allgs().length == 2 && readgstatus(t.rt.allgs()[1]) == G_WAITING, t.rt);
                t.rt.traceEnabled = tracing;
                G w = t.rt.allgs()[1];
                long size = w.stackHi - w.stackLo;
                assertThat(size).isGreaterThanOrEqualTo(16384);
                SuspendGState st = Suspension.suspendG(w);
                WaitReason parked = w.waitreason;
                w.waitreason = WaitReason.GC_ASSIST_MARKING;
                if (GoroutineStacks.isShrinkStackSafe(w)) {
                    GoroutineStacks.shrinkstack(w);
                } else {
                    w.preemptShrink = true;
                }
                assertThat(w.stackHi - w.stackLo).as("%s, tracing %s", v, tracing).isEqualTo(shrinks ? size / 2 : size);
                assertThat(w.preemptShrink).as("%s, tracing %s", v, tracing).isEqualTo(!shrinks);
                w.waitreason = parked;
                w.preemptShrink = false;
                Suspension.resumeG(st);
            }
        }
    }

    /** The execution tracer is on from a program's first traceadvance (gcsim has no StartTrace). */
    @Test
    void traceadvanceTurnsTheTracerOn() throws Exception {
        Program p = Program.builder()
                .func("main", 1, 0).traceadvance().label("l").sleep(1000).jmp("l").end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2).withGoVersion(GoVersion.GO1_23)).start()) {
            TestRt.until(() -> t.rt.traceEnabled, t.rt);
        }
        Sched idle = new Sched(SchedConfig.of(1).withSysmon(false).withGoVersion(GoVersion.GO1_23));
        assertThat(idle.traceEnabled).isFalse();
    }

    /** casGToWaitingForSuspendG accepts only isWaitingForSuspendG reasons (Go's throw otherwise). */
    @Test
    void casGToWaitingForSuspendGChecksTheReason() {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        G gp = rt.allgs.malg(2048);
        gp.initStatus(GStatus.G_RUNNING);
        assertThatThrownBy(() -> GStatus.casGToWaitingForSuspendG(gp, GStatus.G_RUNNING, WaitReason.SLEEP))
                .isInstanceOf(GoThrow.class)
                .hasMessage("casGToWaitingForSuspendG with non-isWaitingForSuspendG wait reason");
        GStatus.casGToWaitingForSuspendG(gp, GStatus.G_RUNNING, WaitReason.TRACE_GOROUTINE_STATUS);
        assertThat(readgstatus(gp)).isEqualTo(G_WAITING);
        assertThat(gp.waitreason.toString()).isEqualTo("trace goroutine status");
    }
}
