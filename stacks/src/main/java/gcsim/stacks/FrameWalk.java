package gcsim.stacks;

import static gcsim.stacks.GoThrow.hex;

/**
 * The step shared by every walk over a stack's frames (unwinder, scanner, copystack's
 * adjustment): find the function of a pc, read the return pc, and decide whether this is
 * the outermost frame — throwing Go's traceback errors when the layout is inconsistent.
 * Stateless; package-private.
 */
final class FrameWalk {
    private FrameWalk() {}

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
