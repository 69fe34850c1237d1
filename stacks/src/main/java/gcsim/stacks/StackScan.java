package gcsim.stacks;

import static gcsim.stacks.StackConstants.PTR_SIZE;

/**
 * Stack scanning for the GC (the frame walk of Go's {@code scanstack} /
 * {@code scanframeworker}): every pointer slot of every frame, precise from the stack maps;
 * a conservative frame and the frame that called it yield every word of their locals and
 * args ({@code conservative = true}).
 *
 * <p>Cost: built to run over a million stacks — no allocation per frame or per slot; a
 * frame costs a table lookup, one bounds-checked read of its return pc and a loop over its
 * precomputed pointer-word indexes. Slots holding 0 are yielded too (a visitor skips them,
 * as Go's scanblock does).
 *
 * <p>Thread safety: stateless apart from the {@link FuncTab}; any number of threads may scan
 * different stacks at once. The caller must own the stack (Go: the G's scan bit, i.e. after
 * suspendG) so it does not change during the scan.
 */
public final class StackScan {
    private final FuncTab functab;

    /** A scanner resolving pcs in {@code functab}. */
    public StackScan(FuncTab functab) {
        this.functab = functab;
    }

    /**
     * Visits every pointer slot of {@code s} from the innermost frame at {@code (pc, sp)} to
     * {@code s.hi}. Returns the number of frames scanned ({@code sp == s.hi}: none).
     */
    public int scanstack(Stack s, long pc, long sp, StackSlotVisitor v) {
        long[] w = s.words;
        return FrameWalk.walk(functab, s, pc, sp, Integer.MAX_VALUE, (f, framePc, frameSp, lr, conservative) -> {
            int i = s.indexUnchecked(frameSp);
            if (conservative) {
                scanConservative(w, i, frameSp, f, v);
            } else {
                scanPrecise(w, i, frameSp, f, f.stackMapAt(FuncTab.pcIndex(framePc)), v);
            }
            return true;
        });
    }

    private static void scanPrecise(long[] w, int i, long sp, FuncInfo f, StackMap m, StackSlotVisitor v) {
        for (int off : m.locals) {
            v.visit(sp + ((long) off << 3), w[i + off], false);
        }
        int[] args = m.args;
        if (args.length != 0) {
            int ai = i + f.frameWords + 1;
            long argp = sp + f.frameSize() + PTR_SIZE;
            for (int off : args) {
                v.visit(argp + ((long) off << 3), w[ai + off], false);
            }
        }
    }

    private static void scanConservative(long[] w, int i, long sp, FuncInfo f, StackSlotVisitor v) {
        int locals = f.frameWords;
        for (int k = 0; k < locals; k++) {
            v.visit(sp + ((long) k << 3), w[i + k], true);
        }
        int ai = i + locals + 1;
        long argp = sp + f.frameSize() + PTR_SIZE;
        int nargs = f.argSize() / PTR_SIZE;
        for (int k = 0; k < nargs; k++) {
            v.visit(argp + ((long) k << 3), w[ai + k], true);
        }
    }
}
