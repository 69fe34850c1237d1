package gcsim.stacks;

import static gcsim.stacks.StackConstants.PTR_SIZE;

import gcsim.base.GoThrow;

/**
 * One physical frame as the unwinder presents it (Go's {@code stkframe}). The unwinder
 * reuses one StkFrame for the whole walk, so a {@link FrameVisitor} must copy out what it
 * wants to keep: the object is valid only during the callback, on the walking thread.
 *
 * <p>Live pointer slots: for a precise frame, those of its {@link #stackMap()} (locals then
 * args); for a conservative frame (asyncPreempt, or the frame that called it), every word of
 * its locals and args.
 */
public final class StkFrame {
    private final Stack stack;
    private FuncInfo fn;
    private long pc;
    private long sp;
    private long lr;
    private boolean conservative;
    private StackMap stackMap = StackMap.EMPTY;

    StkFrame(Stack stack, FuncInfo initial) {
        this.stack = stack;
        this.fn = initial;
    }

    void set(FuncInfo f, long framePc, long frameSp, long returnPc, boolean isConservative) {
        this.fn = f;
        this.pc = framePc;
        this.sp = frameSp;
        this.lr = returnPc;
        this.conservative = isConservative;
        this.stackMap = f.stackMapAt(FuncTab.pcIndex(framePc));
    }

    /** The stack being walked. */
    public Stack stack() {
        return stack;
    }

    /** The frame's function. */
    public FuncInfo fn() {
        return fn;
    }

    /** The frame's pc (Go's {@code pc} and, here, {@code continpc}). */
    public long pc() {
        return pc;
    }

    /** The frame's lowest address. */
    public long sp() {
        return sp;
    }

    /** Go's {@code fp}: just above the return pc; equal to {@link #argp()}. */
    public long fp() {
        return FrameLayout.argp(sp, fn);
    }

    /** Go's {@code varp}: top of the locals, where the return pc is stored. */
    public long varp() {
        return FrameLayout.varp(sp, fn);
    }

    /** Go's {@code argp}: first argument word. */
    public long argp() {
        return FrameLayout.argp(sp, fn);
    }

    /** Go's {@code arglen}: bytes of arguments. */
    public int arglen() {
        return fn.argSize();
    }

    /** Go's {@code lr}: the return pc ({@link FuncTab#GOEXIT_PC} for the outermost frame). */
    public long lr() {
        return lr;
    }

    /** The caller's sp ({@code stack.hi} for the outermost frame). */
    public long callerSp() {
        return FrameLayout.callerSp(sp, fn);
    }

    /** True if every word of this frame is a possible pointer. */
    public boolean conservative() {
        return conservative;
    }

    /** The stack map at this frame's pc (ignored for a conservative frame). */
    public StackMap stackMap() {
        return stackMap;
    }

    /** Number of live pointer slots (all words of locals and args if conservative). */
    public int pointerSlotCount() {
        return conservative ? fn.frameWords + fn.argSize() / PTR_SIZE : stackMap.pointerCount();
    }

    /** Address of live pointer slot {@code i} (0 ≤ i < {@link #pointerSlotCount()}): locals first, then args. */
    public long pointerSlot(int i) {
        if (conservative) {
            return i < fn.frameWords ? sp + (long) i * PTR_SIZE : argp() + (long) (i - fn.frameWords) * PTR_SIZE;
        }
        int[] locals = stackMap.locals;
        return i < locals.length
                ? sp + (long) locals[i] * PTR_SIZE
                : argp() + (long) stackMap.args[i - locals.length] * PTR_SIZE;
    }

    @Override
    public String toString() {
        return fn.name() + " pc=" + GoThrow.hex(pc) + " sp=" + GoThrow.hex(sp) + " fp=" + GoThrow.hex(fp())
                + (conservative ? " conservative" : "");
    }
}
