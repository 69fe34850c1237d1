package gcsim.benchmarks.stacks;

import gcsim.stacks.FrameLayout;
import gcsim.stacks.FuncInfo;
import gcsim.stacks.FuncTab;
import gcsim.stacks.Growth;
import gcsim.stacks.Prologue;
import gcsim.stacks.Stack;
import gcsim.stacks.StackAllocator;
import gcsim.stacks.StackCache;
import gcsim.stacks.StackConstants;
import gcsim.stacks.StackMap;
import gcsim.stacks.StackPointerAdjuster;

/**
 * Shared fixture for the stacks benchmarks: a recursive function {@code bench.rec} with a
 * 64-byte frame (56 bytes of locals + the return pc, no args) whose words 1 and 2 are
 * pointers — word 1 points at the caller's word 0 (a stack pointer copystack must adjust),
 * word 2 holds a heap-like address — and a driver that calls it the way the goroutines
 * interpreter does (prologue check, newstack on failure, push). One thread.
 */
final class StackBench {
    static final long HEAP_PTR = 0x00c0_0000_1000L;

    final FuncTab tab = new FuncTab();
    final FuncInfo rec = FuncInfo.builder("bench.rec").frameSize(56)
            .stackMap(StackMap.of(new int[] {1, 2}, new int[0])).build();
    final StackAllocator alloc = new StackAllocator(1);
    final StackCache cache = alloc.stackcache(0);
    final Growth growth = new Growth(alloc, tab);
    final int callBytes;
    final long callPc;

    Stack stack;
    long sp;
    int growths;

    StackBench() {
        tab.register(rec);
        callBytes = FrameLayout.callBytes(rec);
        callPc = rec.pc(1);
        stack = alloc.stackalloc(cache, StackConstants.FIXED_STACK);
        sp = FrameLayout.pushOutermost(stack, rec);
    }

    /** Resets to a fresh 2 KiB stack holding only the outermost frame. */
    void reset() {
        alloc.stackfree(cache, stack);
        stack = alloc.stackalloc(cache, StackConstants.FIXED_STACK);
        sp = FrameLayout.pushOutermost(stack, rec);
        growths = 0;
    }

    /** Calls rec until the stack holds {@code depth} frames, growing as needed. */
    void recurse(int depth) {
        Stack s = stack;
        long frameSp = sp;
        long stackguard0 = s.lo + StackConstants.STACK_GUARD;
        for (int d = 1; d < depth; d++) {
            if (Prologue.needsMoreStack(FrameLayout.entrySp(frameSp, rec), stackguard0, rec.frameSize())) {
                Stack grown = growth.newstack(cache, s, callPc, frameSp, callBytes, StackPointerAdjuster.NONE);
                frameSp += grown.hi - s.hi;
                s = grown;
                stackguard0 = s.lo + StackConstants.STACK_GUARD;
                growths++;
            }
            long calleeSp = FrameLayout.push(s, frameSp, rec, callPc);
            s.write(calleeSp + 8, frameSp);
            s.write(calleeSp + 16, HEAP_PTR);
            frameSp = calleeSp;
        }
        stack = s;
        sp = frameSp;
    }

    /** The innermost frame's pc. */
    long pc() {
        return callPc;
    }
}
