package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Go's hybrid write barrier (mbarrier.go, go1.8+): a pointer store during
 * the mark phase shades the pointer it overwrites (Yuasa deletion) and the
 * pointer it writes (Dijkstra insertion). Off the scheduler (no P, so no
 * per-P gcWork) the grey objects go to the shared gcWork. The collector's
 * whole-cycle tests do not pin this down: a cycle that lost the barrier
 * finishes clean unless a mutator happens to hide an object at the wrong
 * moment, so the barrier is checked here directly.
 */
class HybridBarrierTest {
    private static final ObjectType NODE = ObjectType.withPointers("node", 4, 0, 1);

    private final Heap heap = new Heap(HeapConfig.of(1));
    private final MCache c = heap.mcache(0);
    private final Marking marking = Marking.normal(heap);
    private final GcWork perP = GcWork.create(new WorkPool());
    private final GcWork shared = GcWork.create(new WorkPool());
    private final Barrier barrier = new Barrier(marking, new GcWork[] {perP}, shared);

    private static Set<Long> drainAll(GcWork gcw) {
        Set<Long> grey = new HashSet<>();
        for (long b = gcw.tryGet(); b != 0; b = gcw.tryGet()) {
            grey.add(b);
        }
        return grey;
    }

    @Test
    void aPointerStoreShadesBothTheOldAndTheNewTarget() {
        long holder = heap.allocate(c, NODE);
        long oldTarget = heap.allocate(c, NODE);
        long newTarget = heap.allocate(c, NODE);
        long bystander = heap.allocate(c, NODE);
        barrier.writePointer(holder, oldTarget, newTarget + 8); // an interior pointer shades its object
        assertThat(heap.isMarked(oldTarget)).as("deletion half").isTrue();
        assertThat(heap.isMarked(newTarget)).as("insertion half").isTrue();
        assertThat(heap.isMarked(holder)).isFalse();
        assertThat(heap.isMarked(bystander)).isFalse();
        assertThat(drainAll(shared)).containsExactlyInAnyOrder(oldTarget, newTarget);
        assertThat(drainAll(perP)).as("no P: nothing in a per-P gcWork").isEmpty();
    }

    @Test
    void nilOnEitherSideShadesOnlyTheOther() {
        long holder = heap.allocate(c, NODE);
        long target = heap.allocate(c, NODE);
        barrier.writePointer(holder, 0, target);
        assertThat(drainAll(shared)).containsExactly(target);
        long other = heap.allocate(c, NODE);
        barrier.writePointer(holder, other, 0);
        assertThat(drainAll(shared)).containsExactly(other);
    }

    @Test
    void anObjectAlreadyGreyIsNotQueuedTwice() {
        long holder = heap.allocate(c, NODE);
        long target = heap.allocate(c, NODE);
        barrier.writePointer(holder, target, target);
        barrier.writePointer(holder + 8, 0, target);
        assertThat(drainAll(shared)).containsExactly(target);
    }

    @Test
    void shadeOfAPointerWrittenWithoutAHeapStoreGreysIt() {
        long target = heap.allocate(c, NODE);
        barrier.shade(target);
        assertThat(heap.isMarked(target)).isTrue();
        assertThat(drainAll(shared)).containsExactly(target);
        assertThat(barrier.ownGcWork()).as("off the scheduler").isNull();
    }
}
