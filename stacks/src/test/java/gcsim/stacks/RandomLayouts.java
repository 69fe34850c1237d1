package gcsim.stacks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test helper: random functions and random call chains pushed with {@link TestG}, with the
 * pointer bitmaps kept as plain boolean arrays so a reference implementation can read them
 * without going through {@link StackMap}.
 */
final class RandomLayouts {
    /** A generated function and its maps as booleans: maps[pcIndex] (null: the default map). */
    static final class Fn {
        FuncInfo f;
        boolean[] defaultLocals;
        boolean[] defaultArgs;
        final List<boolean[][]> byPc = new ArrayList<>(); // byPc.get(i) = {locals, args} or null

        boolean[][] mapAt(int pcIndex) {
            boolean[][] m = pcIndex < byPc.size() ? byPc.get(pcIndex) : null;
            return m != null ? m : new boolean[][] {defaultLocals, defaultArgs};
        }
    }

    final FuncTab tab = new FuncTab();
    final List<Fn> fns = new ArrayList<>();
    final SplittableRandom rnd;

    RandomLayouts(long seed, int nfuncs, double conservativeChance) {
        rnd = new SplittableRandom(seed);
        for (int i = 0; i < nfuncs; i++) {
            fns.add(randomFn(i, conservativeChance));
        }
    }

    private Fn randomFn(int i, double conservativeChance) {
        Fn fn = new Fn();
        int frameWords = rnd.nextInt(0, 24);
        int argWords = rnd.nextInt(0, 6);
        fn.defaultLocals = bits(frameWords);
        fn.defaultArgs = bits(argWords);
        FuncInfo.Builder b = FuncInfo.builder("main.f" + i).frameSize(frameWords * 8).argSize(argWords * 8)
                .conservative(rnd.nextDouble() < conservativeChance)
                .stackMap(toMap(fn.defaultLocals, fn.defaultArgs));
        int overrides = rnd.nextInt(0, 3);
        for (int k = 0; k < overrides; k++) {
            int pc = rnd.nextInt(0, 8);
            boolean[][] m = {bits(frameWords), bits(argWords)};
            while (fn.byPc.size() <= pc) {
                fn.byPc.add(null);
            }
            fn.byPc.set(pc, m);
            b.stackMapAt(pc, toMap(m[0], m[1]));
        }
        fn.f = b.build();
        tab.register(fn.f);
        return fn;
    }

    private boolean[] bits(int n) {
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
            b[i] = rnd.nextInt(3) == 0;
        }
        return b;
    }

    private static StackMap toMap(boolean[] locals, boolean[] args) {
        return StackMap.of(indexes(locals), indexes(args));
    }

    private static int[] indexes(boolean[] b) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            if (b[i]) {
                l.add(i);
            }
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    Fn fnOf(FuncInfo f) {
        return fns.get(f.id() - 1);
    }

    /** Pushes a random chain of {@code depth} frames; each frame stops at a random pc index 0..9. */
    TestG push(StackAllocator a, Growth g, int depth) {
        TestG tg = new TestG(a, g, a.stackcache(0), 2048, fns.get(rnd.nextInt(fns.size())).f);
        for (int d = 1; d < depth; d++) {
            tg.call(fns.get(rnd.nextInt(fns.size())).f, rnd.nextInt(0, 10));
        }
        tg.top().pcIndex = rnd.nextInt(0, 10);
        return tg;
    }

    /** Fills every word of every frame (not the return pcs) with random non-stack values. */
    void scribble(TestG tg) {
        for (TestG.Rec r : tg.frames) {
            for (int w = 0; w < r.f.frameSize() / 8; w++) {
                tg.write(r.local(w), randomWord());
            }
            for (int w = 0; w < r.f.argSize() / 8; w++) {
                tg.write(r.arg(w), randomWord());
            }
        }
    }

    long randomWord() {
        return rnd.nextInt(4) == 0 ? 0 : 0x00c0_0000_0000L + rnd.nextLong(1L << 30) * 8;
    }
}
