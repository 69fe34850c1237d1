package gcsim.stacks;

import static gcsim.base.GoThrow.hex;

import gcsim.base.GoThrow;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The function table (Go's {@code findfunc} over the pclntab): registers {@link FuncInfo}s
 * and maps a simulated pc back to its function.
 *
 * <p>PC encoding: a pc is {@code ((long) funcId << 32) | index}, where {@code index} is an
 * instruction index in the function (0 is the entry). Function id 0 is
 * {@code runtime.goexit}; {@link #GOEXIT_PC} ({@code goexit+1}, as Go's newproc pushes
 * {@code goexit + PCQuantum}) is the return pc of every goroutine's outermost frame.
 *
 * <p>Thread safety: {@link #register} is synchronized and publishes a new table through a
 * volatile field; lookups from any thread are lock-free.
 */
public final class FuncTab {
    /** The id of {@code runtime.goexit}. */
    public static final int GOEXIT_FUNC_ID = 0;
    /** The sentinel return pc of the outermost frame: {@code goexit + PCQuantum}. */
    public static final long GOEXIT_PC = pcOf(GOEXIT_FUNC_ID, 1);

    /** Registered functions by id; replaced (copy on write) by register. */
    private volatile FuncInfo[] funcs = new FuncInfo[0];

    /** A table holding only {@code runtime.goexit}. */
    public FuncTab() {
        register(FuncInfo.builder("runtime.goexit").nosplit(true).build());
    }

    /** Registers {@code f} and returns its id. Any thread; setup time (copies the table). */
    public synchronized int register(FuncInfo f) {
        FuncInfo[] old = funcs;
        FuncInfo[] grown = new FuncInfo[old.length + 1];
        System.arraycopy(old, 0, grown, 0, old.length);
        f.assignId(old.length);
        grown[old.length] = f;
        funcs = grown;
        return old.length;
    }

    /** The function containing {@code pc}; throws Go's "unknown pc" if there is none. */
    public FuncInfo funcOf(long pc) {
        FuncInfo f = findfunc(pc);
        if (f == null) {
            throw new GoThrow("unknown pc", "runtime: unknown pc " + hex(pc) + "\n");
        }
        return f;
    }

    /** The function containing {@code pc}, or null (Go's {@code !f.valid()}). */
    public @Nullable FuncInfo findfunc(long pc) {
        FuncInfo[] t = funcs;
        long id = pc >>> 32;
        return id < t.length ? t[(int) id] : null;
    }

    /** Number of registered functions (including goexit). */
    public int size() {
        return funcs.length;
    }

    /** The current table, for the unwinder's loops (never modified in place). */
    FuncInfo[] table() {
        return funcs;
    }

    /** The pc of instruction {@code index} of function {@code funcId}. */
    public static long pcOf(int funcId, int index) {
        return ((long) funcId << 32) | (index & 0xffff_ffffL);
    }

    /** The function id of {@code pc}. */
    public static int funcId(long pc) {
        return (int) (pc >>> 32);
    }

    /** The instruction index of {@code pc}. */
    public static int pcIndex(long pc) {
        return (int) pc;
    }
}
