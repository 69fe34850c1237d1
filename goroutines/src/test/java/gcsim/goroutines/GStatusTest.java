package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The status word helpers: every legal transition works, every illegal one throws Go's message. */
class GStatusTest {
    private final Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));

    private G g(int status) {
        G gp = rt.allgs.malg(2048);
        gp.initStatus(status);
        return gp;
    }

    @ParameterizedTest(name = "casgstatus {0} -> {1}")
    @CsvSource({
        "0,6", // malg: idle -> dead
        "6,1", // newproc1
        "1,2", // execute
        "2,1", // goschedImpl
        "2,4", // park_m
        "4,1", // ready
        "2,3", // entersyscall
        "3,2", // exitsyscall
        "3,1", // exitsyscall0
        "2,6", // goexit0
        "2,8", // newstack
        "8,2", // newstack after copystack
    })
    void legalCasgstatusTransitionsWork(int from, int to) {
        G gp = g(from);
        casgstatus(gp, from, to);
        assertThat(readgstatus(gp)).isEqualTo(to);
    }

    @ParameterizedTest
    @CsvSource({"0x1001,2", "1,0x1002", "2,2", "0x1004,0x1004", "4,4"})
    void casgstatusRejectsScanValuesAndNoOps(String from, String to) {
        int o = Integer.decode(from);
        int n = Integer.decode(to);
        G gp = g(o & ~G_SCAN);
        assertThatThrownBy(() -> casgstatus(gp, o, n))
                .isInstanceOf(GoThrow.class).hasMessage("casgstatus: bad incoming values");
        assertThat(readgstatus(gp)).isEqualTo(o & ~G_SCAN);
    }

    @Test
    void casgstatusWaitingButRunnableThrowsGosMessage() {
        G gp = g(G_RUNNABLE);
        assertThatThrownBy(() -> casgstatus(gp, G_WAITING, G_RUNNING))
                .isInstanceOf(GoThrow.class).hasMessage("casgstatus: waiting for Gwaiting but is Grunnable");
    }

    @Test
    void casgstatusFromAStatusTheGIsNotInThrowsBadTransition() {
        G gp = g(G_DEAD);
        assertThatThrownBy(() -> casgstatus(gp, G_RUNNING, G_RUNNABLE))
                .isInstanceOf(GoThrow.class).hasMessage("bad g transition");
    }

    @Test
    void casgstatusWaitsWhileTheScanBitIsHeld() throws Exception {
        for (int seed = 0; seed < 50; seed++) {
            G gp = g(G_WAITING);
            assertThat(castogscanstatus(gp, G_WAITING, G_SCANWAITING)).isTrue();
            AtomicBoolean released = new AtomicBoolean();
            AtomicBoolean sawRelease = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread readier = new Thread(() -> {
                started.countDown();
                casgstatus(gp, G_WAITING, G_RUNNABLE);
                sawRelease.set(released.get());
            });
            readier.start();
            started.await();
            for (int i = 0; i < seed * 100; i++) {
                Thread.onSpinWait();
            }
            assertThat(readgstatus(gp)).isEqualTo(G_SCANWAITING);
            released.set(true);
            casfromGscanstatus(gp, G_SCANWAITING, G_WAITING);
            readier.join();
            assertThat(sawRelease).isTrue();
            assertThat(readgstatus(gp)).isEqualTo(G_RUNNABLE);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {G_RUNNABLE, G_RUNNING, G_WAITING, G_SYSCALL})
    void castogscanstatusTakesAndCasfromReleasesTheScanBit(int s) {
        G gp = g(s);
        assertThat(castogscanstatus(gp, s, s | G_SCAN)).isTrue();
        assertThat(readgstatus(gp)).isEqualTo(s | G_SCAN);
        casfromGscanstatus(gp, s | G_SCAN, s);
        assertThat(readgstatus(gp)).isEqualTo(s);
    }

    @Test
    void castogscanstatusReturnsFalseWhenTheCasLoses() {
        G gp = g(G_RUNNABLE);
        assertThat(castogscanstatus(gp, G_WAITING, G_SCANWAITING)).isFalse();
        assertThat(castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)).isFalse();
        assertThat(readgstatus(gp)).isEqualTo(G_RUNNABLE);
    }

    @ParameterizedTest
    @CsvSource({"9,0x1009", "6,0x1006", "0,0x1000", "8,0x1008", "1,0x1002", "4,4", "2,0x1001"})
    void castogscanstatusThrowsOnAnythingElse(String from, String to) {
        int o = Integer.decode(from);
        int n = Integer.decode(to);
        G gp = g(o);
        assertThatThrownBy(() -> castogscanstatus(gp, o, n))
                .isInstanceOf(GoThrow.class).hasMessage("castogscanstatus");
        assertThat(readgstatus(gp)).isEqualTo(o);
    }

    @Test
    void casfromGscanstatusReleasesScanPreempted() {
        G gp = g(G_SCANPREEMPTED);
        casfromGscanstatus(gp, G_SCANPREEMPTED, G_PREEMPTED);
        assertThat(readgstatus(gp)).isEqualTo(G_PREEMPTED);
    }

    @ParameterizedTest
    @ValueSource(ints = {G_RUNNABLE, G_RUNNING, G_WAITING, G_SYSCALL, G_PREEMPTED, G_DEAD, G_IDLE, G_COPYSTACK, 0x1006})
    void casfromGscanstatusOfANonScanStateThrowsTop(int s) {
        G gp = g(s);
        assertThatThrownBy(() -> casfromGscanstatus(gp, s, s & ~G_SCAN))
                .isInstanceOf(GoThrow.class).hasMessage("casfrom_Gscanstatus:top gp->status is not in scan state");
    }

    @Test
    void casfromGscanstatusWithWrongTargetOrActualStatusThrows() {
        G gp = g(G_SCANWAITING);
        assertThatThrownBy(() -> casfromGscanstatus(gp, G_SCANWAITING, G_RUNNABLE))
                .isInstanceOf(GoThrow.class).hasMessage("casfrom_Gscanstatus: gp->status is not in scan state");
        G gp2 = g(G_WAITING);
        assertThatThrownBy(() -> casfromGscanstatus(gp2, G_SCANWAITING, G_WAITING))
                .isInstanceOf(GoThrow.class).hasMessage("casfrom_Gscanstatus: gp->status is not in scan state")
                .satisfies(t -> assertThat(((GoThrow) t).runtimePrint()).contains("casfrom_Gscanstatus failed"));
    }

    @Test
    void casGToPreemptScanFromRunningOnly() {
        G gp = g(G_RUNNING);
        casGToPreemptScan(gp, G_RUNNING, G_SCAN | G_PREEMPTED);
        assertThat(readgstatus(gp)).isEqualTo(G_SCANPREEMPTED);
        assertThatThrownBy(() -> casGToPreemptScan(g(G_RUNNING), G_WAITING, G_SCANPREEMPTED))
                .isInstanceOf(GoThrow.class).hasMessage("bad g transition");
        assertThatThrownBy(() -> casGToPreemptScan(g(G_RUNNING), G_RUNNING, G_PREEMPTED))
                .isInstanceOf(GoThrow.class).hasMessage("bad g transition");
    }

    @Test
    void casGToPreemptScanSpinsPastAScanRunningSuspender() throws Exception {
        for (int seed = 0; seed < 50; seed++) {
            G gp = g(G_RUNNING);
            assertThat(castogscanstatus(gp, G_RUNNING, G_SCANRUNNING)).isTrue();
            AtomicReference<Integer> after = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread parker = new Thread(() -> {
                started.countDown();
                casGToPreemptScan(gp, G_RUNNING, G_SCANPREEMPTED);
                after.set(readgstatus(gp));
            });
            parker.start();
            started.await();
            for (int i = 0; i < seed * 100; i++) {
                Thread.onSpinWait();
            }
            casfromGscanstatus(gp, G_SCANRUNNING, G_RUNNING);
            parker.join();
            assertThat(after.get()).isEqualTo(G_SCANPREEMPTED);
        }
    }

    @Test
    void casGFromPreemptedClaimsOnce() {
        G gp = g(G_PREEMPTED);
        assertThat(casGFromPreempted(gp, G_PREEMPTED, G_WAITING)).isTrue();
        assertThat(readgstatus(gp)).isEqualTo(G_WAITING);
        assertThat(casGFromPreempted(gp, G_PREEMPTED, G_WAITING)).isFalse();
        assertThat(casGFromPreempted(g(G_SCANPREEMPTED), G_PREEMPTED, G_WAITING)).isFalse();
        assertThatThrownBy(() -> casGFromPreempted(g(G_PREEMPTED), G_PREEMPTED, G_RUNNABLE))
                .isInstanceOf(GoThrow.class).hasMessage("bad g transition");
        assertThatThrownBy(() -> casGFromPreempted(g(G_WAITING), G_WAITING, G_WAITING))
                .isInstanceOf(GoThrow.class).hasMessage("bad g transition");
    }

    @Test
    void casgcopystackFromWaitingOrRunnable() {
        assertThat(casgcopystack(g(G_WAITING))).isEqualTo(G_WAITING);
        G gp = g(G_RUNNABLE);
        assertThat(casgcopystack(gp)).isEqualTo(G_RUNNABLE);
        assertThat(readgstatus(gp)).isEqualTo(G_COPYSTACK);
        assertThatThrownBy(() -> casgcopystack(g(G_RUNNING)))
                .isInstanceOf(GoThrow.class).hasMessage("copystack: bad status, not Gwaiting or Grunnable");
    }

    @Test
    void statusStringsAreGos() {
        assertThat(statusString(G_IDLE)).isEqualTo("idle");
        assertThat(statusString(G_RUNNABLE)).isEqualTo("runnable");
        assertThat(statusString(G_RUNNING)).isEqualTo("running");
        assertThat(statusString(G_SYSCALL)).isEqualTo("syscall");
        assertThat(statusString(G_WAITING)).isEqualTo("waiting");
        assertThat(statusString(G_DEAD)).isEqualTo("dead");
        assertThat(statusString(G_COPYSTACK)).isEqualTo("copystack");
        assertThat(statusString(G_PREEMPTED)).isEqualTo("preempted");
        assertThat(statusString(G_SCANPREEMPTED)).isEqualTo("preempted");
        assertThat(statusString(G_MORIBUND_UNUSED)).isEqualTo("???");
        assertThat(statusString(42)).isEqualTo("???");
    }

    @Test
    void valuesAreGos() {
        assertThat(new int[] {G_IDLE, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING, G_DEAD, G_COPYSTACK, G_PREEMPTED})
                .containsExactly(0, 1, 2, 3, 4, 6, 8, 9);
        assertThat(new int[] {G_SCAN, G_SCANRUNNABLE, G_SCANRUNNING, G_SCANSYSCALL, G_SCANWAITING, G_SCANPREEMPTED})
                .containsExactly(0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1009);
        assertThat(WaitReason.PREEMPTED.ordinal()).isEqualTo(25);
        assertThat(WaitReason.PREEMPTED).hasToString("preempted");
        assertThat(WaitReason.CHAN_RECEIVE).hasToString("chan receive");
        assertThat(WaitReason.SELECT_NO_CASES.ordinal()).isEqualTo(10);
    }
}
