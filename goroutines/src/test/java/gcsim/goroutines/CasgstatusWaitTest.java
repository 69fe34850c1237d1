package gcsim.goroutines;

import static gcsim.goroutines.GStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * proc.go casgstatus waiting out a scan bit held by a scanner: it spins
 * ({@code procyield(1)}, at most 10 per round and only while the status is
 * not back to oldval) until 5 µs have passed, then gives the CPU away
 * ({@code osyield}) and spins again for 2.5 µs, and so on. A
 * {@link ClockedPlatform} clock makes the rounds exact; the test plays the
 * scanner from the platform's hints, on the caller's own thread.
 */
@Timeout(20)
class CasgstatusWaitTest {
    private final ClockedPlatform pl = new ClockedPlatform();
    private final Sched rt = new Sched(SchedConfig.of(1).withSysmon(false), pl);

    private G heldByAScanner() {
        G gp = rt.allgs.malg(2048);
        gp.initStatus(G_WAITING);
        assertThat(castogscanstatus(gp, G_WAITING, G_SCANWAITING)).isTrue();
        return gp;
    }

    @Test
    void spinsForFiveMicrosecondsThenYieldsEveryTwoAndAHalf() {
        G gp = heldByAScanner();
        List<String> hints = new ArrayList<>();
        pl.onHint = h -> {
            hints.add(h);
            int n = hints.size();
            if (n == 15) {
                pl.clock.set(GStatus.CASGSTATUS_YIELD_DELAY); // during the second round of spins
            } else if (n == 22) {
                pl.clock.set(GStatus.CASGSTATUS_YIELD_DELAY * 3 / 2 - 1); // still spinning after the yield
            } else if (n == 23) {
                pl.clock.set(GStatus.CASGSTATUS_YIELD_DELAY * 3 / 2); // 2.5 µs after the yield
            } else if (n == 32) {
                casfromGscanstatus(gp, G_SCANWAITING, G_WAITING); // the scanner is done
            }
        };
        casgstatus(gp, G_WAITING, G_RUNNABLE); // a ready() racing the scanner
        List<String> expected = new ArrayList<>();
        expected.addAll(List.of(spins(10)));
        expected.addAll(List.of(spins(10)));
        expected.add("yield");
        expected.addAll(List.of(spins(10)));
        expected.add("yield");
        assertThat(hints).containsExactlyElementsOf(expected);
        assertThat(readgstatus(gp)).isEqualTo(G_RUNNABLE);
    }

    @Test
    void stopsSpinningAsSoonAsTheStatusIsBack() {
        G gp = heldByAScanner();
        List<String> hints = new ArrayList<>();
        pl.onHint = h -> {
            hints.add(h);
            if (hints.size() == 4) {
                casfromGscanstatus(gp, G_SCANWAITING, G_WAITING);
            }
        };
        casgstatus(gp, G_WAITING, G_RUNNABLE);
        assertThat(hints).containsExactly(spins(4));
        assertThat(readgstatus(gp)).isEqualTo(G_RUNNABLE);
    }

    @Test
    void anUncontendedTransitionNeverWaits() {
        G gp = rt.allgs.malg(2048);
        gp.initStatus(G_WAITING);
        casgstatus(gp, G_WAITING, G_RUNNABLE);
        assertThat(pl.spinHints.get() + pl.yields.get()).isZero();
    }

    /** casgcopystack takes a G whose scan bit is held once the bit is gone (it spins on the CAS). */
    @Test
    void casgcopystackOfAGBeingScannedWaitsForTheScanner() throws Exception {
        G gp = heldByAScanner();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        int[] old = {-1};
        Thread copier = new Thread(() -> {
            try {
                started.countDown();
                old[0] = casgcopystack(gp);
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        copier.start();
        started.await();
        casfromGscanstatus(gp, G_SCANWAITING, G_WAITING);
        copier.join();
        assertThat(failed.get()).isNull();
        assertThat(old[0]).isEqualTo(G_WAITING);
        assertThat(readgstatus(gp)).isEqualTo(G_COPYSTACK);
    }

    /** traceback.go gStatusStrings: only Go's names; every other value, scan bit or not, is "???". */
    @Test
    void statusStringOutsideGosTableIsQuestionMarks() {
        assertThat(statusString(G_SCANRUNNING)).isEqualTo("running");
        assertThat(statusString(G_SCAN | G_IDLE)).isEqualTo("idle");
        assertThat(statusString(G_ENQUEUE_UNUSED)).isEqualTo("???");
        assertThat(statusString(10)).isEqualTo("???");
        assertThat(statusString(G_SCAN | 10)).isEqualTo("???");
        assertThat(statusString(-1)).isEqualTo("???");
    }

    private static String[] spins(int n) {
        String[] s = new String[n];
        java.util.Arrays.fill(s, "spin");
        return s;
    }
}
