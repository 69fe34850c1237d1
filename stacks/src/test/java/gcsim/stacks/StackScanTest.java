package gcsim.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** scanstack on hand-built stacks: precise slots, conservative frames, counts. */
class StackScanTest {
    final FuncTab tab = new FuncTab();
    final FuncInfo main = TestG.register(tab, FuncInfo.builder("main.main").frameSize(24).argSize(8)
            .stackMap(StackMap.of(new int[] {2}, new int[] {0})));
    final FuncInfo f = TestG.register(tab, FuncInfo.builder("main.f").frameSize(32)
            .stackMap(StackMap.of(new int[] {0}, new int[0]))
            .stackMapAt(4, StackMap.of(new int[] {1, 3}, new int[0])));
    final FuncInfo async = TestG.register(tab, FuncInfo.builder("runtime.asyncPreempt").frameSize(16).conservative(true));
    final StackAllocator alloc = new StackAllocator(1);
    final StackScan scan = new StackScan(tab);


    record Slot(long addr, long value, boolean conservative) {}

    private TestG g() {
        return new TestG(alloc, new Growth(alloc, tab), alloc.stackcache(0), 4096, main);
    }

    private List<Slot> scan(TestG g, int[] frames) {
        List<Slot> got = new ArrayList<>();
        frames[0] = scan.scanstack(g.stack, g.pc(), g.sp(), (a, v, c) -> got.add(new Slot(a, v, c)));
        return got;
    }

    @Test
    void preciseFramesYieldTheirMapsSlotsAtTheirPc() {
        TestG g = g();
        g.call(f, 7);
        g.top().pcIndex = 4;
        TestG.Rec m = g.frame(0);
        TestG.Rec top = g.top();
        g.write(m.local(2), 0xc0ffee);
        g.write(top.local(1), 0x111);
        g.write(top.local(3), 0x333);
        int[] frames = {0};
        List<Slot> got = scan(g, frames);
        assertThat(frames[0]).isEqualTo(2);
        assertThat(got).containsExactly(
                new Slot(top.local(1), 0x111, false), new Slot(top.local(3), 0x333, false),
                new Slot(m.local(2), 0xc0ffee, false), new Slot(m.arg(0), 0, false));
    }

    @Test
    void conservativeFrameAndTheFrameItInterruptedYieldEveryWord() {
        TestG g = g();
        g.call(f, 7);
        g.call(f, 4);
        g.call(async, 0);
        int[] frames = {0};
        List<Slot> got = scan(g, frames);
        assertThat(frames[0]).isEqualTo(4);
        long conservative = got.stream().filter(Slot::conservative).count();
        assertThat(conservative).isEqualTo(2 + 4); // asyncPreempt's 2 words, f's 4 words
        assertThat(got.subList(0, 6)).allMatch(Slot::conservative);
        assertThat(got.subList(6, got.size())).noneMatch(Slot::conservative)
                .extracting(Slot::addr).containsExactly(g.frame(1).local(1), g.frame(1).local(3), // f at call site 4
                        g.frame(0).local(2), g.frame(0).arg(0));
    }

    @Test
    void emptyStackHasNoFrames() {
        Stack s = alloc.stackalloc(2048);
        assertThat(scan.scanstack(s, 0, s.hi, (a, v, c) -> { throw new AssertionError(); })).isZero();
    }
}
