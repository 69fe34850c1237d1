package gcsim.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import org.junit.jupiter.api.Test;

/** pc encoding, registration, stack maps per pc. */
class FuncTabTest {
    @Test
    void pcEncodesFunctionAndIndex() {
        long pc = FuncTab.pcOf(7, 42);
        assertThat(pc).isEqualTo((7L << 32) | 42);
        assertThat(FuncTab.funcId(pc)).isEqualTo(7);
        assertThat(FuncTab.pcIndex(pc)).isEqualTo(42);
        assertThat(FuncTab.pcIndex(FuncTab.pcOf(3, Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void goexitIsFunctionZeroAndItsPcIsTheSentinel() {
        FuncTab t = new FuncTab();
        assertThat(t.funcOf(FuncTab.GOEXIT_PC).name()).isEqualTo("runtime.goexit");
        assertThat(FuncTab.funcId(FuncTab.GOEXIT_PC)).isZero();
        assertThat(FuncTab.GOEXIT_PC).isNotZero();
    }

    @Test
    void registerAssignsIdsOnce() {
        FuncTab t = new FuncTab();
        FuncInfo f = FuncInfo.builder("main.f").frameSize(16).build();
        assertThat(f.id()).isEqualTo(-1);
        int id = t.register(f);
        assertThat(id).isEqualTo(1).isEqualTo(f.id());
        assertThat(t.funcOf(f.pc(5))).isSameAs(f);
        assertThatThrownBy(() -> t.register(f)).isInstanceOf(IllegalStateException.class);
        assertThat(t.findfunc(FuncTab.pcOf(99, 0))).isNull();
        assertThatThrownBy(() -> t.funcOf(FuncTab.pcOf(99, 0))).isInstanceOf(GoThrow.class)
                .hasMessage("unknown pc");
    }

    @Test
    void stackMapsDifferPerCallSite() {
        StackMap entry = StackMap.of(new int[] {0}, new int[] {});
        StackMap site3 = StackMap.of(new int[] {2, 1, 2}, new int[] {0});
        FuncInfo f = FuncInfo.builder("main.g").frameSize(24).argSize(8)
                .stackMap(entry).stackMapAt(3, site3).build();
        assertThat(f.stackMapAt(0)).isSameAs(entry);
        assertThat(f.stackMapAt(2)).isSameAs(entry);
        assertThat(f.stackMapAt(3)).isSameAs(site3);
        assertThat(f.stackMapAt(1000)).isSameAs(entry);
        assertThat(site3.localPointerWords()).containsExactly(1, 2);
        assertThat(site3.argPointerWords()).containsExactly(0);
        assertThat(StackMap.ofBits(0b1010, 1).localPointerWords()).containsExactly(1, 3);
    }

    @Test
    void mapsMustFitTheFrame() {
        assertThatThrownBy(() -> FuncInfo.builder("main.bad").frameSize(16)
                .stackMap(StackMap.of(new int[] {2}, new int[0])).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FuncInfo.builder("main.bad").argSize(8)
                .stackMap(StackMap.of(new int[0], new int[] {1})).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FuncInfo.builder("main.bad").frameSize(12))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
