package gcsim.goroutines;

import static gcsim.stacks.StackConstants.FIXED_STACK;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * go1.19's adaptive stack start at its sites, gfput and gfget (proc.go, 016d755213): the free
 * list keeps stacks of {@code startingStackSize} and a reused G gets a stack of that size; one
 * kept at an older size is freed and replaced. Until the collector sets another size (go1.19 and
 * later only) it is {@code _FixedStack}, and gfput/gfget are go1.14's.
 */
class StartingStackSizeTest {

    private static G deadG(Sched rt, int stackSize) {
        G gp = rt.allgs.malg(stackSize);
        gp.initStatus(GStatus.G_DEAD);
        return gp;
    }

    @Test
    void fixedSizeUntilSetAsGo1_14() {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        assertThat(rt.gcSupport().startingStackSize()).isEqualTo(FIXED_STACK);
        P pp = rt.allp()[0];
        rt.gfree.gfput(pp, deadG(rt, 8192)); // non-standard size: freed by gfput
        G gp = rt.gfree.gfget(pp);
        assertThat(gp).isNotNull();
        assertThat(gp.stackHi - gp.stackLo).isEqualTo(FIXED_STACK);
    }

    @Test
    void reusedGsGetTheStartingStackSize() {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false).withGoVersion(GoVersion.GO1_19));
        P pp = rt.allp()[0];
        G kept = deadG(rt, FIXED_STACK);
        rt.gfree.gfput(pp, kept); // the right size when it was put on the list: kept
        assertThat(kept.stackHi - kept.stackLo).isEqualTo(FIXED_STACK);
        rt.gcSupport().setStartingStackSize(16384);
        G gp = rt.gfree.gfget(pp);
        assertThat(gp).isSameAs(kept);
        assertThat(gp.stackHi - gp.stackLo).as("the old size freed, a new stack allocated").isEqualTo(16384);
        assertThat(gp.stackguard0).isEqualTo(gp.stackLo + gcsim.stacks.StackConstants.STACK_GUARD);
        rt.gfree.gfput(pp, gp); // now the standard size: kept as it is
        assertThat(gp.stackHi - gp.stackLo).isEqualTo(16384);
        rt.gfree.gfput(pp, deadG(rt, FIXED_STACK)); // now non-standard: freed
        G g2 = rt.gfree.gfget(pp);
        assertThat(g2).isNotNull();
        assertThat(g2.stackHi - g2.stackLo).isEqualTo(16384);
    }
}
