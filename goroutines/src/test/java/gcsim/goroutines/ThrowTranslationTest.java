package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.heap.GoThrow;
import org.junit.jupiter.api.Test;

/**
 * A throw of the stacks module (copystack under shrinkstack, the unwinder under
 * a stack scan) ends the process as the runtime's throw, with Go's message and
 * print lines, so the command prints Go's report instead of a gcsim bug's Java
 * trace.
 */
class ThrowTranslationTest {

    @Test
    void aStacksThrowRecordedAsFatalIsTheRuntimesThrowWithItsPrintLines() {
        Sched rt = new Sched(SchedConfig.of(1));
        rt.processExit.fatal(new gcsim.stacks.GoThrow("missing stackmap", "runtime: frame f untyped locals 0x10+0x8\n"));
        Throwable t = rt.fatalError();
        assertThat(t).isInstanceOf(GoThrow.class).hasMessage("missing stackmap");
        assertThat(((GoThrow) t).detail()).isEqualTo("runtime: frame f untyped locals 0x10+0x8\n");
    }

    @Test
    void aStacksThrowWithoutPrintLinesHasNoDetailAndOtherThrowablesPassUnchanged() {
        Throwable t = Throw.translated(new gcsim.stacks.GoThrow("stack overflow"));
        assertThat(t).isInstanceOf(GoThrow.class).hasMessage("stack overflow");
        assertThat(((GoThrow) t).detail()).isNull();
        IllegalStateException bug = new IllegalStateException("a gcsim bug");
        assertThat(Throw.translated(bug)).isSameAs(bug);
    }
}
