package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.Suspension.SuspendGState;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The GC's self-scan (internal.GcGoroutine): a G moves itself to waiting, suspends itself and others, and runs on. */
class GcSupportTest {
    @Test
    void selfScanLikeMarkroot() throws Exception {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        AtomicReference<String> seen = new AtomicReference<>("");
        rt.start((mp, gp) -> {
            G self = gp;
            self.gc().enterWaitingScan();
            String header = Traceback.goroutineheader(self);
            SuspendGState st = Suspension.suspendG(self);
            int scanned = readgstatus(self);
            Suspension.resumeG(st);
            self.gc().exitWaiting();
            seen.set(header + " " + Integer.toHexString(scanned) + " " + st.stopped() + " "
                    + Integer.toHexString(readgstatus(self)) + " " + self.waitreason());
            return GoCode.EXIT;
        }, null);
        assertThat(rt.awaitExit(20, TimeUnit.SECONDS)).isZero();
        assertThat(seen.get()).isEqualTo("goroutine 1 [garbage collection scan]: 1004 false 2 ");
        rt.shutdown();
    }
}
