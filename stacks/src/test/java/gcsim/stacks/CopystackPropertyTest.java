package gcsim.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * copystack over random frame layouts: every word of the used part is copied, exactly the
 * pointer words (by the reference bitmaps at each frame's pc) that pointed into the old
 * stack move by {@code new.hi - old.hi}, and nothing else changes — heap-like pointers,
 * scalars that look like stack addresses, return pcs. A conservative (asyncPreempt)
 * function's own frame has no maps and is left alone.
 */
class CopystackPropertyTest {

    @Property(tries = 200)
    void copystackMovesExactlyTheStackPointersInPointerWords(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 10) int nfuncs, @ForAll @IntRange(min = 1, max = 80) int depth,
            @ForAll @IntRange(min = -1, max = 2) int resize) {
        RandomLayouts r = new RandomLayouts(seed, nfuncs, 0.15);
        StackAllocator a = new StackAllocator(1);
        Growth growth = new Growth(a, r.tab);
        TestG tg = r.push(a, growth, depth);
        Stack old = tg.stack;
        long sp = tg.sp();
        // Every frame word: 0, a heap-like value, or an address somewhere in [sp, hi).
        for (TestG.Rec rec : tg.frames) {
            for (long addr = rec.sp; addr < FrameLayout.callerSp(rec.sp, rec.f); addr += 8) {
                if (addr != FrameLayout.varp(rec.sp, rec.f)) {
                    old.write(addr, r.rnd.nextBoolean() ? r.randomWord() : sp + 8 * r.rnd.nextLong((old.hi - sp) / 8));
                }
            }
        }
        boolean[] moves = new boolean[(int) ((old.hi - sp) / 8)];
        for (int i = tg.depth() - 1; i >= 0; i--) {
            TestG.Rec rec = tg.frame(i);
            if (rec.f.conservative()) {
                continue;
            }
            boolean[][] map = r.fnOf(rec.f).mapAt(rec.pcIndex);
            for (int w = 0; w < map[0].length; w++) {
                moves[(int) ((rec.local(w) - sp) / 8)] = map[0][w];
            }
            for (int w = 0; w < map[1].length; w++) {
                moves[(int) ((rec.arg(w) - sp) / 8)] = map[1][w];
            }
        }
        long[] before = new long[moves.length];
        for (int k = 0; k < before.length; k++) {
            before[k] = old.read(sp + 8L * k);
        }
        int used = (int) (old.hi - sp);
        int newSize = Math.max(old.size() << Math.max(resize, 0) >> Math.max(-resize, 0),
                Integer.highestOneBit(used) << 1);
        Stack moved = growth.copystack(tg.cache, old, tg.pc(), sp, Math.max(newSize, 2048), StackPointerAdjuster.NONE);
        long delta = moved.hi - old.hi;
        for (int k = 0; k < before.length; k++) {
            long v = before[k];
            long want = moves[k] && old.contains(v) ? v + delta : v;
            assertThat(moved.read(sp + delta + 8L * k)).as("word %d of %d", k, before.length).isEqualTo(want);
        }
        assertThat(new Unwinder(r.tab).gentraceback(moved, tg.pc(), sp + delta, f -> true)).isEqualTo(depth);
    }
}
