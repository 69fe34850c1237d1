package gcsim.gcmark;

import static gcsim.stacks.StackConstants.FIXED_STACK;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.G;
import gcsim.goroutines.GoVersion;
import gcsim.goroutines.M;
import gcsim.goroutines.SchedConfig;
import gcsim.goroutines.Sched;
import gcsim.goroutines.WaitReason;
import gcsim.goroutines.mutator.Program;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.stacks.Stack;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * go1.18's pacer where it differs from go1.14's (mgcpacer.go, mgcmark.go; Go #44167): a stack
 * job's work is its stack's bytes (go1.18: allocated, hi - lo; go1.19: scanned, hi - sp) and an
 * assist that runs one is credited with it; go1.19's gcComputeStartingStackSize.
 */
@Timeout(120)
class PacerTest {

    private static Pacer pacer(GoVersion v, Sched[] rtOut) {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false).withGoVersion(v));
        rtOut[0] = rt;
        Heap heap = new Heap(HeapConfig.of(1));
        return new Pacer(rt, heap, new GcController(rt.platform(), 1));
    }

    @Test
    void stackWorkPerVersion() {
        for (GoVersion v : GoVersion.values()) {
            Sched[] rt = new Sched[1];
            Pacer p = pacer(v, rt);
            Stack st = rt[0].stackAllocator().stackalloc(8192);
            long sp = st.hi() - 1000;
            long expected = v.adaptiveStackStart() ? 1000 : v.pacerCountsRoots() ? 8192 : 0;
            assertThat(p.stackScanned(st, sp)).as("%s", v).isEqualTo(expected);
        }
    }

    @Test
    void startingStackSizeIsTheScannedAveragePlusGuardRoundedUp() {
        Sched[] rt = new Sched[1];
        Pacer p = pacer(GoVersion.GO1_19, rt);
        assertThat(p.computeStartingStackSize()).as("nothing scanned").isEqualTo(FIXED_STACK);
        Stack big = rt[0].stackAllocator().stackalloc(65536);
        p.stackScanned(big, big.hi() - 6000);
        p.stackScanned(big, big.hi() - 2000);
        // (6000 + 2000) / 2 + 896 = 4896 -> 8192
        assertThat(p.computeStartingStackSize()).isEqualTo(8192);
        assertThat(rt[0].gcSupport().startingStackSize()).isEqualTo(8192);
        p.stackScanned(big, big.hi() - 100);
        assertThat(p.computeStartingStackSize()).as("at least FIXED_STACK, statistics reset").isEqualTo(FIXED_STACK);
        assertThat(Pacer.round2(1)).isEqualTo(1);
        assertThat(Pacer.round2(2049)).isEqualTo(4096);
        assertThat(Pacer.round2(4096)).isEqualTo(4096);
    }

    /** Sleepers (stack jobs with nothing behind them) and one goroutine allocating noscan garbage (assists). */
    private static Program sleepersAndAllocator() {
        return Program.builder()
                .type(Workloads.GARBAGE)
                .func("sleeper", 1, 0).block().end()
                .func("one", 1, 0).ptrLocals(0).newobj(0, "garbage").ret().end()
                .func("alloc", 1, 0).label("loop").call("one", -1).jmp("loop").end()
                .func("main", 1, 0)
                    .constant(0, 400)
                    .label("s").spawn("sleeper").decjnz(0, "s")
                    .spawn("alloc")
                    .block()
                    .end()
                .entry("main")
                .build();
    }

    /**
     * gcDrainN's {@code workFlushed += markroot(...)} (go1.18): the stack bytes an assist scans are
     * its scan work, so its record counts them; under go1.14 a stack job is no scan work and the
     * assists, which find no scannable heap here (noscan garbage), record less than the stacks
     * they scanned.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GoVersion.class, names = {"GO1_14", "GO1_18"})
    void assistsAreCreditedWithTheStacksTheyScanFromGo1_18(GoVersion v) {
        AtomicLong assistStackBytes = new AtomicLong();
        try (MarkRun run = MarkRun.start(sleepersAndAllocator(), SchedConfig.of(2).withGoVersion(v),
                GcConfig.defaults(0).withAutoTrigger(false), gc -> gc.setScanHookForTest(scanned -> {
                    M mp = M.getm();
                    G a = mp == null ? null : mp.curg();
                    Stack st = scanned.stack();
                    if (a != null && a.waitreason() == WaitReason.GC_ASSIST_MARKING && st != null) {
                        assistStackBytes.addAndGet(st.size());
                    }
                }))) {
            long assistWork = 0;
            for (int i = 0; i < 40 && assistStackBytes.get() == 0; i++) {
                List<CycleRecord> rs = run.cycles(1);
                assistWork += rs.get(0).assists().scanWork();
            }
            assertThat(assistStackBytes.get()).as("assists scanned stacks").isPositive();
            if (v.pacerCountsRoots()) {
                assertThat(assistWork).isGreaterThanOrEqualTo(assistStackBytes.get());
            } else {
                assertThat(assistWork).isLessThan(assistStackBytes.get());
            }
            run.assertVerified();
        }
    }
}
