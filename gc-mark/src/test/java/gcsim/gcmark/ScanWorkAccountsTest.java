package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scan-work accounts under real threads (their layout: MarkerLayoutTest). */
class ScanWorkAccountsTest {
    @Test
    void concurrentFlushesAndStealsAddUpAndResetsClearEachCounterAlone() throws Exception {
        ScanWorkAccounts a = ScanWorkAccounts.create();
        int threads = 4;
        int rounds = 20_000;
        Concurrently.run(threads, t -> {
            for (int i = 0; i < rounds; i++) {
                a.addHeapScanWork(2000);
                a.addBgScanCredit(2000);
                a.addBgScanCredit(-500); // an assist's steal
            }
        });
        assertThat(a.heapScanWork()).isEqualTo(2000L * threads * rounds);
        assertThat(a.bgScanCredit()).isEqualTo(1500L * threads * rounds);
        a.resetBgScanCredit();
        assertThat(a.bgScanCredit()).isZero();
        assertThat(a.heapScanWork()).isEqualTo(2000L * threads * rounds);
        a.resetHeapScanWork();
        assertThat(a.heapScanWork()).isZero();
    }
}
