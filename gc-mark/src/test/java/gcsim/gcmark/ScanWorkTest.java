package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.GoVersion;
import gcsim.heap.Heap;
import gcsim.heap.HeapConfig;
import gcsim.heap.ObjectType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scan work as Go's scanobject counts it: bytesMarked is the object's size, scan work is how far
 * the loop over its words went, {@code i}. The loop stops at the first word without the scan bit,
 * which is set on the words before ptrdata; go1.14's word 1 carries the checkmark bit instead and
 * is never tested ({@code if i != 1*sys.PtrSize && bits&bitScan == 0 { break }}), so there an
 * object of two or more words costs at least 16 bytes. go1.19's {@code heapScanWork += i} is
 * ptrdata. Checked on every path that scans an object: the fused scanobject, the drain loop's
 * held scan, and checkmark marking.
 */
class ScanWorkTest {
    private static final ObjectType FIRST_OF_FOUR = ObjectType.withPointers("first-of-4", 4, 0);
    private static final ObjectType TWO_OF_TWO = ObjectType.withPointers("two-of-2", 2, 0, 1);
    private static final ObjectType TREE_NODE = ObjectType.withPointers("tree-node", 4, 0, 1);
    private static final ObjectType SIXTH_OF_EIGHT = ObjectType.withPointers("sixth-of-8", 8, 5);
    private static final ObjectType ONE_WORD = ObjectType.withPointers("one-word", 1, 0);
    private static final ObjectType NOSCAN = ObjectType.scalars("noscan", 3);

    private enum Path { FUSED, HELD, CHECKMARK }

    /** Go's i for the type under version v's rule. */
    private static int goScanWork(ObjectType t, GoVersion v) {
        if (t == ONE_WORD) {
            return 8; // the loop ends at n = 8 either way
        }
        if (t == FIRST_OF_FOUR) {
            return v.checkmarkInHeapBitmap() ? 16 : 8; // go1.14 goes on past word 1
        }
        if (t == TWO_OF_TWO || t == TREE_NODE) {
            return 16;
        }
        return 48; // SIXTH_OF_EIGHT: words 0-5
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GoVersion.class, names = {"GO1_14", "GO1_15", "GO1_19", "GO1_22"})
    void scanWorkIsHowFarScanobjectsLoopWent(GoVersion v) {
        for (Path path : Path.values()) {
            for (ObjectType t : new ObjectType[] {FIRST_OF_FOUR, TWO_OF_TWO, TREE_NODE, SIXTH_OF_EIGHT, ONE_WORD}) {
                Heap heap = new Heap(HeapConfig.of(1));
                long b = heap.allocate(heap.mcache(0), t);
                heap.gc().tryMark(b);
                GcWork gcw = GcWork.create(new WorkPool(), v);
                switch (path) {
                    case FUSED -> Marking.normal(heap).scanobject(b, gcw);
                    case HELD -> assertThat(Marking.normal(heap).scanobjectHeld(b, gcw)).isZero();
                    case CHECKMARK -> Marking.checkmark(heap, new CheckmarkPaths(slot -> null)).scanobject(b, gcw);
                }
                assertThat(gcw.scanWork).as("%s %s %s", v, path, t).isEqualTo(goScanWork(t, v));
                assertThat(gcw.bytesMarked).as("%s %s %s: bytesMarked is the size", v, path, t)
                        .isEqualTo(t.sizeBytes());
            }
        }
    }

    /** A noscan object is blackened by greyobject and never scanned: no scan work, its size marked. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GoVersion.class, names = {"GO1_14", "GO1_19"})
    void noscanObjectsAreNoScanWork(GoVersion v) {
        Heap heap = new Heap(HeapConfig.of(1));
        long parent = heap.allocate(heap.mcache(0), ONE_WORD);
        long leaf = heap.allocate(heap.mcache(0), NOSCAN);
        heap.writeWord(parent, leaf);
        GcWork gcw = GcWork.create(new WorkPool(), v);
        Marking m = Marking.normal(heap);
        m.shade(leaf, 0, gcw);
        assertThat(gcw.scanWork).isZero();
        assertThat(gcw.bytesMarked).isEqualTo(NOSCAN.sizeBytes());
        assertThat(gcw.tryGet()).as("never queued").isZero();
    }

    /** ptrdata as Go's _type.ptrdata: up to and including the last pointer word; 0 for noscan. */
    @Test
    void ptrdataEndsAfterTheLastPointerWord() {
        assertThat(FIRST_OF_FOUR.ptrdataBytes()).isEqualTo(8);
        assertThat(TWO_OF_TWO.ptrdataBytes()).isEqualTo(16);
        assertThat(SIXTH_OF_EIGHT.ptrdataBytes()).isEqualTo(48);
        assertThat(ONE_WORD.ptrdataBytes()).isEqualTo(8);
        assertThat(NOSCAN.ptrdataBytes()).isZero();
        assertThat(ObjectType.withPointers("far", 100, 3, 70).ptrdataBytes()).isEqualTo(71 * 8);
    }
}
