package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class MarkingTest {
    private static final ObjectType NODE = ObjectType.withPointers("node", 4, 0, 1);
    private static final ObjectType LEAF = ObjectType.scalars("leaf", 2);

    /** Random graph, random roots: marking from the roots marks exactly what a BFS reaches. */
    @RepeatedTest(10)
    void marksExactlyTheReachableObjects(RepetitionInfo rep) {
        Random rnd = new Random(rep.getCurrentRepetition());
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        int n = 2_000;
        long[] objs = new long[n];
        for (int i = 0; i < n; i++) {
            objs[i] = heap.allocate(c, rnd.nextInt(4) == 0 ? LEAF : NODE);
        }
        for (long o : objs) {
            if (!heap.typeOf(o).noscan()) {
                for (int w = 0; w < 2; w++) {
                    long target = rnd.nextInt(3) == 0 ? 0 : objs[rnd.nextInt(n)];
                    // Interior pointers count: point into the middle of the target sometimes.
                    long p = target != 0 && rnd.nextBoolean() ? target + 8 : target;
                    heap.writeWord(o + 8L * w, p);
                }
            }
        }
        long[] roots = {objs[rnd.nextInt(n)], objs[rnd.nextInt(n)], objs[rnd.nextInt(n)]};

        Marking m = Marking.normal(heap);
        GcWork gcw = GcWork.create(new WorkPool());
        for (long r : roots) {
            m.shade(r, 0, gcw);
        }
        drain(m, gcw);

        Set<Long> reachable = bfs(heap, roots);
        for (long o : objs) {
            assertThat(heap.isMarked(o)).as("object 0x%x", o).isEqualTo(reachable.contains(o));
        }
        long expectedBytes = reachable.stream().mapToLong(o -> heap.typeOf(o).sizeBytes()).sum();
        assertThat(gcw.bytesMarked).isEqualTo(expectedBytes);
    }

    @Test
    void checkmarkFindsAnObjectConcurrentMarkMissedAndNamesThePath() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long a = heap.allocate(c, NODE);
        long b = heap.allocate(c, NODE);
        long missed = heap.allocate(c, LEAF);
        heap.writeWord(a, b);
        heap.writeWord(b + 8, missed);
        // "Concurrent mark" that lost the last object: a and b marked, missed left white.
        heap.gc().tryMark(a);
        heap.gc().tryMark(b);

        Marking check = Marking.checkmark(heap, new CheckmarkPaths(slot -> slot == 0x1000 ? "global g0" : null));
        GcWork gcw = GcWork.create(new WorkPool());
        check.scanRootSlot(0x1000, a, gcw);
        assertThatThrownBy(() -> drain(check, gcw))
                .isInstanceOf(GoThrow.class)
                .hasMessage("checkmark found unmarked object")
                .satisfies(t -> assertThat(((GoThrow) t).runtimePrint())
                        .contains(String.format("0x%x", missed))
                        .contains("global g0 -> ")
                        .contains(String.format("0x%x (node) -> 0x%x (node) -> 0x%x", a, b, missed)));
    }

    @Test
    void checkmarkPassesWhenEverythingReachableWasMarked() {
        Heap heap = new Heap(HeapConfig.of(1));
        MCache c = heap.mcache(0);
        long a = heap.allocate(c, NODE);
        long b = heap.allocate(c, LEAF);
        heap.writeWord(a, b);
        GcWork gcw = GcWork.create(new WorkPool());
        Marking normal = Marking.normal(heap);
        normal.shade(a, 0, gcw);
        drain(normal, gcw);
        Marking check = Marking.checkmark(heap, new CheckmarkPaths(slot -> null));
        check.shade(a, 0, gcw);
        drain(check, gcw);
        assertThat(heap.gc().tryCheckmark(a)).isFalse();
        assertThat(heap.gc().tryCheckmark(b)).isFalse();
    }

    @Test
    void conservativeWordsOnlyKeepRealObjectsAlive() {
        Heap heap = new Heap(HeapConfig.of(1));
        long a = heap.allocate(heap.mcache(0), LEAF);
        GcWork gcw = GcWork.create(new WorkPool());
        Marking m = Marking.normal(heap);
        m.scanConservativeWord(0x2000, 12345, gcw); // a scalar that is no heap address
        m.scanConservativeWord(0x2008, a + 8, gcw); // an interior pointer
        assertThat(heap.isMarked(a)).isTrue();
    }

    private static void drain(Marking m, GcWork gcw) {
        for (long b; (b = gcw.tryGet()) != 0; ) {
            m.scanobject(b, gcw);
        }
    }

    private static Set<Long> bfs(Heap heap, long[] roots) {
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Long> q = new ArrayDeque<>();
        for (long r : roots) {
            if (seen.add(r)) {
                q.add(r);
            }
        }
        while (!q.isEmpty()) {
            long o = q.poll();
            for (int w : heap.typeOf(o).pointerWords()) {
                long p = heap.readWord(o + 8L * w);
                long base = p == 0 ? 0 : heap.findObject(p);
                if (base != 0 && seen.add(base)) {
                    q.add(base);
                }
            }
        }
        return seen;
    }
}
