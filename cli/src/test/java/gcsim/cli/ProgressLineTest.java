package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line draws only on a terminal, at most ten times a second, and erases itself. */
class ProgressLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void notATerminalDrawsNothing() {
        ProgressLine p = new ProgressLine(err, false, clock::get, 4);
        p.update(0, "mark", 10, 20);
        clock.addAndGet(ProgressLine.MIN_INTERVAL_NANOS * 5);
        p.update(1, "mark", 10, 20);
        p.clear();
        assertThat(bytes.size()).isZero();
    }

    @Test
    void drawsAtMostOncePerIntervalThenClears() {
        ProgressLine p = new ProgressLine(err, true, clock::get, 4);
        p.update(0, "mark", 1_234_567, 2_000);
        assertThat(text()).isEqualTo(ProgressLine.ERASE + "gcsim: cycle 1/4 mark, 1,234,567 instructions, "
                + "2,000 goroutines, 0ns");
        bytes.reset();
        for (int i = 0; i < 50; i++) {
            clock.addAndGet(ProgressLine.MIN_INTERVAL_NANOS / 10 - 1);
            p.update(1, "sweep", i, 2_000);
        }
        // 50 updates over just under 0.5 s: at most four more draws.
        int draws = text().split("\r", -1).length - 1;
        assertThat(draws).isBetween(4, 5);
        bytes.reset();
        p.clear();
        assertThat(text()).isEqualTo(ProgressLine.ERASE);
        bytes.reset();
        p.clear();
        assertThat(bytes.size()).as("nothing to erase the second time").isZero();
    }

    @Test
    void cycleNumberNeverPassesTheTotal() {
        ProgressLine p = new ProgressLine(err, true, clock::get, 2);
        p.update(2, "done", 0, 0);
        assertThat(text()).contains("cycle 2/2 done");
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
