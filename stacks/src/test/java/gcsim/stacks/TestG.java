package gcsim.stacks;

import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a goroutine-like stack driver that pushes and pops frames following
 * {@link FrameLayout} exactly as the goroutines interpreter is meant to — prologue check
 * before writing anything, newstack on failure, push, store args — and remembers every
 * frame it pushed (innermost last) as the reference for unwinder and scanner tests.
 */
final class TestG {
    /** A frame pushed by this helper; {@code sp} follows the stack across copies. */
    static final class Rec {
        final FuncInfo f;
        long sp;
        /** Pc index at which this frame is suspended (its call site once it has called). */
        int pcIndex;

        Rec(FuncInfo f, long sp) {
            this.f = f;
            this.sp = sp;
        }

        long pc() {
            return FuncTab.pcOf(f.id(), pcIndex);
        }

        long local(int word) {
            return sp + 8L * word;
        }

        long arg(int word) {
            return FrameLayout.argp(sp, f) + 8L * word;
        }
    }

    final StackAllocator allocator;
    final Growth growth;
    final StackCache cache;
    Stack stack;
    long stackguard0;
    StackPointerAdjuster extra = StackPointerAdjuster.NONE;
    final List<Rec> frames = new ArrayList<>();
    /** Stack sizes after each growth, and the frame depth at which each growth happened. */
    final List<Integer> grownTo = new ArrayList<>();
    final List<Integer> grownAtDepth = new ArrayList<>();

    /** Builds {@code b} and registers it in {@code tab}. */
    static FuncInfo register(FuncTab tab, FuncInfo.Builder b) {
        FuncInfo f = b.build();
        tab.register(f);
        return f;
    }

    TestG(StackAllocator allocator, Growth growth, StackCache cache, int size, FuncInfo entry) {
        this.allocator = allocator;
        this.growth = growth;
        this.cache = cache;
        this.stack = allocator.stackalloc(cache, size);
        this.stackguard0 = stack.lo + StackConstants.STACK_GUARD;
        frames.add(new Rec(entry, FrameLayout.pushOutermost(stack, entry)));
    }

    Rec top() {
        return frames.get(frames.size() - 1);
    }

    Rec frame(int i) {
        return frames.get(i);
    }

    int depth() {
        return frames.size();
    }

    long pc() {
        return top().pc();
    }

    long sp() {
        return top().sp;
    }

    /** The innermost frame, suspended at {@code callSite}, calls {@code f}. Returns the new frame. */
    Rec call(FuncInfo f, int callSite) {
        Rec caller = top();
        caller.pcIndex = callSite;
        while (!f.nosplit() && Prologue.needsMoreStack(FrameLayout.entrySp(caller.sp, f), stackguard0, f.frameSize())) {
            grow(f);
        }
        Rec r = new Rec(f, FrameLayout.push(stack, caller.sp, f, caller.pc()));
        frames.add(r);
        return r;
    }

    /** Pops the innermost frame. */
    void ret() {
        frames.remove(frames.size() - 1);
    }

    private void grow(FuncInfo f) {
        Stack old = stack;
        Stack nw = growth.newstack(cache, old, pc(), sp(), FrameLayout.callBytes(f), extra);
        install(old, nw);
        grownTo.add(nw.size());
        grownAtDepth.add(depth());
    }

    /** Shrinks if the rule allows; returns true if the stack moved. */
    boolean shrink(boolean safe) {
        Stack old = stack;
        Stack nw = growth.shrinkstack(cache, old, pc(), sp(), safe, extra);
        if (nw == old) {
            return false;
        }
        install(old, nw);
        return true;
    }

    private void install(Stack old, Stack nw) {
        long delta = nw.hi - old.hi;
        for (Rec r : frames) {
            r.sp += delta;
        }
        stack = nw;
        stackguard0 = nw.lo + StackConstants.STACK_GUARD;
    }

    long read(long addr) {
        return stack.read(addr);
    }

    void write(long addr, long v) {
        stack.write(addr, v);
    }
}
