package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.goroutines.SchedConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gcMark's first check (mgc.go): mark termination must find no work queued and every root job
 * claimed, else Go prints the queue state and panics with "non-empty mark queue after concurrent
 * mark" on the system stack ("fatal error: panic on system stack"). The collector's mark-termination
 * seam leaves a buffer of work on the global list to make it fire.
 */
@Timeout(60)
class MarkTerminationCheckTest {

    @Test
    void workLeftOnTheGlobalListAtMarkTerminationPanicsAsGoDoes() {
        AtomicInteger calls = new AtomicInteger();
        try (MarkRun run = MarkRun.start(Workloads.listsOnStacks(4, 50, 10), SchedConfig.of(2),
                GcConfig.defaults(2).withAutoTrigger(false), gc -> gc.setMarkTerminationHookForTest(pool -> {
                    if (calls.incrementAndGet() == 2) { // the second cycle: the first shows the path is clean
                        Workbuf b = pool.getempty();
                        b.obj[b.nobj++] = 0x1000; // never scanned: the check comes first
                        pool.putfull(b);
                    }
                }))) {
            assertThat(run.gc().gc().checkmark()).isEqualTo(CycleRecord.Checkmark.OK);
            assertThatThrownBy(() -> run.gc().gc())
                    .isInstanceOfSatisfying(GoThrow.class, t -> {
                        assertThat(t.getMessage()).isEqualTo("panic on system stack");
                        assertThat(t.runtimePrint()).isNotEmpty();
                        List<String> lines = t.runtimePrint().lines().toList();
                        assertThat(lines).hasSize(2);
                        java.util.regex.Matcher m = java.util.regex.Pattern.compile("runtime: full=0x([0-9a-f]+) next=(\\d+)"
                                + " jobs=(\\d+) nDataRoots=\\d+ nBSSRoots=0 nSpanRoots=0 nStackRoots=\\d+")
                                .matcher(lines.get(0));
                        assertThat(m.matches()).as(lines.get(0)).isTrue();
                        // hex(work.full): the lfstack's head word, non-zero with the buffer on it.
                        assertThat(Long.parseUnsignedLong(m.group(1), 16)).as("work.full").isNotZero();
                        // Every root job was claimed (workers overshoot next, as Go's Xadd does): only
                        // the queued buffer makes it fire.
                        assertThat(Long.parseLong(m.group(2))).isGreaterThanOrEqualTo(Long.parseLong(m.group(3)));
                        assertThat(lines.get(1)).isEqualTo("panic: non-empty mark queue after concurrent mark");
                    });
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void aNormalCycleReachesMarkTerminationWithNothingQueued() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> leftOver = new AtomicReference<>();
        try (MarkRun run = MarkRun.start(Workloads.listsOnStacks(8, 200, 20), SchedConfig.of(2),
                GcConfig.defaults(2).withAutoTrigger(false), gc -> gc.setMarkTerminationHookForTest(pool -> {
                    calls.incrementAndGet();
                    if (!pool.fullIsEmpty()) {
                        leftOver.compareAndSet(null, pool.fullCount() + " full buffers");
                    }
                }))) {
            List<CycleRecord> rs = run.cycles(6);
            assertThat(rs).hasSize(6).allMatch(r -> r.checkmark() == CycleRecord.Checkmark.OK);
            assertThat(rs).anyMatch(r -> r.objectsMarked() > 0);
            assertThat(calls).hasValue(6);
            assertThat(leftOver).as("work queued at mark termination").hasValue(null);
            run.assertVerified();
        }
    }
}
