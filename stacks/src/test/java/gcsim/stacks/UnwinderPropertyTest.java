package gcsim.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The unwinder and the scanner over randomly generated frame layouts agree with a
 * straightforward reference: the list of frames the test helper pushed, with pointer
 * slots read off boolean bitmaps word by word.
 */
class UnwinderPropertyTest {

    record Frame(String fn, long pc, long sp, long fp, long lr, long callerSp, boolean conservative, List<Long> slots) {}

    record Slot(long addr, long value, boolean conservative) {}

    @Property(tries = 300)
    void gentracebackAgreesWithTheReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int nfuncs,
            @ForAll @IntRange(min = 1, max = 120) int depth) {
        RandomLayouts r = new RandomLayouts(seed, nfuncs, 0.15);
        TestG tg = pushed(r, depth);
        List<Frame> got = new ArrayList<>();
        int n = new Unwinder(r.tab).gentraceback(tg.stack, tg.pc(), tg.sp(), f -> {
            List<Long> slots = new ArrayList<>();
            for (int i = 0; i < f.pointerSlotCount(); i++) {
                slots.add(f.pointerSlot(i));
            }
            got.add(new Frame(f.fn().name(), f.pc(), f.sp(), f.fp(), f.lr(), f.callerSp(), f.conservative(), slots));
            return true;
        });
        assertThat(n).isEqualTo(depth);
        assertThat(got).containsExactlyElementsOf(referenceFrames(r, tg));
    }

    @Property(tries = 300)
    void scanstackAgreesWithTheReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int nfuncs,
            @ForAll @IntRange(min = 1, max = 120) int depth) {
        RandomLayouts r = new RandomLayouts(seed, nfuncs, 0.15);
        TestG tg = pushed(r, depth);
        r.scribble(tg);
        List<Slot> got = new ArrayList<>();
        int frames = new StackScan(r.tab).scanstack(tg.stack, tg.pc(), tg.sp(),
                (addr, value, cons) -> got.add(new Slot(addr, value, cons)));
        assertThat(frames).isEqualTo(depth);
        List<Slot> want = new ArrayList<>();
        for (Frame f : referenceFrames(r, tg)) {
            for (long addr : f.slots()) {
                want.add(new Slot(addr, tg.read(addr), f.conservative()));
            }
        }
        assertThat(got).containsExactlyElementsOf(want);
    }

    @Property(tries = 100)
    void maxLimitsTheWalk(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int depth,
            @ForAll @IntRange(min = 0, max = 50) int max) {
        RandomLayouts r = new RandomLayouts(seed, 5, 0.1);
        TestG tg = pushed(r, depth);
        int[] seen = {0};
        int n = new Unwinder(r.tab).gentraceback(tg.stack, tg.pc(), tg.sp(), max, f -> ++seen[0] > 0);
        assertThat(n).isEqualTo(seen[0]).isEqualTo(Math.min(depth, max));
    }

    /** A random chain of {@code depth} frames on a fresh 2 KiB stack that grows as needed. */
    private static TestG pushed(RandomLayouts r, int depth) {
        StackAllocator a = new StackAllocator(1);
        return r.push(a, new Growth(a, r.tab), depth);
    }

    /** Reference: the helper's own records, innermost first, slots from the boolean bitmaps. */
    static List<Frame> referenceFrames(RandomLayouts r, TestG tg) {
        List<Frame> want = new ArrayList<>();
        boolean calleeConservative = false;
        for (int i = tg.depth() - 1; i >= 0; i--) {
            TestG.Rec rec = tg.frame(i);
            FuncInfo f = rec.f;
            boolean outermost = i == 0;
            long lr = outermost ? FuncTab.GOEXIT_PC : tg.frame(i - 1).pc();
            long callerSp = outermost ? tg.stack.hi : tg.frame(i - 1).sp;
            boolean conservative = f.conservative() || calleeConservative;
            boolean[][] map = r.fnOf(f).mapAt(rec.pcIndex);
            List<Long> slots = new ArrayList<>();
            for (int w = 0; w < f.frameSize() / 8; w++) {
                if (conservative || map[0][w]) {
                    slots.add(rec.sp + 8L * w);
                }
            }
            long argp = rec.sp + f.frameSize() + 8;
            for (int w = 0; w < f.argSize() / 8; w++) {
                if (conservative || map[1][w]) {
                    slots.add(argp + 8L * w);
                }
            }
            assertThat(argp + f.argSize()).isEqualTo(callerSp);
            want.add(new Frame(f.name(), rec.pc(), rec.sp, argp, lr, callerSp, conservative, slots));
            calleeConservative = f.conservative();
        }
        return want;
    }
}
