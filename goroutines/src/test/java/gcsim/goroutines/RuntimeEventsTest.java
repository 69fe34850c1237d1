package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import gcsim.goroutines.mutator.Program;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;

/** The runtime event stream from a real run: every G's life, the M that ran it, and a suspendG. */
class RuntimeEventsTest {
    private static final int N = 20;

    /** Records events as text, in arrival order. */
    private static final class Recorder implements RuntimeEvents {
        final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

        @Override
        public void statusChanged(G gp, int oldval, int newval, @Nullable M mp) {
            events.add("status g" + gp.goid + " " + GStatus.statusString(oldval) + ((oldval & GStatus.G_SCAN) != 0 ? "+scan" : "")
                    + " " + GStatus.statusString(newval) + ((newval & GStatus.G_SCAN) != 0 ? "+scan" : ""));
        }

        @Override
        public void suspendBegin(G gp) {
            events.add("suspend g" + gp.goid);
        }

        @Override
        public void suspendEnd(G gp, boolean dead, boolean stopped, long latencyNanos) {
            events.add("suspended g" + gp.goid + (dead ? " dead" : " alive") + (latencyNanos >= 0 ? "" : " negative"));
        }

        @Override
        public void goroutineCreated(G gp) {
            events.add("created g" + gp.goid);
        }

        @Override
        public void goroutineExited(G gp) {
            events.add("exited g" + gp.goid);
        }

        @Override
        public void mRuns(M mp, @Nullable G gp) {
            events.add(gp == null ? "M" + mp.id + " drops" : "M" + mp.id + " runs g" + gp.goid);
        }

        long count(String e) {
            return events.stream().filter(e::equals).count();
        }
    }

    private static final gcsim.heap.ObjectType CELL = gcsim.heap.ObjectType.scalars("cell", 2);

    /** main: c := new(cell); go worker() x N; wait for them; then loop (calling preempt) until c.stop != 0. */
    private static Program workers() {
        return Program.builder()
                .type(CELL)
                .chan("done", N, false)
                .func("preempt", 0, 0).ret().end()
                .func("worker", 2, 1).constant(0, 1).send("done", 0).ret().end()
                .func("main", 3, 0).ptrLocals(0).newobj(0, "cell")
                .constant(1, N).label("s").spawn("worker", 1).decjnz(1, "s")
                .constant(1, N).label("w").recv("done", 2).decjnz(1, "w")
                .label("spin").loadw(1, 0, 0).jnz(1, "out").call("preempt", -1).jmp("spin")
                .label("out").ret().end()
                .build();
    }

    @Test
    void everyGoroutineLifeIsReported() throws Exception {
        Recorder rec = new Recorder();
        SuspendGState st;
        long mainGoid;
        try (TestRt t = new TestRt(workers(), SchedConfig.of(2).withSysmon(false))) {
            t.rt.setRuntimeEvents(rec);
            t.start();
            mainGoid = t.main.goid;
            long cell = t.mainLocal0();
            TestRt.until(() -> rec.events.stream().filter(e -> e.startsWith("exited")).count() == N, t.rt);
            st = Suspension.suspendG(t.main);
            assertThat(st.dead()).isFalse();
            Suspension.resumeG(st);
            t.heap.writeWord(cell, 1);
            assertThat(t.await(20)).isZero();
        }
        List<String> ev = List.copyOf(rec.events);
        for (long g = mainGoid + 1; g <= mainGoid + N; g++) {
            assertThat(rec.count("created g" + g)).as("g%d created", g).isEqualTo(1);
            assertThat(rec.count("exited g" + g)).as("g%d exited", g).isEqualTo(1);
            assertThat(rec.count("status g" + g + " running dead")).isEqualTo(1);
            assertThat(ev.indexOf("created g" + g)).isLessThan(ev.indexOf("exited g" + g));
            assertThat(ev).anyMatch(e -> e.matches("M\\d+ runs g" + mainGoid));
        }
        // newproc's _Gdead -> _Grunnable comes before the goid is assigned (as in Go): it names the old goid.
        assertThat(ev.stream().filter(e -> e.matches("status g\\d+ dead runnable")).count()).isEqualTo(N + 1);
        // Each G ran at least once and each run was followed by a drop on some M.
        long runs = ev.stream().filter(e -> e.matches("M\\d+ runs g\\d+")).count();
        long drops = ev.stream().filter(e -> e.matches("M\\d+ drops")).count();
        assertThat(runs).isGreaterThanOrEqualTo(N + 1);
        assertThat(drops).isBetween(runs - 2, runs); // at most one G per M (2 Ms) still held at exit
        // The suspendG: begin, then end with the result it returned.
        int begin = ev.indexOf("suspend g" + mainGoid);
        int end = ev.indexOf("suspended g" + mainGoid + (st.dead() ? " dead" : " alive"));
        assertThat(begin).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        if (!st.dead()) {
            assertThat(ev.subList(begin, end)).anyMatch(e -> e.startsWith("status g" + mainGoid) && e.endsWith("+scan"));
        }
    }
}
