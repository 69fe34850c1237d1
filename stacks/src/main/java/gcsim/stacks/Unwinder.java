package gcsim.stacks;

/**
 * Go's {@code gentraceback} for gcsim frames: walks a stack's frames from {@code sp} up to
 * {@code stack.hi} following {@link FrameLayout}, yielding each frame's function, pc, sp, fp,
 * live pointer slots and conservative flag. A frame whose function is conservative, and the
 * frame that called it, are marked conservative (as Go's scanstack treats asyncPreempt and
 * the frame it interrupted).
 *
 * <p>Throws Go's errors on a broken stack: "unknown pc", "unknown caller pc",
 * "traceback did not unwind completely".
 *
 * <p>Thread safety: stateless apart from the {@link FuncTab}; any number of threads may walk
 * different stacks at once. The caller must own the stack being walked (Go: hold the G's
 * scan bit, or be the G), so it does not change during the walk.
 */
public final class Unwinder {
    private final FuncTab functab;

    /** An unwinder resolving pcs in {@code functab}. */
    public Unwinder(FuncTab functab) {
        this.functab = functab;
    }

    /** Walks every frame of {@code s} from {@code (pc, sp)}; returns the number of frames visited. */
    public int gentraceback(Stack s, long pc, long sp, FrameVisitor v) {
        return gentraceback(s, pc, sp, Integer.MAX_VALUE, v);
    }

    /**
     * Walks at most {@code max} frames of {@code s} from the innermost frame at
     * {@code (pc, sp)}, calling {@code v} for each until it returns false. Returns the
     * number of frames visited. {@code sp == s.hi} means no frames.
     */
    public int gentraceback(Stack s, long pc, long sp, int max, FrameVisitor v) {
        StkFrame frame = new StkFrame(s, functab.table()[FuncTab.GOEXIT_FUNC_ID]);
        return FrameWalk.walk(functab, s, pc, sp, max, (f, framePc, frameSp, lr, conservative) -> {
            frame.set(f, framePc, frameSp, lr, conservative);
            return v.frame(frame);
        });
    }
}
