package gcsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** The Chrome trace: valid JSON of the right event shapes, the cap and its note, many writers at once. */
class ChromeTraceWriterTest {

    @Test
    void writesEveryEventKindInTheChromeFormat() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ChromeTraceWriter t = new ChromeTraceWriter(bytes, 100)) {
            int m0 = t.track("M0");
            t.complete(m0, "G7", "sched", 1_500, 2_250);
            t.complete(m0, "suspendG", "gc", 10_000, 999, "goid", 7);
            t.instant(m0, "newstack", "stack", 12_345);
            t.instant(m0, "casgstatus", "status", 12_346, "transition", "_Grunning -> _Gpreempted");
            t.counter("goroutines", 20_000, "alive", 2000);
            t.counter("heap", 20_001, "liveBytes", 10, "goalBytes", 20);
        }
        Map<String, Object> root = JsonTree.object(bytes.toString(StandardCharsets.UTF_8));
        assertThat(root).containsEntry("displayTimeUnit", "ns");
        List<Map<String, Object>> ev = events(bytes.toString(StandardCharsets.UTF_8));
        assertThat(ev).extracting(e -> e.get("ph"))
                .containsExactly("M", "M", "M", "X", "X", "i", "i", "C", "C");
        assertThat(ev.get(0)).containsEntry("name", "process_name");
        assertThat(RunReportTest.map(ev.get(1), "args")).containsEntry("name", "M0");
        assertThat(ev.get(1)).containsEntry("tid", 1L).containsEntry("pid", 1L);
        assertThat(ev.get(3)).containsEntry("name", "G7").containsEntry("cat", "sched")
                .containsEntry("ts", 1.5).containsEntry("dur", 2.25);
        assertThat(RunReportTest.map(ev.get(4), "args")).containsEntry("goid", 7L);
        assertThat(ev.get(5)).containsEntry("s", "t").containsEntry("ts", 12.345);
        assertThat(RunReportTest.map(ev.get(6), "args")).containsEntry("transition", "_Grunning -> _Gpreempted");
        assertThat(RunReportTest.map(ev.get(8), "args")).containsEntry("liveBytes", 10L).containsEntry("goalBytes", 20L);
        assertThat(RunReportTest.map(root, "otherData")).containsEntry("droppedEvents", 0L)
                .containsEntry("recordedEvents", 9L);
        assertThat(ev).noneMatch(e -> ChromeTraceWriter.TRUNCATED_EVENT.equals(e.get("name")));
    }

    @Test
    void notesGoToOtherData() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ChromeTraceWriter t = new ChromeTraceWriter(bytes, 10)) {
            t.note("status instants sampled");
        }
        Map<String, Object> other = RunReportTest.map(JsonTree.object(bytes.toString(StandardCharsets.UTF_8)), "otherData");
        assertThat(other.get("notes")).isEqualTo(List.of("status instants sampled"));
    }

    @Test
    void stopsAtTheCapAndSaysHowManyWereDropped() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChromeTraceWriter t = new ChromeTraceWriter(bytes, 50);
        int m = t.track("M0"); // 3 events with process_name
        for (int i = 0; i < 1000; i++) {
            t.complete(m, "G", "sched", i * 1000L, 500);
        }
        t.close();
        assertThat(t.recordedEvents()).isEqualTo(50);
        assertThat(t.droppedEvents()).isEqualTo(1003 - 50);
        String json = bytes.toString(StandardCharsets.UTF_8);
        List<Map<String, Object>> ev = events(json);
        assertThat(ev).hasSize(51);
        Map<String, Object> note = ev.get(50);
        assertThat(note).containsEntry("name", ChromeTraceWriter.TRUNCATED_EVENT).containsEntry("ph", "i")
                .containsEntry("s", "g");
        assertThat(RunReportTest.map(note, "args")).containsEntry("droppedEvents", 953L)
                .containsEntry("maxEvents", 50L);
        assertThat((Double) note.get("ts")).isEqualTo(46_500 / 1e3); // the end of the last recorded span
        assertThat(RunReportTest.map(JsonTree.object(json), "otherData")).containsEntry("droppedEvents", 953L);
    }

    @Test
    void manyThreadsRecordWholeEvents() throws Exception {
        int threads = 8;
        int perThread = 5_000;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChromeTraceWriter t = new ChromeTraceWriter(bytes, ChromeTraceWriter.DEFAULT_MAX_EVENTS);
        CyclicBarrier start = new CyclicBarrier(threads);
        Thread[] workers = new Thread[threads];
        for (int w = 0; w < threads; w++) {
            int id = w;
            workers[w] = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                int tid = t.track("M" + id);
                for (int i = 0; i < perThread; i++) {
                    if (i % 2 == 0) {
                        t.complete(tid, "G" + id, "sched", i, 1, "goid", id);
                    } else {
                        t.instant(tid, "preempt", "sched", i, "by", "M" + id);
                    }
                }
            });
            workers[w].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        t.close();
        List<Map<String, Object>> ev = events(bytes.toString(StandardCharsets.UTF_8));
        assertThat(ev).hasSize(1 + threads * (2 + perThread));
        for (int id = 0; id < threads; id++) {
            String g = "G" + id;
            long tid = ev.stream().filter(e -> g.equals(e.get("name"))).map(e -> (Long) e.get("tid"))
                    .distinct().reduce((a, b) -> -1L).orElseThrow();
            assertThat(tid).as("all of " + g + " on one track").isPositive();
            assertThat(ev).filteredOn(e -> g.equals(e.get("name"))).hasSize(perThread / 2);
        }
    }

    @Test
    void closeIsIdempotentAndLateEventsAreIgnored() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChromeTraceWriter t = new ChromeTraceWriter(bytes, 10);
        t.close();
        t.complete(t.track("late"), "x", "y", 0, 1);
        t.close();
        assertThat(events(bytes.toString(StandardCharsets.UTF_8))).hasSize(1);
    }

    @Test
    void aWriteErrorStopsRecordingAndCloseReportsIt() throws Exception {
        OutputStream broken = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 10_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        ChromeTraceWriter t = new ChromeTraceWriter(broken, 1_000_000);
        for (int i = 0; i < 10_000; i++) {
            t.complete(1, "G", "sched", i, 1);
        }
        assertThatThrownBy(t::close).isInstanceOf(IOException.class).hasMessageContaining("No space");
    }

    @Test
    void microsecondsHaveThreeDecimals() {
        char[] buf = new char[32];
        assertThat(new String(buf, 0, ChromeTraceWriter.formatMicros(0, buf))).isEqualTo("0.000");
        assertThat(new String(buf, 0, ChromeTraceWriter.formatMicros(7, buf))).isEqualTo("0.007");
        assertThat(new String(buf, 0, ChromeTraceWriter.formatMicros(1_234_567, buf))).isEqualTo("1234.567");
        assertThat(new String(buf, 0, ChromeTraceWriter.formatMicros(Long.MAX_VALUE, buf)))
                .isEqualTo("9223372036854775.807");
    }

    /** The traceEvents of a trace file, parsed back; fails unless the whole text is one valid JSON object. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> events(String json) throws IOException {
        return (List<Map<String, Object>>) JsonTree.object(json).get("traceEvents");
    }
}
