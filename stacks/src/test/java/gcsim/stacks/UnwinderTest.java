package gcsim.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gentraceback on hand-built stacks: frame fields, conservative marking, broken stacks. */
class UnwinderTest {
    final FuncTab tab = new FuncTab();
    final FuncInfo main = TestG.register(tab, FuncInfo.builder("main.main").frameSize(32)
            .stackMap(StackMap.of(new int[] {1}, new int[0])));
    final FuncInfo f = TestG.register(tab, FuncInfo.builder("main.f").frameSize(16).argSize(16)
            .stackMap(StackMap.of(new int[] {0}, new int[] {1})));
    final FuncInfo async = TestG.register(tab, FuncInfo.builder("runtime.asyncPreempt").frameSize(24).nosplit(true).conservative(true));
    final StackAllocator alloc = new StackAllocator(1);
    final Growth growth = new Growth(alloc, tab);

    private TestG g() {
        return new TestG(alloc, growth, alloc.stackcache(0), 4096, main);
    }

    @Test
    void framesFollowTheLayout() {
        TestG g = g();
        g.call(f, 3);
        g.call(f, 5);
        g.top().pcIndex = 2;
        List<String> seen = new ArrayList<>();
        int n = new Unwinder(tab).gentraceback(g.stack, g.pc(), g.sp(), fr -> {
            seen.add(fr.fn().name() + "@" + FuncTab.pcIndex(fr.pc()));
            assertThat(fr.varp()).isEqualTo(fr.sp() + fr.fn().frameSize());
            assertThat(fr.fp()).isEqualTo(fr.argp()).isEqualTo(fr.varp() + 8);
            assertThat(fr.callerSp()).isEqualTo(fr.argp() + fr.arglen());
            assertThat(fr.conservative()).isFalse();
            return true;
        });
        assertThat(n).isEqualTo(3);
        assertThat(seen).containsExactly("main.f@2", "main.f@5", "main.main@3");
        assertThat(g.frame(0).sp).isEqualTo(g.stack.hi - 40);
        assertThat(g.read(g.frame(0).sp + 32)).isEqualTo(FuncTab.GOEXIT_PC);
    }

    @Test
    void conservativeFrameAndItsCallerAreConservative() {
        TestG g = g();
        g.call(f, 1);
        g.call(f, 1);
        g.call(async, 1);
        List<Boolean> flags = new ArrayList<>();
        new Unwinder(tab).gentraceback(g.stack, g.pc(), g.sp(), fr -> flags.add(fr.conservative()));
        assertThat(flags).containsExactly(true, true, false, false);
    }

    @Test
    void visitorCanStopTheWalk() {
        TestG g = g();
        g.call(f, 1);
        g.call(f, 1);
        int n = new Unwinder(tab).gentraceback(g.stack, g.pc(), g.sp(), fr -> false);
        assertThat(n).isEqualTo(1);
        assertThat(new Unwinder(tab).gentraceback(g.stack, 0, g.stack.hi, fr -> true)).isZero();
    }

    @Test
    void unknownReturnPcThrows() {
        TestG g = g();
        g.call(f, 1);
        g.write(g.top().sp + f.frameSize(), FuncTab.pcOf(77, 0));
        assertThatThrownBy(() -> new Unwinder(tab).gentraceback(g.stack, g.pc(), g.sp(), fr -> true))
                .isInstanceOf(GoThrow.class).hasMessage("unknown caller pc")
                .satisfies(t -> assertThat(((GoThrow) t).runtimePrint())
                        .startsWith("runtime: unexpected return pc for main.f called from 0x4d00000000"));
        assertThatThrownBy(() -> new StackScan(tab).scanstack(g.stack, FuncTab.pcOf(50, 0), g.sp(), (a, v, c) -> { }))
                .isInstanceOf(GoThrow.class).hasMessage("unknown pc");
    }

    @Test
    void stackThatDoesNotEndAtHiThrows() {
        TestG g = g();
        g.call(f, 1);
        // Pretend main's frame returned to goexit one word early.
        g.write(g.frame(1).sp + f.frameSize(), FuncTab.GOEXIT_PC);
        assertThatThrownBy(() -> new Unwinder(tab).gentraceback(g.stack, g.pc(), g.sp(), fr -> true))
                .isInstanceOf(GoThrow.class).hasMessage("traceback did not unwind completely");
        // And an outermost frame that does not return to goexit.
        TestG h = g();
        h.write(h.sp() + main.frameSize(), main.pc(0));
        assertThatThrownBy(() -> new StackScan(tab).scanstack(h.stack, h.pc(), h.sp(), (a, v, c) -> { }))
                .isInstanceOf(GoThrow.class).hasMessage("traceback did not unwind completely");
    }
}
