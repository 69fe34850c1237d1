package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The goroutine-level worldsema ({@link WorldSema}) and the mutator's stop-the-world
 * ({@link UserStopTheWorld}, runtime.ReadMemStats): a stopper parks "semacquire" while the GC
 * cycle's thread holds worldsema (go1.14 holds it through the whole mark) and stops the world
 * once it is handed over; without a holder every version's stop returns.
 */
class WorldSemaTest {

    private static Program stopsThrice() {
        return Program.builder()
                .func("main", 1, 0).readmemstats().readmemstats().readmemstats().ret().end()
                .build();
    }

    @Test
    @Timeout(120)
    void readMemStatsStopsAndStartsTheWorldUnderEveryVersion() throws Exception {
        for (GoVersion v : GoVersion.values()) {
            try (TestRt t = new TestRt(stopsThrice(), SchedConfig.of(2).withGoVersion(v)).start()) {
                assertThat(t.await(60)).as("%s: main returned", v).isZero();
            }
        }
    }

    @Test
    @Timeout(120)
    void readMemStatsParksWhileTheCycleHoldsWorldsemaAndRunsOnceHandedOver() throws Exception {
        try (TestRt t = new TestRt(stopsThrice(), SchedConfig.of(2))) {
            WorldSema ws = t.rt.worldSema();
            ws.acquireOffM("test: process exited"); // as the cycle thread does at sweep termination
            assertThat(ws.heldByCycle()).isTrue();
            t.start();
            G main = t.main;
            TestRt.until(() -> readgstatus(main) == G_WAITING && main.waitreason == WaitReason.SEMACQUIRE, t.rt);
            assertThat(t.rt.hasExited()).as("main waits for worldsema").isFalse();
            ws.release(); // hands it to main and readies it
            assertThat(ws.heldByCycle()).isFalse();
            assertThat(t.await(60)).as("main stopped the world three times and returned").isZero();
            // Free again: the cycle thread takes it without waiting.
            ws.acquireOffM("test: process exited");
            assertThat(ws.heldByCycle()).isTrue();
            ws.release();
        }
    }
}
