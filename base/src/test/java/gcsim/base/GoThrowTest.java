package gcsim.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's throw text: the print lines, then "fatal error: msg", each line ending in a newline. */
class GoThrowTest {

    @Test
    void aThrowWithoutPrintLinesIsTheFatalErrorLineAlone() {
        GoThrow t = new GoThrow("bad g transition");
        assertThat(t).hasMessage("bad g transition");
        assertThat(t.runtimePrint()).isEmpty();
        assertThat(t.goOutput()).isEqualTo("fatal error: bad g transition\n");
        assertThat(new GoThrow("out of memory", null).runtimePrint()).isEmpty();
        assertThat(t).hasToString("fatal error: bad g transition");
    }

    @Test
    void thePrintLinesComeFirstAsGivenWithOneNewlineBeforeTheFatalErrorLine() {
        GoThrow t = new GoThrow("stack overflow", "runtime: goroutine stack exceeds 1000000000-byte limit\n");
        assertThat(t.runtimePrint()).isEqualTo("runtime: goroutine stack exceeds 1000000000-byte limit\n");
        assertThat(t.goOutput()).isEqualTo(
                "runtime: goroutine stack exceeds 1000000000-byte limit\nfatal error: stack overflow\n");
        // Print lines without a final newline (the heap's style) render the same way.
        GoThrow h = new GoThrow("marking free object", "runtime: marking free object 0x7f00");
        assertThat(h.goOutput()).isEqualTo("runtime: marking free object 0x7f00\nfatal error: marking free object\n");
        assertThat(h).hasToString("runtime: marking free object 0x7f00\nfatal error: marking free object");
        assertThat(GoThrow.goOutput(" \n", "x")).isEqualTo("fatal error: x\n");
    }

    @Test
    void hexIsGosPrintOfAHexValue() {
        assertThat(GoThrow.hex(0)).isEqualTo("0x0");
        assertThat(GoThrow.hex(0x7fABCL)).isEqualTo("0x7fabc");
        assertThat(GoThrow.hex(-1)).isEqualTo("0xffffffffffffffff");
    }
}
