package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.mutator.Program;
import gcsim.base.GoThrow;
import gcsim.heap.ObjectType;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Run queues, free-G lists, stop-the-world, goexit0 and gopark/ready. */
class SchedulerTest {
    private final Sched rt = new Sched(SchedConfig.of(2).withSysmon(false));

    private G runnable() {
        G gp = rt.allgs.malg(2048);
        gp.initStatus(G_RUNNABLE);
        return gp;
    }

    @Test
    void runqIsFifoWithRunnextFirstAndOverflowsHalfToTheGlobalQueue() {
        P pp = rt.allp[0];
        G[] gs = new G[300];
        for (int i = 0; i < gs.length; i++) {
            gs[i] = runnable();
            pp.runqput(gs[i], false);
        }
        // 256 fit; the 257th put moves 128 + 1 to the global queue, and so on.
        assertThat(pp.runqsize() + rt.globalRunqSize()).isEqualTo(300);
        assertThat(rt.globalRunqSize()).isEqualTo(129);
        G next = runnable();
        pp.runqput(next, true);
        assertThat(pp.runqget()).isSameAs(next);
        assertThat(pp.inheritTime).isTrue();
        G first = pp.runqget();
        assertThat(pp.inheritTime).isFalse();
        assertThat(first).isSameAs(gs[128]);
    }

    @Test
    void concurrentStealersTakeEveryGExactlyOnce() throws Exception {
        for (int seed = 0; seed < 50; seed++) {
            P owner = rt.allp[0];
            Set<G> taken = ConcurrentHashMap.newKeySet();
            AtomicInteger dup = new AtomicInteger();
            int n = 200;
            CountDownLatch go = new CountDownLatch(1);
            Thread thief = new Thread(() -> {
                P mine = rt.allp[1];
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 2000; i++) {
                    G gp = mine.runqsteal(owner, (i & 1) == 0);
                    while (gp != null) {
                        if (!taken.add(gp)) {
                            dup.incrementAndGet();
                        }
                        gp = mine.runqget();
                    }
                }
            });
            thief.start();
            go.countDown();
            for (int i = 0; i < n; i++) {
                owner.runqput(runnable(), (i % 7) == 0);
                if (i % 3 == 0) {
                    G gp = owner.runqget();
                    if (gp != null && !taken.add(gp)) {
                        dup.incrementAndGet();
                    }
                }
            }
            thief.join();
            for (G gp = owner.runqget(); gp != null; gp = owner.runqget()) {
                if (!taken.add(gp)) {
                    dup.incrementAndGet();
                }
            }
            assertThat(dup).hasValue(0);
            assertThat(taken).hasSize(n);
            assertThat(owner.runqempty()).isTrue();
        }
    }

    @Test
    void gfputKeepsUnder64LocallyAndGfgetRefillsFromGlobal() {
        P pp = rt.allp[0];
        Set<G> all = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            G gp = rt.allgs.malg(2048);
            gp.initStatus(G_DEAD);
            all.add(gp);
            rt.gfree.gfput(pp, gp);
        }
        assertThat(pp.gFreeN).isEqualTo(31);
        Set<G> got = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            G gp = rt.gfree.gfget(pp);
            assertThat(gp).isNotNull();
            assertThat(gp.stack).isNotNull();
            got.add(gp);
        }
        assertThat(got).isEqualTo(all);
        assertThat(rt.gfree.gfget(pp)).isNull();
        G notDead = runnable();
        assertThatThrownBy(() -> rt.gfree.gfput(pp, notDead)).isInstanceOf(GoThrow.class)
                .hasMessage("gfput: bad status (not Gdead)");
    }

    @Test
    void markrootFreeGStacksFreesStacksOfGlobalFreeGs() {
        P pp = rt.allp[0];
        for (int i = 0; i < 64; i++) {
            G gp = rt.allgs.malg(2048);
            gp.initStatus(G_DEAD);
            rt.gfree.gfput(pp, gp);
        }
        long inuse = rt.stackAllocator().stackInuse();
        assertThat(rt.gcSupport().markrootFreeGStacks()).isEqualTo(33); // 64 - 31 moved to the global list
        assertThat(rt.gcSupport().markrootFreeGStacks()).isZero();
        assertThat(rt.stackAllocator().stackInuse()).isLessThanOrEqualTo(inuse);
        for (int i = 0; i < 64; i++) {
            G gp = rt.gfree.gfget(pp);
            assertThat(gp).isNotNull();
            assertThat(gp.stackHi - gp.stackLo).isEqualTo(2048); // reallocated on reuse
        }
    }

    @Test
    void gfputFreesNonStandardStacksAndGfgetAllocatesAgain() {
        P pp = rt.allp[0];
        G gp = rt.allgs.malg(8192);
        gp.initStatus(G_DEAD);
        rt.gfree.gfput(pp, gp);
        assertThat(gp.stack).isNull();
        assertThat(gp.stackLo).isZero();
        G again = rt.gfree.gfget(pp);
        assertThat(again).isSameAs(gp);
        assertThat(gp.stackHi - gp.stackLo).isEqualTo(2048);
    }

    @Test
    void stopTheWorldStopsEveryPAtASafePointAndStartResumes() throws Exception {
        ObjectType cell = ObjectType.scalars("cell", 2);
        Program p = Program.builder()
                .type(cell)
                .chan("done", 4, false)
                .func("f", 0, 0).ret().end()
                .func("w", 2, 1).ptrArgs(0)
                    .label("l").call("f", -1).loadw(0, 3, 1).addi(0, 0, 1).storew(3, 1, 0)
                    .loadw(1, 3, 0).jnz(1, "d").jmp("l").label("d").send("done", 1).ret().end()
                .func("sys", 1, 1).ptrArgs(0)
                    .label("l").syscall(200).loadw(0, 2, 0).jnz(0, "d").jmp("l").label("d").send("done", 0).ret().end()
                .func("main", 2, 0).ptrLocals(0)
                    .newobj(0, "cell").spawn("w", 0).spawn("w", 0).spawn("w", 0).spawn("sys", 0)
                    .constant(1, 4).label("r").recv("done", 1).decjnz(1, "r").ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(3).withAsyncPreempt(false)).start()) {
            long c = t.mainLocal0();
            TestRt.until(() -> t.rt.allgs().length == 5, t.rt);
            for (int seed = 0; seed < 30; seed++) {
                t.rt.stopTheWorld("test");
                for (P pp : t.rt.allp) {
                    assertThat(pp.status()).isEqualTo(P.P_GCSTOP);
                }
                long count = t.heap.readWord(c + 8);
                for (G gp : t.rt.allgs()) {
                    assertThat(readgstatus(gp)).isNotEqualTo(G_RUNNING);
                }
                for (int i = 0; i < seed * 50; i++) {
                    Thread.onSpinWait();
                }
                assertThat(t.heap.readWord(c + 8)).as("nothing runs while stopped").isEqualTo(count);
                WorldStop ws = t.rt.startTheWorld();
                // The stop's timing: request <= all stopped <= restart began <= restarted, and a P came last.
                assertThat(ws.requestNanos()).isLessThanOrEqualTo(ws.stoppedNanos());
                assertThat(ws.stoppedNanos()).isLessThanOrEqualTo(ws.restartNanos());
                assertThat(ws.restartNanos()).isLessThanOrEqualTo(ws.restartedNanos());
                assertThat(ws.timeToStopNanos() + ws.stoppedWorkNanos() + ws.timeToRestartNanos())
                        .isEqualTo(ws.restartedNanos() - ws.requestNanos());
                assertThat(ws.lastP()).isBetween(0, t.rt.allp.length - 1);
                assertThat(ws.lastM()).isGreaterThanOrEqualTo(-1);
                TestRt.until(() -> t.heap.readWord(c + 8) > count, t.rt);
            }
            t.heap.writeWord(c, 1);
            assertThat(t.await(20)).isZero();
        }
    }

    /**
     * Go's startTheWorldWithSema takes its start time (where the pause in {@code work.pauseNS}
     * ends) once every P with work has an M, before its extra {@code wakep}: the restart does not
     * include that wakeup. Here the clock moves only when a thread is woken or created, an hour
     * each; after the stop no P has work, so the one wakeup is wakep's (idle Ps, no spinning M).
     */
    @Test
    void theRestartEndsBeforeTheExtraWakep() throws Exception {
        long hour = 3_600_000_000_000L;
        Program p = Program.builder()
                .chan("never", 0, false)
                .func("blocked", 1, 0).recv("never", 0).ret().end()
                .func("main", 0, 0).spawn("blocked").sleep(3_000_000).block().end() // the clock stands still
                .build();
        ClockedPlatform pl = new ClockedPlatform();
        try (TestRt t = new TestRt(p, SchedConfig.of(2).withSysmon(false), pl).start()) {
            TestRt.until(() -> t.rt.allgs().length == 2
                    && readgstatus(t.rt.allgs()[0]) == G_WAITING && readgstatus(t.rt.allgs()[1]) == G_WAITING, t.rt);
            pl.wakeNanos = hour;
            t.rt.stopTheWorld("test");
            long beforeRestart = pl.clock.get();
            WorldStop ws = t.rt.startTheWorld();
            assertThat(pl.clock.get() - beforeRestart).as("wakep woke or started an M").isGreaterThanOrEqualTo(hour);
            assertThat(ws.timeToRestartNanos()).as("the restart ends before wakep").isLessThan(hour);
        }
    }

    /**
     * With one P running a goroutine that never blocks, that P cannot be taken by the stopper (not
     * a thread of the runtime): it stops itself on its M, so the stop names it and that M.
     */
    @Test
    void theStopNamesTheRunningPAndItsMAsLast() throws Exception {
        ObjectType cell = ObjectType.scalars("cell", 2);
        Program p = Program.builder()
                .type(cell)
                .chan("done", 1, false)
                .func("f", 0, 0).ret().end()
                .func("w", 2, 1).ptrArgs(0)
                    .label("l").call("f", -1).loadw(0, 3, 1).addi(0, 0, 1).storew(3, 1, 0)
                    .loadw(1, 3, 0).jnz(1, "d").jmp("l").label("d").send("done", 1).ret().end()
                .func("main", 2, 0).ptrLocals(0)
                    .newobj(0, "cell").spawn("w", 0).recv("done", 1).ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(1).withAsyncPreempt(false)).start()) {
            long c = t.mainLocal0();
            TestRt.until(() -> t.heap.readWord(c + 8) > 0, t.rt);
            t.rt.stopTheWorld("test");
            WorldStop ws = t.rt.startTheWorld();
            assertThat(ws.lastP()).isZero();
            assertThat(ws.lastM()).as("stopped by its own M, not by the stopper").isNotNegative();
            t.heap.writeWord(c, 1);
            assertThat(t.await(20)).isZero();
        }
    }

    @Test
    void goexitClearsPreemptStopAndWaitReason() throws Exception {
        Program p = Program.builder()
                .chan("c", 0, false)
                .func("child", 0, 0).ret().end()
                .func("main", 1, 0).spawn("child").gosched().sleep(1000).ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(1)).start()) {
            assertThat(t.await(20)).isZero();
            G child = t.rt.allgs()[1];
            assertThat(readgstatus(child)).isEqualTo(G_DEAD);
            assertThat(child.preemptStop).isFalse();
            assertThat(child.waitreason).isEqualTo(WaitReason.ZERO);
            assertThat(child.m).isNull();
        }
    }

    @Test
    void readyOfANonWaitingGThrows() {
        G gp = runnable();
        assertThatThrownBy(() -> rt.ready(gp, false)).isInstanceOf(GoThrow.class)
                .hasMessage("bad g->status in ready");
    }

    @Test
    void dumpShowsGoStatusStringsAndFrames() throws Exception {
        Program p = Program.builder()
                .chan("c", 0, false)
                .func("recv", 1, 0).recv("c", 0).ret().end()
                .func("main", 0, 0).spawn("recv").sleep(200_000).ret().end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(1)).start()) {
            TestRt.until(() -> t.rt.allgs().length == 2 && readgstatus(t.rt.allgs()[1]) == G_WAITING
                    && readgstatus(t.main) == G_WAITING, t.rt);
            String dump = Traceback.dump(t.rt);
            assertThat(dump).contains("goroutine 1 [sleep]:\nmain(...)")
                    .contains("goroutine 2 [chan receive]:\nrecv(...)");
        }
    }
}
