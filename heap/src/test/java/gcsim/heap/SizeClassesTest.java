package gcsim.heap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's size-class table, checked the way mksizeclasses.go checks it. */
class SizeClassesTest {
    /** The "objects" column of sizeclasses.go's comment table. */
    private static final int[] OBJECTS = {0, 1024, 512, 256, 170, 128, 102, 85, 73, 64, 56, 51, 46,
        42, 39, 36, 34, 32, 28, 25, 23, 21, 19, 18, 17, 16, 14, 12, 11, 10, 9, 8, 7, 6, 11, 5, 9, 4,
        7, 3, 8, 5, 7, 2, 5, 3, 4, 5, 6, 7, 1, 6, 5, 4, 3, 2, 3, 4, 1, 4, 3, 2, 3, 1, 3, 2, 1};

    @Test
    void tableHasGosShape() {
        assertThat(SizeClasses.class_to_size).hasSize(SizeClasses._NumSizeClasses);
        assertThat(SizeClasses.class_to_allocnpages).hasSize(SizeClasses._NumSizeClasses);
        assertThat(SizeClasses.class_to_divmagic.length).isEqualTo(SizeClasses._NumSizeClasses);
        assertThat(SizeClasses.class_to_size[SizeClasses._NumSizeClasses - 1]).isEqualTo(32768);
        assertThat(SizeClasses.size_to_class8).hasSize(SizeClasses.smallSizeMax / SizeClasses.smallSizeDiv + 1);
        assertThat(SizeClasses.size_to_class128)
                .hasSize((SizeClasses._MaxSmallSize - SizeClasses.smallSizeMax) / SizeClasses.largeSizeDiv + 1);
        for (int c = 2; c < SizeClasses._NumSizeClasses; c++) {
            assertThat(SizeClasses.class_to_size[c]).isGreaterThan(SizeClasses.class_to_size[c - 1]);
        }
    }

    @Test
    void divMagicComputesEveryObjectIndexExactly() {
        for (int c = 1; c < SizeClasses._NumSizeClasses; c++) {
            int size = SizeClasses.class_to_size[c];
            int spanBytes = SizeClasses.class_to_allocnpages[c] * SizeClasses._PageSize;
            int[] m = SizeClasses.class_to_divmagic[c];
            int nelems = (int) (((long) spanBytes >>> m[0]) * m[2] >>> m[1]);
            assertThat(nelems).as("class %d nelems", c).isEqualTo(spanBytes / size).isEqualTo(OBJECTS[c]);
            for (int off = 0; off < size * nelems; off++) {
                int idx = m[3] != 0 ? (off & m[3]) >>> m[0] : (int) (((long) off >>> m[0]) * m[2] >>> m[1]);
                if (idx != off / size) {
                    throw new AssertionError("class " + c + " offset " + off + ": " + idx);
                }
            }
        }
    }

    @Test
    void sizeToClassPicksTheSmallestClassThatFits() {
        for (int size = 1; size <= SizeClasses._MaxSmallSize; size++) {
            int c = SizeClasses.sizeToClass(size);
            assertThat(SizeClasses.class_to_size[c]).as("size %d", size).isGreaterThanOrEqualTo(size);
            assertThat(SizeClasses.class_to_size[c - 1]).as("size %d", size).isLessThan(size);
        }
    }

    @Test
    void spanClassCarriesNoscan() {
        int spc = SizeClasses.makeSpanClass(5, true);
        assertThat(SizeClasses.sizeclassOf(spc)).isEqualTo(5);
        assertThat(SizeClasses.noscanOf(spc)).isTrue();
        assertThat(SizeClasses.noscanOf(SizeClasses.makeSpanClass(5, false))).isFalse();
    }
}
