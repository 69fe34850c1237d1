package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.ProtocolPiece;
import gcsim.goroutines.Sched;
import gcsim.goroutines.SchedConfig;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's per-P write-barrier buffer (mwbbuf.go): putFast fills it two pointers per barrier and
 * reports the entry that fills it; the barrier on an M with a P only buffers, the store that
 * fills the buffer flushes it (wbBufFlush1: nil filtered, marked objects skipped, the others
 * marked and queued on the P's gcWork); the --break halves record nil. The barrier runs on a
 * real M (a runtime's first goroutine), where it finds its P as Go's getg().m.p.
 */
@Timeout(60)
class WbBufTest {
    private static final ObjectType NODE = ObjectType.withPointers("node", 4, 0, 1);
    private static final ObjectType LEAF = ObjectType.scalars("leaf", 2);

    private final Heap heap = new Heap(HeapConfig.of(1));
    private final MCache c = heap.mcache(0);
    private final GcWork perP = GcWork.create(new WorkPool());
    private final GcWork shared = GcWork.create(new WorkPool());

    private static Set<Long> drainAll(GcWork gcw) {
        Set<Long> grey = new HashSet<>();
        for (long b = gcw.tryGet(); b != 0; b = gcw.tryGet()) {
            grey.add(b);
        }
        return grey;
    }

    /** Runs {@code body} on the M of a one-P runtime (holding its P); its failure reaches this thread. */
    private static void onAnM(Consumer<M> body) throws Exception {
        Sched rt = new Sched(SchedConfig.of(1).withSysmon(false));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        rt.start((mp, gp) -> {
            try {
                body.accept(mp);
            } catch (Throwable t) {
                failed.set(t);
            }
            return GoCode.EXIT;
        }, null);
        try {
            assertThat(rt.awaitExit(20, TimeUnit.SECONDS)).isZero();
        } finally {
            rt.shutdown();
        }
        if (failed.get() != null) {
            throw new AssertionError("on the M: " + failed.get(), failed.get());
        }
    }

    @Test
    void putFastTakesTwoPointersPerEntryAndReportsTheEntryThatFillsTheBuffer() {
        WbBuf b = new WbBuf(3);
        assertThat(b.empty()).isTrue();
        assertThat(b.putFast(1, 2)).isTrue();
        assertThat(b.putFast(3, 4)).isTrue();
        assertThat(b.putFast(5, 6)).as("the third entry fills it").isFalse();
        assertThat(b.buf).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(b.next).isEqualTo(6);
        b.discard();
        assertThat(b.empty()).isTrue();
        assertThat(new WbBuf().buf).as("go1.14: 256 entries of 2").hasSize(512);
    }

    @Test
    void aFlushPoisonsTheBufferUntilItIsReset() {
        WbBuf b = new WbBuf(2);
        b.putFast(1, 2);
        assertThat(b.takeForFlush()).isEqualTo(2);
        assertThatThrownBy(() -> b.putFast(3, 4)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
        b.reset();
        assertThat(b.empty()).isTrue();
        assertThat(b.putFast(3, 4)).isTrue();
    }

    @Test
    void onAnMTheBarrierOnlyBuffersUntilTheStoreThatFillsTheBufferFlushesIt() throws Exception {
        Barrier barrier = new Barrier(Marking.normal(heap), new GcWork[] {perP}, shared, Set.of(), 2);
        long holder = heap.allocate(c, NODE);
        long[] t = {heap.allocate(c, NODE), heap.allocate(c, NODE), heap.allocate(c, NODE), heap.allocate(c, NODE)};
        onAnM(mp -> {
            assertThat(mp.p()).isNotNull();
            barrier.writePointer(holder, t[0], t[1]);
            assertThat(barrier.wbBuf(0).next).as("one entry buffered").isEqualTo(2);
            assertThat(heap.isMarked(t[0]) || heap.isMarked(t[1])).as("not shaded yet").isFalse();
            assertThat(perP.empty()).isTrue();
            barrier.writePointer(holder + 8, t[2], t[3] + 8); // fills the 2-entry buffer: flushed
            assertThat(barrier.wbBuf(0).empty()).isTrue();
        });
        for (long o : t) {
            assertThat(heap.isMarked(o)).isTrue();
        }
        assertThat(heap.isMarked(holder)).isFalse();
        assertThat(drainAll(perP)).as("on the P's gcWork").containsExactlyInAnyOrder(t[0], t[1], t[2], t[3]);
        assertThat(drainAll(shared)).isEmpty();
    }

    @Test
    void theFlushSkipsNilAndMarkedObjectsAndBlackensNoscanOnes() {
        Barrier barrier = new Barrier(Marking.normal(heap), new GcWork[] {perP}, shared, Set.of(), 8);
        long marked = heap.allocate(c, NODE);
        long white = heap.allocate(c, NODE);
        long leaf = heap.allocate(c, LEAF);
        heap.gc().tryMark(marked);
        WbBuf b = barrier.wbBuf(0);
        b.putFast(0, marked);
        b.putFast(white, 0);
        b.putFast(marked, leaf);
        b.putFast(white, 16); // below minLegalPointer
        assertThat(barrier.wbBufFlush1(0)).as("white and leaf").isEqualTo(2);
        assertThat(heap.isMarked(white)).isTrue();
        assertThat(heap.isMarked(leaf)).isTrue();
        assertThat(b.empty()).isTrue();
        assertThat(drainAll(perP)).as("the noscan leaf is black at once, never queued").containsExactly(white);
        assertThat(barrier.wbBufFlush1(0)).as("an empty buffer").isZero();
    }

    @Test
    void theBrokenHalvesRecordNilInsteadOfTheirPointer() throws Exception {
        Barrier noDeletion = new Barrier(Marking.normal(heap), new GcWork[] {perP}, shared,
                Set.of(ProtocolPiece.DELETION_BARRIER), 8);
        Barrier noInsertion = new Barrier(Marking.normal(heap), new GcWork[] {GcWork.create(new WorkPool())}, shared,
                Set.of(ProtocolPiece.INSERTION_BARRIER), 8);
        long holder = heap.allocate(c, NODE);
        long old = heap.allocate(c, NODE);
        long nw = heap.allocate(c, NODE);
        onAnM(mp -> {
            noDeletion.writePointer(holder, old, nw);
            noInsertion.writePointer(holder, old, nw);
        });
        assertThat(noDeletion.wbBuf(0).buf).startsWith(0, nw);
        assertThat(noInsertion.wbBuf(0).buf).startsWith(old, 0);
        noDeletion.wbBufFlush1(0);
        assertThat(heap.isMarked(old)).as("--break deletion-barrier: the old value is not shaded").isFalse();
        assertThat(heap.isMarked(nw)).isTrue();
        Barrier whole = new Barrier(Marking.normal(heap), new GcWork[] {perP}, shared, Set.of(), 8);
        long nw2 = heap.allocate(c, NODE);
        onAnM(mp -> whole.writePointer(holder, old, nw2));
        assertThat(whole.wbBuf(0).buf).as("the whole barrier records both").startsWith(old, nw2);
    }

    @Test
    void aDirectChannelWriteIsBufferedAsANilOldAndTheWrittenPointer() throws Exception {
        Barrier barrier = new Barrier(Marking.normal(heap), new GcWork[] {perP}, shared, Set.of(), 8);
        long target = heap.allocate(c, NODE);
        onAnM(mp -> barrier.shade(target));
        assertThat(barrier.wbBuf(0).buf).startsWith(0, target);
        assertThat(heap.isMarked(target)).isFalse();
        barrier.wbBufFlush1(0);
        assertThat(drainAll(perP)).containsExactly(target);
    }
}
