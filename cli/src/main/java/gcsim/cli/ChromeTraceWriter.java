package gcsim.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes a Chrome trace event file (the JSON object format; opens in
 * Perfetto and chrome://tracing) as events happen, streaming through
 * Jackson's {@link JsonGenerator}: nothing is kept in memory.
 *
 * <p>Events: track names ({@code "ph":"M"} metadata), complete spans
 * ({@code "X"}), instants ({@code "i"}) and counters ({@code "C"}).
 * Timestamps and durations are given in nanoseconds since the simulated
 * runtime started (negative values are written as 0) and written as
 * microseconds with three decimals, the unit the format requires.
 *
 * <p>Bounded: at most {@code maxEvents} events are recorded (metadata
 * included). Later events are counted and dropped, and {@link #close()}
 * writes an instant event named {@value #TRUNCATED_EVENT} saying how many
 * were dropped, and the counts under {@code "otherData"}. So a long run
 * cannot write gigabytes.
 *
 * <p>Thread safety: every recording method may be called from any thread
 * at once; one lock serialises writes to the generator, and once the cap is
 * reached a dropped event costs one volatile read and one {@link LongAdder}
 * increment. Events recorded after {@link #close()} are ignored.
 *
 * <p>The creator owns the writer and must close it in a {@code finally}
 * block: closing always completes the JSON, whether or not the run failed.
 */
public final class ChromeTraceWriter implements Closeable {
    /** The default cap: about 100 MB of JSON. */
    public static final long DEFAULT_MAX_EVENTS = 1_000_000;
    /** Name of the instant event {@link #close()} writes when events were dropped. */
    public static final String TRUNCATED_EVENT = "gcsim: trace truncated";

    private static final JsonFactory JSON = new JsonFactory();
    private static final int PID = 1;
    /** {@link #event}'s durNanos for events that have none. */
    private static final long NO_DURATION = Long.MIN_VALUE;

    private final ReentrantLock lock = new ReentrantLock();
    private final JsonGenerator gen; // guarded by lock
    private final long maxEvents;
    private final LongAdder dropped = new LongAdder();
    private final char[] scratch = new char[32]; // guarded by lock: microsecond text
    private volatile boolean full; // false -> true once recorded reaches maxEvents
    private long recorded; // guarded by lock
    private long lastTsNanos; // guarded by lock: where the truncation note goes
    private int lastTid; // guarded by lock
    private boolean closed; // guarded by lock: false -> true
    private @Nullable IOException failure; // guarded by lock: the first write error
    private final java.util.List<String> notes = new java.util.ArrayList<>(); // guarded by lock

    /**
     * Starts a trace on {@code out}; the writer owns the stream and closes it.
     *
     * @param maxEvents the cap on recorded events, at least 1
     * @throws IOException if the header cannot be written
     */
    public ChromeTraceWriter(OutputStream out, long maxEvents) throws IOException {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be positive, got " + maxEvents);
        }
        this.maxEvents = maxEvents;
        this.gen = JSON.createGenerator(out, JsonEncoding.UTF8);
        gen.writeStartObject();
        gen.writeStringField("displayTimeUnit", "ns");
        gen.writeArrayFieldStart("traceEvents");
        recorded = 1; // the process name, counted like every other event
        writeNameMetadata("process_name", 0, "gcsim");
    }

    /** Creates (or truncates) {@code file} and starts a trace in it. */
    public static ChromeTraceWriter open(Path file, long maxEvents) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try {
            return new ChromeTraceWriter(out, maxEvents);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * Names a new track (a thread row in Perfetto), for example "M0" or
     * "GC phases"; tracks sort in creation order. Any thread.
     *
     * @return the track's id, for the {@code tid} parameters below
     */
    public int track(String name) {
        lock.lock();
        try {
            int tid = ++lastTid;
            if (admitLocked()) {
                writeNameMetadata("thread_name", tid, name);
            }
            if (admitLocked()) {
                gen.writeStartObject();
                header("thread_sort_index", "M", tid);
                gen.writeObjectFieldStart("args");
                gen.writeNumberField("sort_index", tid);
                gen.writeEndObject();
                gen.writeEndObject();
            }
            return tid;
        } catch (IOException e) {
            recordFailure(e);
            return lastTid;
        } finally {
            lock.unlock();
        }
    }

    /** A span on track {@code tid} from {@code startNanos} lasting {@code durNanos}. Any thread. */
    public void complete(int tid, String name, String category, long startNanos, long durNanos) {
        event("X", tid, name, category, startNanos, durNanos, null, 0, null, null, 0);
    }

    /** A span with one numeric argument (for example the goroutine id). Any thread. */
    public void complete(int tid, String name, String category, long startNanos, long durNanos,
                         String argName, long argValue) {
        event("X", tid, name, category, startNanos, durNanos, argName, argValue, null, null, 0);
    }

    /** An instant on track {@code tid}. Any thread. */
    public void instant(int tid, String name, String category, long tsNanos) {
        event("i", tid, name, category, tsNanos, NO_DURATION, null, 0, null, null, 0);
    }

    /** An instant with one text argument (for example a G's status transition). Any thread. */
    public void instant(int tid, String name, String category, long tsNanos, String argName, String argValue) {
        event("i", tid, name, category, tsNanos, NO_DURATION, argName, 0, argValue, null, 0);
    }

    /** A counter sample: counter {@code name}'s {@code series} is {@code value} from {@code tsNanos}. Any thread. */
    public void counter(String name, long tsNanos, String series, long value) {
        event("C", 0, name, "counter", tsNanos, NO_DURATION, series, value, null, null, 0);
    }

    /** A counter sample with two series drawn stacked (for example heap live and heap goal). Any thread. */
    public void counter(String name, long tsNanos, String series1, long value1, String series2, long value2) {
        event("C", 0, name, "counter", tsNanos, NO_DURATION, series1, value1, null, series2, value2);
    }

    /**
     * Writes one event if the cap allows. Arguments: none when {@code argName}
     * is null; otherwise {@code argText} if non-null, else {@code argValue};
     * and a second numeric one when {@code arg2Name} is non-null. Instants are
     * thread-scoped. Primitive parameters, so recording allocates nothing.
     */
    private void event(String ph, int tid, String name, String category, long tsNanos, long durNanos,
                       @Nullable String argName, long argValue, @Nullable String argText,
                       @Nullable String arg2Name, long arg2Value) {
        if (!admit()) {
            return;
        }
        try {
            beginTimed(name, category, ph, tid, tsNanos);
            if (durNanos != NO_DURATION) {
                duration(tsNanos, durNanos);
            }
            if (ph.equals("i")) {
                gen.writeStringField("s", "t");
            }
            if (argName != null) {
                gen.writeObjectFieldStart("args");
                if (argText != null) {
                    gen.writeStringField(argName, argText);
                } else {
                    gen.writeNumberField(argName, argValue);
                }
                if (arg2Name != null) {
                    gen.writeNumberField(arg2Name, arg2Value);
                }
                gen.writeEndObject();
            }
            gen.writeEndObject();
        } catch (IOException e) {
            recordFailure(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a note to the trace's {@code otherData.notes} (for example that some
     * events were sampled). Any thread, before {@link #close()}.
     */
    public void note(String text) {
        lock.lock();
        try {
            notes.add(text);
        } finally {
            lock.unlock();
        }
    }

    /** Events recorded so far (metadata included). */
    public long recordedEvents() {
        lock.lock();
        try {
            return recorded;
        } finally {
            lock.unlock();
        }
    }

    /** Events dropped so far because the cap was reached. */
    public long droppedEvents() {
        return dropped.sum();
    }

    /** The cap on recorded events. */
    public long maxEvents() {
        return maxEvents;
    }

    /**
     * Completes the JSON (with the truncation note when events were
     * dropped) and closes the stream. Idempotent. The owner calls it, in a
     * {@code finally} block.
     *
     * @throws IOException the first error met while writing the trace, if any
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            finish();
        } catch (IOException e) {
            recordFailure(e);
        } finally {
            lock.unlock();
        }
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void finish() throws IOException {
        try {
            long droppedNow = dropped.sum();
            if (droppedNow > 0) {
                writeTruncationNote(droppedNow);
            }
            gen.writeEndArray();
            gen.writeObjectFieldStart("otherData");
            gen.writeStringField("generator", "gcsim");
            gen.writeNumberField("maxEvents", maxEvents);
            gen.writeNumberField("recordedEvents", recorded);
            gen.writeNumberField("droppedEvents", droppedNow);
            gen.writeArrayFieldStart("notes");
            for (String n : notes) {
                gen.writeString(n);
            }
            gen.writeEndArray();
            gen.writeEndObject();
            gen.writeEndObject();
        } finally {
            gen.close();
        }
    }

    private void writeTruncationNote(long droppedNow) throws IOException {
        beginTimed(TRUNCATED_EVENT, "gcsim", "i", 0, lastTsNanos);
        gen.writeStringField("s", "g");
        gen.writeObjectFieldStart("args");
        gen.writeNumberField("droppedEvents", droppedNow);
        gen.writeNumberField("maxEvents", maxEvents);
        gen.writeStringField("note", "the cap on recorded events was reached; later events were dropped");
        gen.writeEndObject();
        gen.writeEndObject();
    }

    /**
     * Admits one event: true with the lock held (the caller writes and
     * unlocks), false when the event is dropped (lock not held).
     */
    private boolean admit() {
        if (full) {
            dropped.increment();
            return false;
        }
        lock.lock();
        if (admitLocked()) {
            return true;
        }
        lock.unlock();
        return false;
    }

    private boolean admitLocked() {
        if (closed || failure != null) {
            return false;
        }
        if (recorded >= maxEvents) {
            full = true;
            dropped.increment();
            return false;
        }
        recorded++;
        return true;
    }

    /** Keeps the first write error; recording stops and close() reports it. Lock held. */
    private void recordFailure(IOException e) {
        if (failure == null) {
            failure = e;
        }
    }

    private void writeNameMetadata(String kind, int tid, String name) throws IOException {
        gen.writeStartObject();
        header(kind, "M", tid);
        gen.writeObjectFieldStart("args");
        gen.writeStringField("name", name);
        gen.writeEndObject();
        gen.writeEndObject();
    }

    private void header(String name, String ph, int tid) throws IOException {
        gen.writeStringField("name", name);
        gen.writeStringField("ph", ph);
        gen.writeNumberField("pid", PID);
        gen.writeNumberField("tid", tid);
    }

    private void beginTimed(String name, String category, String ph, int tid, long tsNanos) throws IOException {
        gen.writeStartObject();
        header(name, ph, tid);
        gen.writeStringField("cat", category);
        gen.writeFieldName("ts");
        writeMicros(tsNanos);
        lastTsNanos = Math.max(lastTsNanos, tsNanos);
    }

    private void duration(long startNanos, long durNanos) throws IOException {
        gen.writeFieldName("dur");
        writeMicros(durNanos);
        lastTsNanos = Math.max(lastTsNanos, startNanos + Math.max(0, durNanos));
    }

    /** Writes nanos as microseconds with exactly three decimals, without allocating. */
    private void writeMicros(long nanos) throws IOException {
        int len = formatMicros(Math.max(0, nanos), scratch);
        gen.writeNumber(scratch, 0, len);
    }

    /** Formats a non-negative nanosecond count as "micros.nnn" into buf; returns the length. */
    static int formatMicros(long nanos, char[] buf) {
        int i = buf.length;
        long v = nanos;
        for (int d = 0; d < 3; d++) {
            buf[--i] = (char) ('0' + v % 10);
            v /= 10;
        }
        buf[--i] = '.';
        do {
            buf[--i] = (char) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        int len = buf.length - i;
        System.arraycopy(buf, i, buf, 0, len);
        return len;
    }
}
