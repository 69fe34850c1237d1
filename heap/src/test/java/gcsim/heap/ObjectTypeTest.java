package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectTypeTest {
    @Test
    void pointerWordsFollowTheBitmap() {
        ObjectType t = new ObjectType("node", 70, new long[] {0b1001L, 1L << 5});
        assertThat(t.pointerWords()).containsExactly(0, 3, 69);
        assertThat(t.isPointer(3)).isTrue();
        assertThat(t.isPointer(4)).isFalse();
        assertThat(t.isPointer(70)).isFalse();
        assertThat(t.noscan()).isFalse();
        assertThat(t.sizeBytes()).isEqualTo(560);
        assertThat(t.name()).isEqualTo("node");
    }

    @Test
    void scalarsAreNoscanAndLandInNoscanSpanClasses() {
        ObjectType t = ObjectType.scalars("buf", 3);
        assertThat(t.noscan()).isTrue();
        assertThat(t.pointerWords()).isEmpty();
        assertThat(SizeClasses.noscanOf(t.spanClass)).isTrue();
        assertThat(SizeClasses.class_to_size[SizeClasses.sizeclassOf(t.spanClass)]).isEqualTo(32);
    }

    @Test
    void largeTypesHaveNoSpanClass() {
        assertThat(ObjectType.scalars("big", 4097).spanClass).isEqualTo(-1);
        assertThat(ObjectType.scalars("fits", 4096).spanClass).isNotEqualTo(-1);
    }

    @Test
    void rejectsPointerBitsBeyondTheSizeAndEmptyTypes() {
        assertThatThrownBy(() -> new ObjectType("bad", 3, new long[] {0b1000L}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObjectType("bad2", 3, new long[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectType.scalars("empty", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectType.withPointers("p", 2, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Two types alike in name and shape stay two types: no registry conflates them, and the span
     * both land in (one size class) answers each object with its own type object.
     */
    @Test
    void typesAlikeStayDistinctAndTheirSpanResolvesEach() {
        ObjectType a = ObjectType.scalars("a", 1);
        ObjectType b = ObjectType.scalars("a", 1);
        assertThat(a).isNotSameAs(b);
        Heap heap = new Heap(HeapConfig.of(1));
        long x = heap.allocate(heap.mcache(0), a);
        long y = heap.allocate(heap.mcache(0), b);
        assertThat(heap.spanOf(x)).isSameAs(heap.spanOf(y));
        assertThat(heap.typeOf(x)).isSameAs(a);
        assertThat(heap.typeOf(y)).isSameAs(b);
    }
}
