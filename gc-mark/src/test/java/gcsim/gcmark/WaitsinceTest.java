package gcsim.gcmark;

import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.G;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.mutator.Program;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * markroot's stack job records gp.waitsince as go1.14's does: a G found blocked gets the
 * cycle's start (work.tstart), not the time it parked, and keeps the first cycle's.
 */
@Timeout(60)
class WaitsinceTest {
    @ParameterizedTest
    @EnumSource(GcConfig.StackScanStrategy.class)
    void aGBlockedBeforeACycleGetsThatCyclesStart(GcConfig.StackScanStrategy strategy) {
        Program p = Program.builder()
                .chan("never", 0, false)
                .func("blocked", 1, 0).recv("never", 0).ret().end()
                .func("main", 0, 0).spawn("blocked").label("l").jmp("l").end()
                .build();
        try (MarkRun run = MarkRun.start(p, SchedConfig.of(2),
                GcConfig.defaults(2).withAutoTrigger(false).withStackScan(strategy))) {
            run.until(() -> run.rt().allgs().length > 1 && readgstatus(run.rt().allgs()[1]) == G_WAITING);
            G gp = run.rt().allgs()[1];
            assertThat(gp.gc().waitsince()).as("gopark does not set it").isZero();
            long parkedBy = run.rt().platform().nanoTime(); // gp parked before this
            run.cycles(1);
            long cycleOver = run.rt().platform().nanoTime();
            long first = gp.gc().waitsince();
            // The cycle started after parkedBy and before cycleOver: its tstart, not the park time.
            assertThat(first).isGreaterThanOrEqualTo(parkedBy).isLessThanOrEqualTo(cycleOver);
            run.cycles(1);
            assertThat(gp.gc().waitsince()).as("the first observation stays").isEqualTo(first);
            assertThat(run.rt().allgs()[0].gc().waitsince()).as("a running G is not recorded").isZero();
            run.assertVerified();
        }
    }
}
