package gcsim.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** newstack's growth, copystack's pointer adjustment, overflow, and shrinkstack. */
class GrowthTest {
    static final long HEAP_PTR = 0x00c0_0000_1000L;

    final FuncTab tab = new FuncTab();
    /**
     * A recursive function with a 64-byte frame (56 bytes of locals + return pc): word 0 a
     * scalar (its depth), word 1 a pointer to the caller's word 0, word 2 a heap pointer,
     * word 3 a scalar that happens to hold a stack address (never adjusted).
     */
    final FuncInfo rec = TestG.register(tab, FuncInfo.builder("main.rec").frameSize(56)
            .stackMap(StackMap.of(new int[] {1, 2}, new int[0])));
    /** A function whose first argument is a pointer. */
    final FuncInfo withArgs = TestG.register(tab, FuncInfo.builder("main.withArgs").frameSize(8).argSize(16)
            .stackMap(StackMap.of(new int[0], new int[] {0})));
    final StackAllocator alloc = new StackAllocator(1);
    final Growth growth = new Growth(alloc, tab);

    private TestG g(int size) {
        return new TestG(alloc, growth, alloc.stackcache(0), size, rec);
    }

    /** Pushes frames of rec up to {@code depth}, filling their words as documented; returns the stale word-3 values. */
    private List<Long> recurse(TestG g, int depth) {
        List<Long> stale = new ArrayList<>();
        for (int k = 0; k < g.depth(); k++) {
            stale.add(g.read(g.frame(k).local(3)));
        }
        fill(g, g.depth() - 1);
        while (g.depth() < depth) {
            g.call(rec, 1);
            stale.add(fill(g, g.depth() - 1));
        }
        return stale;
    }

    private long fill(TestG g, int k) {
        TestG.Rec r = g.frame(k);
        g.write(r.local(0), k);
        g.write(r.local(1), k == 0 ? 0 : g.frame(k - 1).local(0));
        g.write(r.local(2), HEAP_PTR + 8L * k);
        g.write(r.local(3), r.local(0));
        return r.local(0);
    }

    private void checkFrames(TestG g, List<Long> stale) {
        for (int k = 1; k < g.depth(); k++) {
            TestG.Rec r = g.frame(k);
            assertThat(g.read(r.local(0))).isEqualTo(k);
            long p = g.read(r.local(1));
            assertThat(g.stack.contains(p)).as("frame %d's pointer was adjusted", k).isTrue();
            assertThat(g.read(p)).as("frame %d reaches its caller's slot", k).isEqualTo(k - 1);
            assertThat(g.read(r.local(2))).isEqualTo(HEAP_PTR + 8L * k);
            assertThat(g.read(r.local(3))).as("scalars are never adjusted").isEqualTo(stale.get(k));
        }
    }

    @Test
    void newstackSizeDoublesUntilTheFrameFits() {
        assertThat(growth.newstackSize(2048, 0)).isEqualTo(4096);
        assertThat(growth.newstackSize(2048, 4096)).isEqualTo(4096);
        assertThat(growth.newstackSize(2048, 4097)).isEqualTo(8192);
        assertThat(growth.newstackSize(2048, 100_000)).isEqualTo(131072);
        assertThat(growth.newstackSize(1 << 28, 0)).isEqualTo(1 << 29);
    }

    @Test
    void growthSequenceDoublesAtTheGuard() {
        TestG g = g(2048);
        List<Long> stale = recurse(g, 20_000);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        for (int size = 2048; size < 2 << 20; size *= 2) {
            sizes.add(size * 2);
            // Growth when the callee's entry SP reaches the guard: size - 64*depth - 8 <= StackGuard.
            depths.add((int) Math.ceil((size - 8 - StackConstants.STACK_GUARD) / 64.0));
        }
        assertThat(g.grownTo).containsExactlyElementsOf(sizes);
        assertThat(g.grownAtDepth).containsExactlyElementsOf(depths);
        assertThat(g.stack.size()).isEqualTo(2 << 20);
        checkFrames(g, stale);
    }

    /** Go's TestStackGrowth situation: pointers to callers' frame slots survive many copies. */
    @Test
    void pointersIntoCallersFramesSurviveSeveralCopies() {
        TestG g = g(2048);
        long[] outside = new long[2];
        int[] calls = {0};
        g.extra = adj -> {
            calls[0]++;
            // Called during the copy, before the helper installs the new stack.
            assertThat(adj.oldLo()).isEqualTo(g.stack.lo);
            assertThat(adj.oldHi()).isEqualTo(g.stack.hi);
            outside[0] = adj.adjustpointer(outside[0]);
            outside[1] = adj.adjustpointer(outside[1]);
        };
        List<Long> stale = recurse(g, 1);
        outside[0] = g.frame(0).local(0); // e.g. a channel wait record's elem
        outside[1] = HEAP_PTR;
        stale = recurse(g, 3000);
        assertThat(calls[0]).isEqualTo(g.grownTo.size()).isGreaterThanOrEqualTo(6);
        checkFrames(g, stale);
        assertThat(outside[0]).isEqualTo(g.frame(0).local(0));
        assertThat(g.read(outside[0])).isZero();
        assertThat(outside[1]).isEqualTo(HEAP_PTR);
    }

    @Test
    void argumentPointersAreAdjustedToo() {
        TestG g = g(2048);
        recurse(g, 2);
        TestG.Rec callee = g.call(withArgs, 2);
        g.write(callee.arg(0), g.frame(1).local(0));
        g.write(callee.arg(1), g.frame(1).local(0)); // not a pointer word: stays
        long staleArg = g.read(callee.arg(1));
        long oldHi = g.stack.hi;
        g.top().pcIndex = 0;
        Stack old = g.stack;
        Stack moved = growth.copystack(g.cache, old, g.pc(), g.sp(), 8192, StackPointerAdjuster.NONE);
        long delta = moved.hi - oldHi;
        assertThat(moved.read(callee.arg(0) + delta)).isEqualTo(g.frame(1).local(0) + delta);
        assertThat(moved.read(callee.arg(1) + delta)).isEqualTo(staleArg);
    }

    @Test
    void copystackCopiesTheUsedPartAndFreesTheOldStack() {
        TestG g = g(8192);
        recurse(g, 40);
        Stack old = g.stack;
        long sp = g.sp();
        int used = (int) (old.hi - sp);
        long[] before = new long[used / 8];
        for (int i = 0; i < before.length; i++) {
            before[i] = old.read(sp + 8L * i);
        }
        Stack moved = growth.copystack(g.cache, old, g.pc(), sp, 16384, StackPointerAdjuster.NONE);
        long delta = moved.hi - old.hi;
        for (int i = 0; i < before.length; i++) {
            long v = moved.read(sp + delta + 8L * i);
            boolean wasStackPtr = old.contains(before[i]) && (i % 8) == 1;
            assertThat(v).isEqualTo(wasStackPtr ? before[i] + delta : before[i]);
        }
        // The old stack went back to this P's cache: the next 8 KiB stack is the same one.
        assertThat(alloc.stackalloc(g.cache, 8192)).isSameAs(old);
    }

    @Test
    void invalidPointerInALocalSlotThrowsButNotInArgs() {
        TestG g = g(2048);
        recurse(g, 3);
        g.write(g.frame(1).local(2), 0x10);
        assertThatThrownBy(() -> growth.copystack(g.cache, g.stack, g.pc(), g.sp(), 4096, StackPointerAdjuster.NONE))
                .isInstanceOf(GoThrow.class).hasMessage("invalid pointer found on stack")
                .satisfies(t -> assertThat(((GoThrow) t).runtimePrint())
                        .matches("runtime: bad pointer in frame main\\.rec at 0x7f[0-9a-f]+: 0x10\n"));
        TestG h = g(2048);
        recurse(h, 2);
        TestG.Rec callee = h.call(withArgs, 2);
        h.write(callee.arg(0), 0x10);
        Stack moved = growth.copystack(h.cache, h.stack, h.pc(), h.sp(), 4096, StackPointerAdjuster.NONE);
        assertThat(moved.size()).isEqualTo(4096);
    }

    @Test
    void overflowPrintsTheLimitThenThrowsStackOverflow() {
        assertThatThrownBy(() -> growth.newstackSize(1 << 29, 0))
                .isInstanceOf(GoThrow.class).hasMessage("stack overflow")
                .satisfies(t -> assertThat(((GoThrow) t).runtimePrint())
                        .isEqualTo("runtime: goroutine stack exceeds 1000000000-byte limit\n"));
        assertThat(growth.setMaxStack(100_000)).isEqualTo(1_000_000_000L);
        TestG g = g(2048);
        assertThatThrownBy(() -> recurse(g, 100_000))
                .isInstanceOf(GoThrow.class).hasMessage("stack overflow")
                .satisfies(t -> assertThat(((GoThrow) t).goOutput()).matches(
                        "runtime: goroutine stack exceeds 100000-byte limit\n"
                                + "runtime: sp=0x7f[0-9a-f]+ stack=\\[0x7f[0-9a-f]+, 0x7f[0-9a-f]+\\]\n"
                                + "fatal error: stack overflow\n"));
        assertThat(g.stack.size()).isEqualTo(65536);
    }

    @Test
    void spBelowLoIsASplitStackOverflow() {
        TestG g = g(2048);
        assertThatThrownBy(() -> growth.newstack(g.cache, g.stack, g.pc(), g.stack.lo - 8, 64, StackPointerAdjuster.NONE))
                .isInstanceOf(GoThrow.class).hasMessage("runtime: split stack overflow");
    }

    @Test
    void shrinkRuleAtItsBoundaries() {
        Stack s8 = alloc.stackalloc(8192);
        // used + StackLimit < size/4: 1272 + 768 < 2048 shrinks, 1280 + 768 does not.
        assertThat(Growth.shrinkSize(s8, s8.hi - 1272)).isEqualTo(4096);
        assertThat(Growth.shrinkSize(s8, s8.hi - 1280)).isZero();
        Stack s4 = alloc.stackalloc(4096);
        assertThat(Growth.shrinkSize(s4, s4.hi - 248)).isEqualTo(2048);
        assertThat(Growth.shrinkSize(s4, s4.hi - 256)).isZero();
        Stack s2 = alloc.stackalloc(2048);
        assertThat(Growth.shrinkSize(s2, s2.hi)).as("never below _FixedStack").isZero();
        assertThat(Growth.isShrinkStackSafe(false, false)).isTrue();
        assertThat(Growth.isShrinkStackSafe(true, false)).isFalse();
        assertThat(Growth.isShrinkStackSafe(false, true)).isFalse();
    }

    @Test
    void shrinkHalvesDownToTheMinimumAndKeepsPointers() {
        TestG g = g(2048);
        recurse(g, 250);
        assertThat(g.stack.size()).isEqualTo(32768);
        while (g.depth() > 3) {
            g.ret();
        }
        List<Long> stale = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            stale.add(g.read(g.frame(k).local(3)));
        }
        List<Integer> sizes = new ArrayList<>();
        while (g.shrink(true)) {
            sizes.add(g.stack.size());
        }
        assertThat(sizes).containsExactly(16384, 8192, 4096, 2048);
        checkFrames(g, stale);
        // It grows again from there.
        stale = recurse(g, 300);
        checkFrames(g, stale);
    }

    @Test
    void shrinkAtABadTimeThrowsAndGcshrinkstackoffDisablesIt() {
        TestG g = g(16384);
        assertThatThrownBy(() -> g.shrink(false)).isInstanceOf(GoThrow.class).hasMessage("shrinkstack at bad time");
        growth.setGcshrinkstackoff(true);
        assertThat(g.shrink(true)).isFalse();
        growth.setGcshrinkstackoff(false);
        assertThat(g.shrink(true)).isTrue();
        assertThat(g.stack.size()).isEqualTo(8192);
    }
}
