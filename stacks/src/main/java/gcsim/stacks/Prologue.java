package gcsim.stacks;

import static gcsim.stacks.StackConstants.STACK_BIG;
import static gcsim.stacks.StackConstants.STACK_GUARD;
import static gcsim.stacks.StackConstants.STACK_PREEMPT;
import static gcsim.stacks.StackConstants.STACK_SMALL;

/**
 * The stack-split check the compiler puts in every non-nosplit function's prologue
 * ({@code stacksplit} in go1.14 {@code cmd/internal/obj/x86/obj6.go}), all comparisons
 * unsigned as the emitted {@code JLS} is:
 *
 * <pre>
 *   framesize &lt;= StackSmall:  CMPQ SP, stackguard                 JLS morestack
 *   framesize &lt;= StackBig:    LEAQ -(framesize-StackSmall)(SP), AX
 *                             CMPQ AX, stackguard                 JLS morestack
 *   larger:                   MOVQ stackguard, SI
 *                             CMPQ SI, $StackPreempt              JEQ morestack
 *                             LEAQ StackGuard(SP), AX; SUBQ SI, AX
 *                             CMPQ AX, $(framesize+(StackGuard-StackSmall))  JLS morestack
 * </pre>
 *
 * The third form avoids wraparound when SP is close to zero; since stackPreempt is larger
 * than any real sp it would break that arithmetic, hence the explicit test. With
 * {@code stackguard0 == STACK_PREEMPT} every form asks for morestack for any stack address.
 *
 * <p>Pure function; any thread.
 */
public final class Prologue {
    private Prologue() {}

    /**
     * True if a function with a {@code frameSize}-byte frame, entered with stack pointer
     * {@code sp} (Go's SP at entry: the address of the return pc, see
     * {@link FrameLayout#entrySp}), must call morestack given {@code stackguard0}.
     */
    public static boolean needsMoreStack(long sp, long stackguard0, int frameSize) {
        if (frameSize <= STACK_SMALL) {
            // small stack: SP <= stackguard
            return Long.compareUnsigned(sp, stackguard0) <= 0;
        }
        if (frameSize <= STACK_BIG) {
            // large stack: SP-framesize <= stackguard-StackSmall
            return Long.compareUnsigned(sp - (frameSize - STACK_SMALL), stackguard0) <= 0;
        }
        // Such a large stack we need to protect against wraparound:
        // SP-stackguard+StackGuard <= framesize + (StackGuard-StackSmall)
        if (stackguard0 == STACK_PREEMPT) {
            return true;
        }
        return Long.compareUnsigned(sp + STACK_GUARD - stackguard0,
                (long) frameSize + (STACK_GUARD - STACK_SMALL)) <= 0;
    }
}
