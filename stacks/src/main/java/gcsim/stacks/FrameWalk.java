package gcsim.stacks;

import static gcsim.base.GoThrow.hex;

import gcsim.base.GoThrow;

/**
 * The walk shared by the unwinder, the scanner and copystack's adjustment (the loop of Go's
 * gentraceback): from the innermost frame at {@code (pc, sp)} up to {@code stack.hi}, find
 * each frame's function, read its return pc, check the frame fits, hand it to a
 * {@link Step}, and move to the caller — throwing Go's traceback errors when the layout is
 * inconsistent. Allocates nothing per frame. Stateless; package-private.
 */
final class FrameWalk {
    private FrameWalk() {}

    /** The per-frame work of a walk. */
    @FunctionalInterface
    interface Step {
        /**
         * One frame of {@code f} at {@code sp}, suspended at {@code pc}, returning to
         * {@code lr}; {@code conservative} if f is conservative or its callee was. Return
         * false to stop.
         */
        boolean frame(FuncInfo f, long pc, long sp, long lr, boolean conservative);
    }

    /**
     * Walks at most {@code max} frames of {@code s} from {@code (pc, sp)} and returns how
     * many were handed to {@code step}; {@code sp == s.hi} means no frames.
     */
    static int walk(FuncTab tab, Stack s, long pc, long sp, int max, Step step) {
        checkStart(s, sp);
        if (sp == s.hi) {
            return 0;
        }
        FuncInfo[] t = tab.table();
        boolean calleeConservative = false;
        int n = 0;
        long framePc = pc;
        long frameSp = sp;
        while (n < max) {
            FuncInfo f = funcAt(t, framePc);
            long lr = returnPc(s, frameSp, f);
            long callerSp = frameSp + f.callBytes;
            boolean last = lastFrame(t, s, f, lr, callerSp);
            n++;
            if (!step.frame(f, framePc, frameSp, lr, calleeConservative || f.conservative()) || last) {
                break;
            }
            // Go: the frame after asyncPreempt (the one it interrupted) is conservative too.
            calleeConservative = f.conservative();
            framePc = lr;
            frameSp = callerSp;
        }
        return n;
    }

    /** Checks a walk's starting sp lies within the stack. */
    static void checkStart(Stack s, long sp) {
        if (sp < s.lo || sp > s.hi) {
            throw new GoThrow("traceback: sp outside stack",
                    "runtime: sp=" + hex(sp) + " " + s + "\n");
        }
    }

    /** The function of {@code pc} in table {@code t}; Go's "unknown pc" if none. */
    static FuncInfo funcAt(FuncInfo[] t, long pc) {
        long id = pc >>> 32;
        if (id >= t.length) {
            throw new GoThrow("unknown pc", "runtime: unknown pc " + hex(pc) + "\n");
        }
        return t[(int) id];
    }

    /** The return pc stored in {@code f}'s frame at {@code sp} (bounds-checked). */
    static long returnPc(Stack s, long sp, FuncInfo f) {
        return s.read(sp + f.frameSize());
    }

    /**
     * True if the frame of {@code f} whose return pc is {@code lr} and whose caller's sp is
     * {@code callerSp} is the outermost one; throws if the frame overruns the stack, if the
     * walk would end anywhere but at {@code s.hi}, or if {@code lr} is not a known pc.
     */
    static boolean lastFrame(FuncInfo[] t, Stack s, FuncInfo f, long lr, long callerSp) {
        if (lr == FuncTab.GOEXIT_PC) {
            if (callerSp != s.hi) {
                throw incomplete(s, callerSp);
            }
            return true;
        }
        if (callerSp >= s.hi) {
            throw incomplete(s, callerSp);
        }
        if ((lr >>> 32) >= t.length) {
            throw new GoThrow("unknown caller pc", "runtime: unexpected return pc for "
                    + f.name() + " called from " + hex(lr) + "\n");
        }
        return false;
    }

    private static GoThrow incomplete(Stack s, long callerSp) {
        return new GoThrow("traceback did not unwind completely",
                "runtime: callers sp=" + hex(callerSp) + " " + s + "\n");
    }
}
