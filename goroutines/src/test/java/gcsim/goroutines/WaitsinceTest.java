package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gp.waitsince as go1.14 keeps it: gopark does not set it; markroot's stack job
 * ({@code GcGoroutine.noteBlockedAtCycleStart}, called by the collector with the cycle's
 * work.tstart) sets it once for a G it finds blocked; goroutineheader prints
 * ", N minutes" from it. A {@link ClockedPlatform} clock stands in for the passing minutes.
 */
@Timeout(30)
class WaitsinceTest {
    private static final long MINUTE = 60_000_000_000L;

    /** One G blocked for ever on a channel; main spins (never blocks, so no deadlock and no timer). */
    private static Program blockedAndSpinner() {
        return Program.builder()
                .chan("never", 0, false)
                .func("blocked", 1, 0).recv("never", 0).ret().end()
                .func("main", 0, 0).spawn("blocked").label("l").jmp("l").end()
                .build();
    }

    private static G blocked(TestRt t) {
        TestRt.until(() -> t.rt.allgs().length > 1 && readgstatus(t.rt.allgs()[1]) == G_WAITING, t.rt);
        return t.rt.allgs()[1];
    }

    @Test
    void parkingWithoutACycleLeavesWaitsinceZeroAndPrintsNoMinutes() {
        ClockedPlatform pl = new ClockedPlatform();
        pl.clock.set(7 * MINUTE); // the G parks at a non-zero time: gcsim used to record it
        try (TestRt t = new TestRt(blockedAndSpinner(), SchedConfig.of(2).withSysmon(false), pl).start()) {
            G gp = blocked(t);
            assertThat(gp.waitsince).isZero();
            assertThat(gp.gc().waitsince()).isZero();
            pl.clock.set(70 * MINUTE);
            assertThat(Traceback.goroutineheader(gp)).isEqualTo("goroutine " + gp.goid + " [chan receive]:");
        }
    }

    @Test
    void markrootRecordsTheCycleStartOnceAndTheDumpPrintsMinutes() {
        ClockedPlatform pl = new ClockedPlatform();
        pl.clock.set(MINUTE); // park time
        try (TestRt t = new TestRt(blockedAndSpinner(), SchedConfig.of(2).withSysmon(false), pl).start()) {
            G gp = blocked(t);
            long tstart = 3 * MINUTE;
            pl.clock.set(tstart);
            gp.gc().noteBlockedAtCycleStart(tstart); // the first cycle's stack job
            assertThat(gp.gc().waitsince()).isEqualTo(tstart);
            gp.gc().noteBlockedAtCycleStart(9 * MINUTE); // a later cycle: first observation stays
            assertThat(gp.waitsince).isEqualTo(tstart);

            pl.clock.set(tstart + MINUTE - 1);
            assertThat(Traceback.goroutineheader(gp)).isEqualTo("goroutine " + gp.goid + " [chan receive]:");
            pl.clock.set(tstart + MINUTE);
            assertThat(Traceback.goroutineheader(gp))
                    .isEqualTo("goroutine " + gp.goid + " [chan receive, 1 minutes]:");
            pl.clock.set(tstart + 150 * 1_000_000_000L);
            assertThat(Traceback.dump(t.rt)).contains("goroutine " + gp.goid + " [chan receive, 2 minutes]:");
        }
    }

    @Test
    void aRunningGIsNotRecorded() {
        ClockedPlatform pl = new ClockedPlatform();
        try (TestRt t = new TestRt(blockedAndSpinner(), SchedConfig.of(2).withSysmon(false), pl).start()) {
            TestRt.until(() -> t.main != null && readgstatus(t.main) == G_RUNNING, t.rt);
            t.main.gc().noteBlockedAtCycleStart(5 * MINUTE);
            assertThat(t.main.waitsince).isZero();
        }
    }
}
