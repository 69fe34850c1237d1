package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ScanWorkAccountsTest {
    @Test
    void concurrentFlushesAndStealsAddUpAndResetsClearEachCounterAlone() throws Exception {
        ScanWorkAccounts a = ScanWorkAccounts.create();
        int threads = 4;
        int rounds = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        a.addHeapScanWork(2000);
                        a.addBgScanCredit(2000);
                        a.addBgScanCredit(-500); // an assist's steal
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertThat(a.heapScanWork()).isEqualTo(2000L * threads * rounds);
        assertThat(a.bgScanCredit()).isEqualTo(1500L * threads * rounds);
        a.resetBgScanCredit();
        assertThat(a.bgScanCredit()).isZero();
        assertThat(a.heapScanWork()).isEqualTo(2000L * threads * rounds);
        a.resetHeapScanWork();
        assertThat(a.heapScanWork()).isZero();
    }
}
