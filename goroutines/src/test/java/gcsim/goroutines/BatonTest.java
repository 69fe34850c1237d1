package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_RUNNABLE;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.castogscanstatus;
import static gcsim.goroutines.GStatus.casfromGscanstatus;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.platform.Baton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The deterministic scheduler with real threads and the real status
 * helpers: a few "Ms" run Gs (runnable -> running -> runnable/waiting), a
 * "suspender" takes and drops the scan bit as suspendG does, a "waker"
 * readies waiting Gs and a "timer" sleeps in simulated time; baton hand-offs
 * at every step. The event log of the G status transitions (through
 * {@link Sched#setRuntimeEvents}) is the run's fingerprint.
 */
class BatonTest {
    private static final int GS = 8;
    private static final int MS = 3;
    private static final int ROUNDS = 12;

    /** What one seeded run produced. */
    private record Run(String digest, long events, long handoffs, long simulatedNanos, int maxInside) {}

    @Test
    void sameSeedSameRunDifferentSeedsDifferentRuns() throws Exception {
        Run a = run(42);
        Run b = run(42);
        assertThat(a.events()).isGreaterThan(100);
        assertThat(b).isEqualTo(a);
        assertThat(a.maxInside()).as("threads inside a step at once").isEqualTo(1);
        Set<String> digests = new HashSet<>();
        for (long seed = 1; seed <= 6; seed++) {
            digests.add(run(seed).digest());
        }
        assertThat(digests).as("6 seeds, 6 interleavings").hasSize(6);
    }

    @Test
    void simulatedTimeAdvancesOnlyBySleeps() throws Exception {
        Run r = run(7);
        // The timer sleeps ROUNDS times 1 ms of simulated time, nothing else takes time.
        assertThat(r.simulatedNanos()).isEqualTo(ROUNDS * 1_000_000L);
    }

    @Test
    void watchdogReportsWhenNoThreadCanProgress() throws Exception {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        EventLog log = new EventLog(16);
        rt.setRuntimeEvents(log);
        G gp = g(rt, 1, G_RUNNABLE);
        AtomicReference<String> report = new AtomicReference<>();
        Baton baton = new Baton(3, d -> report.set(d + "\nlast events:\n" + log.lastEvents()));
        ConcurrentLinkedQueue<Throwable> ends = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        // Two threads each park waiting for the other to wake it: neither ever does.
        for (String name : new String[] {"parker-a", "parker-b"}) {
            Baton.Participant p = baton.register(name);
            threads.add(thread(name, () -> {
                baton.attach(p);
                if (gp.casStatus(G_RUNNABLE, G_RUNNING)) {
                    gp.casStatus(G_RUNNING, G_WAITING);
                }
                baton.block();
            }, ends));
        }
        baton.start();
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
        }
        assertThat(ends).hasSize(2).allMatch(e -> e instanceof Baton.Deadlock);
        assertThat(baton.deadlock()).isNotNull();
        assertThat(report.get()).contains("no thread can make progress", "parker-a#0 blocked", "parker-b#1 blocked",
                "g1 runnable -> running", "g1 running -> waiting");
    }

    @Test
    void unblockBeforeBlockIsAPermit() throws Exception {
        Baton baton = new Baton(5, d -> { });
        Baton.Participant a = baton.register("a");
        ConcurrentLinkedQueue<Throwable> ends = new ConcurrentLinkedQueue<>();
        Thread t = thread("a", () -> {
            baton.attach(a);
            baton.unblock(a);
            baton.block(); // returns at once: the permit
            baton.exit();
        }, ends);
        baton.start();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(ends).isEmpty();
        assertThat(baton.deadlock()).isNull();
    }

    private static G g(Sched rt, long goid, int status) {
        G gp = rt.allgs.malg(2048);
        gp.goid = goid;
        gp.initStatus(status);
        return gp;
    }

    private static Thread thread(String name, Runnable body, ConcurrentLinkedQueue<Throwable> ends) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                ends.add(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One run of the protocol game under a baton seeded with {@code seed}. */
    private static Run run(long seed) throws Exception {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        EventLog log = new EventLog(64);
        rt.setRuntimeEvents(log);
        G[] gs = new G[GS];
        for (int i = 0; i < GS; i++) {
            gs[i] = g(rt, i + 1, G_RUNNABLE);
        }
        Baton baton = new Baton(seed, d -> { });
        ReentrantLock schedLock = new ReentrantLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        Baton.Participant waker = baton.register("waker");
        List<Baton.Participant> parties = new ArrayList<>();
        for (int m = 0; m < MS; m++) {
            int mi = m;
            Baton.Participant p = baton.register("M" + m);
            parties.add(p);
            threads.add(thread("M" + m, () -> {
                baton.attach(p);
                for (int r = 0; r < ROUNDS; r++) {
                    for (int i = mi; i < GS; i += MS) {
                        step(inside, maxInside);
                        G gp = gs[i];
                        if (!gp.casStatus(G_RUNNABLE, G_RUNNING)) {
                            baton.pass(); // suspended or waiting: try the next one
                            continue;
                        }
                        baton.pass(); // an instruction boundary
                        // casgstatus's loop with the baton as the spin point: a scanner may hold the bit.
                        int to = (r + i) % 3 == 0 ? G_WAITING : G_RUNNABLE;
                        while (!gp.casStatus(G_RUNNING, to)) {
                            baton.pass();
                        }
                        baton.lock(schedLock);
                        try {
                            baton.pass(); // descheduled with the lock held: others tryLock-or-yield
                        } finally {
                            schedLock.unlock();
                        }
                    }
                }
                baton.exit();
            }, failures));
        }
        Baton.Participant suspender = baton.register("suspender");
        threads.add(thread("suspender", () -> {
            baton.attach(suspender);
            for (int r = 0; r < ROUNDS; r++) {
                for (G gp : gs) {
                    step(inside, maxInside);
                    int s = readgstatus(gp);
                    if ((s == G_RUNNABLE || s == G_WAITING || s == G_RUNNING) && castogscanstatus(gp, s, s | G_SCAN)) {
                        baton.pass(); // scanning the stack
                        casfromGscanstatus(gp, s | G_SCAN, s);
                    }
                    baton.pass();
                }
            }
            baton.exit();
        }, failures));
        Baton.Participant timer = baton.register("timer");
        threads.add(thread("timer", () -> {
            baton.attach(timer);
            for (int r = 0; r < ROUNDS; r++) {
                baton.sleepUntil(baton.nanoTime() + 1_000_000);
                step(inside, maxInside);
                baton.unblock(waker);
            }
            baton.exit();
        }, failures));
        threads.add(thread("waker", () -> {
            baton.attach(waker);
            for (int r = 0; r < ROUNDS; r++) {
                baton.block(); // until the timer fires
                step(inside, maxInside);
                for (G gp : gs) {
                    while (readgstatus(gp) == G_WAITING || readgstatus(gp) == (G_WAITING | G_SCAN)) {
                        if (gp.casStatus(G_WAITING, G_RUNNABLE)) {
                            break;
                        }
                        baton.pass();
                    }
                }
            }
            baton.exit();
        }, failures));
        baton.start();
        for (Thread t : threads) {
            t.join(20_000);
            assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(baton.deadlock()).isNull();
        return new Run(log.digest(), log.events(), baton.handoffs(), baton.nanoTime(), maxInside.get());
    }

    /** Counts the threads inside a step at once (must be 1 under the baton). */
    private static void step(AtomicInteger inside, AtomicInteger maxInside) {
        int n = inside.incrementAndGet();
        maxInside.accumulateAndGet(n, Math::max);
        Thread.onSpinWait();
        inside.decrementAndGet();
    }
}
