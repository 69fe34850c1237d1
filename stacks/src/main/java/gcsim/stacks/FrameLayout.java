package gcsim.stacks;

import static gcsim.stacks.StackConstants.PTR_SIZE;

/**
 * THE FRAME LAYOUT shared by the interpreter that pushes frames (goroutines) and the code
 * that reads them (unwinder, scanner, copystack). A frame of function {@code f} at
 * {@code sp} is:
 *
 * <pre>
 *   callerSp = sp + f.frameSize + 8 + f.argSize   ← the caller's sp (or stack.hi)
 *   +--------------------------+
 *   | args and results         |  f.argSize bytes   [argp, argp + argSize)
 *   +--------------------------+ ← argp = fp = sp + f.frameSize + 8
 *   | return pc                |  8 bytes at varp (GOEXIT_PC in the outermost frame)
 *   +--------------------------+ ← varp = sp + f.frameSize   (Go's SP at f's entry)
 *   | locals                   |  f.frameSize bytes [sp, sp + frameSize)
 *   +--------------------------+ ← sp
 * </pre>
 *
 * <p>Deliberate difference from Go: Go keeps a callee's arguments in the caller's frame
 * (the caller's outgoing-args area); here the callee owns them, so each word is scanned
 * once, with the callee's args map. The outermost frame's caller sp is {@code stack.hi}
 * and its return pc {@link FuncTab#GOEXIT_PC}; there is no separate goexit frame.
 *
 * <p>Calling {@code f} from the frame at {@code (pc, sp)} (what the interpreter does):
 * <ol>
 *   <li>{@code entry = entrySp(sp, f)}; unless {@code f.nosplit()}, if
 *       {@code Prologue.needsMoreStack(entry, g.stackguard0, f.frameSize())} take the
 *       morestack path <em>before writing anything</em>: the stack top is still the
 *       caller's {@code (pc, sp)}; grow with {@link Growth#newstack} (then
 *       {@code sp += newStack.hi - oldStack.hi}), or handle a preemption request, and retry.</li>
 *   <li>{@code calleeSp = push(stack, sp, f, returnPc)}, then store the arguments at
 *       {@code argp(calleeSp, f)}; run f at {@code (f.pc(0), calleeSp)}.</li>
 *   <li>Return: the caller resumes at its return pc with {@code sp = callerSp(calleeSp, f)}.</li>
 * </ol>
 * The return pc recorded for a caller is the pc whose stack map describes the caller's
 * live pointers during the call (gcsim suggests the call instruction's own index); stack
 * maps are looked up at exactly the recorded pc — no Go-style {@code targetpc--}, since a
 * simulated pc is an instruction index, not a byte address.
 *
 * <p>Static helpers only; no state.
 */
public final class FrameLayout {
    private FrameLayout() {}

    /** Address of {@code f}'s return pc for a frame at {@code sp} (Go's {@code varp}). */
    public static long varp(long sp, FuncInfo f) {
        return sp + f.frameSize();
    }

    /** Address of {@code f}'s first argument word for a frame at {@code sp} (Go's {@code argp}, and {@code fp}). */
    public static long argp(long sp, FuncInfo f) {
        return sp + f.frameSize() + PTR_SIZE;
    }

    /** The caller's sp for a frame of {@code f} at {@code sp}. */
    public static long callerSp(long sp, FuncInfo f) {
        return sp + f.callBytes;
    }

    /** Bytes a call to {@code f} puts below the caller's sp: args, return pc and locals. */
    public static int callBytes(FuncInfo f) {
        return f.callBytes;
    }

    /** The sp of a frame of {@code f} called from a frame whose sp is {@code callerSp}. */
    public static long calleeSp(long callerSp, FuncInfo f) {
        return callerSp - f.callBytes;
    }

    /**
     * Go's SP at {@code f}'s prologue when called from {@code callerSp}: the address of the
     * return pc. This is the {@code sp} to give {@link Prologue#needsMoreStack}.
     */
    public static long entrySp(long callerSp, FuncInfo f) {
        return callerSp - f.argSize() - PTR_SIZE;
    }

    /**
     * Pushes a frame of {@code f} below {@code callerSp} on {@code s}: stores {@code returnPc}
     * and zeroes the locals (stacks are reused unzeroed, as in Go; zeroing stands for the
     * compiler's zeroing of ambiguously live slots). Arguments are left for the caller to
     * store at {@link #argp}. Returns the new frame's sp. The stack's owner only; the caller
     * must have done the prologue check (the write fails below {@code s.lo}).
     */
    public static long push(Stack s, long callerSp, FuncInfo f, long returnPc) {
        long sp = calleeSp(callerSp, f);
        s.write(varp(sp, f), returnPc);
        s.zero(sp, f.frameSize());
        return sp;
    }

    /**
     * Pushes a goroutine's outermost frame of {@code f} at the top of {@code s} (return pc
     * {@link FuncTab#GOEXIT_PC}, caller sp {@code s.hi}), zeroing locals and args. Returns its sp.
     */
    public static long pushOutermost(Stack s, FuncInfo f) {
        long sp = push(s, s.hi, f, FuncTab.GOEXIT_PC);
        s.zero(argp(sp, f), f.argSize());
        return sp;
    }
}
