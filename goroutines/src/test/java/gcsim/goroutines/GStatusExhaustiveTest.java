package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import org.junit.jupiter.api.Test;

/**
 * Every (old, new) pair over all status values and their scan variants, for
 * each helper: the pairs the helper accepts succeed (when the G is in old),
 * the others throw Go's message and leave the status alone. As in Go,
 * casgstatus checks only the scan bits and old != new; which pairs the
 * runtime uses is the callers' business (see GStatusTest for those).
 */
class GStatusExhaustiveTest {
    private static final int[] ALL = {
        G_IDLE, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING, G_MORIBUND_UNUSED, G_DEAD, G_ENQUEUE_UNUSED,
        G_COPYSTACK, G_PREEMPTED,
        G_SCAN | G_IDLE, G_SCANRUNNABLE, G_SCANRUNNING, G_SCANSYSCALL, G_SCANWAITING, G_SCAN | G_DEAD,
        G_SCAN | G_COPYSTACK, G_SCANPREEMPTED,
    };

    private final Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));

    private G g(int status) {
        G gp = rt.allgs.malg(2048);
        gp.initStatus(status);
        return gp;
    }

    @Test
    void casgstatus() {
        for (int o : ALL) {
            for (int n : ALL) {
                G gp = g(o);
                if ((o & G_SCAN) != 0 || (n & G_SCAN) != 0 || o == n) {
                    assertThatThrownBy(() -> GStatus.casgstatus(gp, o, n)).isInstanceOf(GoThrow.class)
                            .hasMessage("casgstatus: bad incoming values");
                    assertThat(readgstatus(gp)).isEqualTo(o);
                } else {
                    GStatus.casgstatus(gp, o, n);
                    assertThat(readgstatus(gp)).isEqualTo(n);
                }
            }
        }
    }

    @Test
    void castogscanstatus() {
        for (int o : ALL) {
            for (int n : ALL) {
                G gp = g(o);
                boolean legal = (o == G_RUNNABLE || o == G_RUNNING || o == G_WAITING || o == G_SYSCALL)
                        && n == (o | G_SCAN);
                if (legal) {
                    assertThat(GStatus.castogscanstatus(gp, o, n)).isTrue();
                    assertThat(readgstatus(gp)).isEqualTo(n);
                    assertThat(GStatus.castogscanstatus(gp, o, n)).as("the CAS loses the second time").isFalse();
                } else {
                    assertThatThrownBy(() -> GStatus.castogscanstatus(gp, o, n)).isInstanceOf(GoThrow.class)
                            .hasMessage("castogscanstatus");
                    assertThat(readgstatus(gp)).isEqualTo(o);
                }
            }
        }
    }

    @Test
    void casfromGscanstatus() {
        for (int o : ALL) {
            for (int n : ALL) {
                G gp = g(o);
                boolean scanState = o == G_SCANRUNNABLE || o == G_SCANWAITING || o == G_SCANRUNNING
                        || o == G_SCANSYSCALL || o == G_SCANPREEMPTED;
                if (!scanState) {
                    assertThatThrownBy(() -> GStatus.casfromGscanstatus(gp, o, n)).isInstanceOf(GoThrow.class)
                            .hasMessage("casfrom_Gscanstatus:top gp->status is not in scan state");
                } else if (n != (o & ~G_SCAN)) {
                    assertThatThrownBy(() -> GStatus.casfromGscanstatus(gp, o, n)).isInstanceOf(GoThrow.class)
                            .hasMessage("casfrom_Gscanstatus: gp->status is not in scan state");
                } else {
                    GStatus.casfromGscanstatus(gp, o, n);
                    assertThat(readgstatus(gp)).isEqualTo(n);
                    continue;
                }
                assertThat(readgstatus(gp)).isEqualTo(o);
            }
        }
    }

    @Test
    void casGToPreemptScanAndCasGFromPreempted() {
        for (int o : ALL) {
            for (int n : ALL) {
                G gp = g(o);
                if (o == G_RUNNING && n == G_SCANPREEMPTED) {
                    GStatus.casGToPreemptScan(gp, o, n);
                    assertThat(readgstatus(gp)).isEqualTo(G_SCANPREEMPTED);
                } else {
                    assertThatThrownBy(() -> GStatus.casGToPreemptScan(gp, o, n)).isInstanceOf(GoThrow.class)
                            .hasMessage("bad g transition");
                }
                G gp2 = g(o);
                if (o == G_PREEMPTED && n == G_WAITING) {
                    assertThat(GStatus.casGFromPreempted(gp2, o, n)).isTrue();
                    assertThat(readgstatus(gp2)).isEqualTo(G_WAITING);
                } else {
                    assertThatThrownBy(() -> GStatus.casGFromPreempted(gp2, o, n)).isInstanceOf(GoThrow.class)
                            .hasMessage("bad g transition");
                    assertThat(readgstatus(gp2)).isEqualTo(o);
                }
            }
        }
    }
}
