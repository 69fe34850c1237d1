package gcsim.stacks;

import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;
import static gcsim.stacks.StackConstants.STACK_SMALL;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The compiler's three prologue variants at their boundaries, and Go's constants. */
class PrologueTest {
    static final long LO = StackAllocator.STACK_BASE + 0x10_0000;
    static final long GUARD = LO + STACK_GUARD;

    @Test
    void constantsAreGos() {
        assertThat(StackConstants.STACK_MIN).isEqualTo(2048);
        assertThat(StackConstants.FIXED_STACK).isEqualTo(2048);
        assertThat(StackConstants.STACK_GUARD).isEqualTo(896);
        assertThat(StackConstants.STACK_SMALL).isEqualTo(128);
        assertThat(StackConstants.STACK_BIG).isEqualTo(4096);
        assertThat(StackConstants.STACK_LIMIT).isEqualTo(768);
        assertThat(STACK_PREEMPT).isEqualTo(-1314L).isEqualTo(0xfffffffffffffadeL);
        assertThat(StackConstants.STACK_FORK).isEqualTo(-1234L);
    }

    @Test
    void smallFrameComparesSpWithTheGuard() {
        for (int frame : new int[] {0, 8, 64, STACK_SMALL}) {
            assertThat(Prologue.needsMoreStack(GUARD - 1, GUARD, frame)).isTrue();
            assertThat(Prologue.needsMoreStack(GUARD, GUARD, frame)).as("SP <= stackguard").isTrue();
            assertThat(Prologue.needsMoreStack(GUARD + 8, GUARD, frame)).isFalse();
        }
    }

    @Test
    void mediumFrameMayProtrudeStackSmallBelowTheGuard() {
        for (int frame : new int[] {STACK_SMALL + 8, 1000, 4096}) {
            long boundary = GUARD + frame - STACK_SMALL; // SP-(framesize-StackSmall) == stackguard
            assertThat(Prologue.needsMoreStack(boundary, GUARD, frame)).isTrue();
            assertThat(Prologue.needsMoreStack(boundary + 8, GUARD, frame)).isFalse();
            assertThat(Prologue.needsMoreStack(boundary - 8, GUARD, frame)).isTrue();
        }
    }

    @Test
    void bigFrameHasTheSameBoundaryWithoutWraparound() {
        for (int frame : new int[] {4096 + 8, 10_000, 1 << 20}) {
            long boundary = GUARD + frame - STACK_SMALL;
            assertThat(Prologue.needsMoreStack(boundary, GUARD, frame)).isTrue();
            assertThat(Prologue.needsMoreStack(boundary + 8, GUARD, frame)).isFalse();
        }
    }

    @Test
    void bigFrameFormGuardsAgainstWraparoundNearZero() {
        long sp = 1024;
        long guard = 512;
        int frame = 8192;
        // The medium form would wrap: sp-(frame-StackSmall) is a huge unsigned value.
        assertThat(Long.compareUnsigned(sp - (frame - STACK_SMALL), guard)).isPositive();
        assertThat(Prologue.needsMoreStack(sp, guard, frame)).isTrue();
    }

    @Test
    void stackPreemptFailsEveryVariant() {
        for (int frame : new int[] {0, STACK_SMALL, STACK_SMALL + 8, 4096, 4104, 1 << 20}) {
            assertThat(Prologue.needsMoreStack(LO + (1 << 30), STACK_PREEMPT, frame)).isTrue();
        }
        // Without the explicit test, the big-frame arithmetic would let this call through.
        long sp = LO + (1 << 30);
        assertThat(Long.compareUnsigned(sp + STACK_GUARD - STACK_PREEMPT, 4104 + STACK_GUARD - STACK_SMALL))
                .isPositive();
    }

    @Test
    void comparisonsAreUnsigned() {
        long highSp = 0x8000_0000_0000_1000L; // negative as a signed long
        assertThat(Prologue.needsMoreStack(highSp, GUARD, 0)).isFalse();
        assertThat(Prologue.needsMoreStack(highSp, GUARD, 1024)).isFalse();
        assertThat(Prologue.needsMoreStack(highSp + 4096, GUARD, 1024)).isFalse();
    }

    /**
     * For any sp at or above stack.lo (the prologue never runs below it) all three forms
     * mean: morestack iff sp - max(frame, StackSmall) + StackSmall <= guard.
     */
    @Property(tries = 2000)
    void agreesWithTheArithmeticDefinition(@ForAll @LongRange(min = 0, max = 1 << 24) long spOffset,
            @ForAll @IntRange(min = 0, max = 1 << 16) int frameWords) {
        int frame = frameWords * 8;
        long sp = LO + spOffset * 8;
        BigInteger need = BigInteger.valueOf(sp).subtract(BigInteger.valueOf(Math.max(frame, STACK_SMALL)))
                .add(BigInteger.valueOf(STACK_SMALL));
        boolean expected = need.compareTo(BigInteger.valueOf(GUARD)) <= 0;
        assertThat(Prologue.needsMoreStack(sp, GUARD, frame)).isEqualTo(expected);
        assertThat(Prologue.needsMoreStack(sp, STACK_PREEMPT, frame)).isTrue();
    }
}
