package gcsim.heap;

/**
 * Go's size-class tables, copied from go1.14 {@code runtime/sizeclasses.go} (generated there by
 * mksizeclasses.go). Class 0 means "large object in a span of its own".
 *
 * <p>{@code CLASS_TO_DIVMAGIC} is Go's divMagic: for an offset {@code n} into a span of class c,
 * {@code n / size == (n >> shift) * mul >> shift2}, and when {@code baseMask != 0} (power-of-two
 * sizes) the object's offset is simply {@code n & baseMask}. Go's mksizeclasses.go checks that the
 * multiplication is exact for every offset inside the span; SizeClassesTest checks it again here.
 *
 * <p>Immutable; any thread may read.
 */
final class SizeClasses {
    private SizeClasses() {}

    static final int _MaxSmallSize = 32768;
    static final int smallSizeDiv = 8;
    static final int smallSizeMax = 1024;
    static final int largeSizeDiv = 128;
    static final int _NumSizeClasses = 67;
    static final int _PageShift = 13;
    static final int _PageSize = 1 << _PageShift;
    static final int _PageMask = _PageSize - 1;
    /** Go's numSpanClasses: each size class has a scan and a noscan span class. */
    static final int numSpanClasses = _NumSizeClasses << 1;

    static final int[] class_to_size = {0, 8, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192,
        208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024,
        1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144,
        6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072,
        20480, 21760, 24576, 27264, 28672, 32768};

    static final int[] class_to_allocnpages = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4,
        5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4};

    /** Go's class_to_divmagic, one row {shift, shift2, mul, baseMask} per class. */
    static final int[][] class_to_divmagic = {{0, 0, 0, 0}, {3, 0, 1, 65528}, {4, 0, 1, 65520},
        {5, 0, 1, 65504}, {4, 11, 683, 0}, {6, 0, 1, 65472}, {4, 10, 205, 0}, {5, 9, 171, 0},
        {4, 11, 293, 0}, {7, 0, 1, 65408}, {4, 13, 911, 0}, {5, 10, 205, 0}, {4, 12, 373, 0},
        {6, 9, 171, 0}, {4, 13, 631, 0}, {5, 11, 293, 0}, {4, 13, 547, 0}, {8, 0, 1, 65280},
        {5, 9, 57, 0}, {6, 9, 103, 0}, {5, 12, 373, 0}, {7, 7, 43, 0}, {5, 10, 79, 0},
        {6, 10, 147, 0}, {5, 11, 137, 0}, {9, 0, 1, 65024}, {6, 9, 57, 0}, {7, 9, 103, 0},
        {6, 11, 187, 0}, {8, 7, 43, 0}, {7, 8, 37, 0}, {10, 0, 1, 64512}, {7, 9, 57, 0},
        {8, 6, 13, 0}, {7, 11, 187, 0}, {9, 5, 11, 0}, {8, 8, 37, 0}, {11, 0, 1, 63488},
        {8, 9, 57, 0}, {7, 10, 49, 0}, {10, 5, 11, 0}, {7, 10, 41, 0}, {7, 9, 19, 0},
        {12, 0, 1, 61440}, {8, 9, 27, 0}, {8, 10, 49, 0}, {11, 5, 11, 0}, {7, 13, 161, 0},
        {7, 13, 155, 0}, {8, 9, 19, 0}, {13, 0, 1, 57344}, {8, 12, 111, 0}, {9, 9, 27, 0},
        {11, 6, 13, 0}, {7, 14, 193, 0}, {12, 3, 3, 0}, {8, 13, 155, 0}, {11, 8, 37, 0},
        {14, 0, 1, 49152}, {11, 8, 29, 0}, {7, 13, 55, 0}, {12, 5, 7, 0}, {8, 14, 193, 0},
        {13, 3, 3, 0}, {7, 14, 77, 0}, {12, 7, 19, 0}, {15, 0, 1, 32768}};

    static final int[] size_to_class8 = {0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
        11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18, 18, 18, 19, 19, 19, 19, 20,
        20, 20, 20, 21, 21, 21, 21, 22, 22, 22, 22, 23, 23, 23, 23, 24, 24, 24, 24, 25, 25, 25, 25,
        26, 26, 26, 26, 26, 26, 26, 26, 27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28, 28, 28, 28, 28,
        28, 29, 29, 29, 29, 29, 29, 29, 29, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        30, 30, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31};

    static final int[] size_to_class128 = {
        31, 32, 33, 34, 35, 36, 36, 37, 37, 38, 38, 39, 39, 39, 40, 40, 40, 41, 42, 42, 43, 43, 43,
        43, 43, 44, 44, 44, 44, 44, 44, 45, 45, 45, 45, 46, 46, 46, 46, 46, 46, 47, 47, 47, 48, 48,
        49, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 51, 51, 51, 51, 51, 51, 51, 51, 51, 51, 52, 52,
        53, 53, 53, 53, 54, 54, 54, 54, 54, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 56, 56, 56,
        56, 56, 56, 56, 56, 56, 56, 57, 57, 57, 57, 57, 57, 58, 58, 58, 58, 58, 58, 58, 58, 58, 58,
        58, 58, 58, 58, 58, 58, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 60,
        60, 60, 60, 60, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 62, 62, 62, 62, 62, 62, 62, 62,
        62, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        63, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 65,
        65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
        66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66
    };

    /** mallocgc's size → class lookup for {@code 0 < size <= _MaxSmallSize}. */
    static int sizeToClass(int size) {
        if (size <= smallSizeMax - 8) {
            return size_to_class8[(size + smallSizeDiv - 1) / smallSizeDiv];
        }
        return size_to_class128[(size - smallSizeMax + largeSizeDiv - 1) / largeSizeDiv];
    }

    /** Go's makeSpanClass: {@code sizeclass << 1 | noscan}. */
    static int makeSpanClass(int sizeclass, boolean noscan) {
        return (sizeclass << 1) | (noscan ? 1 : 0);
    }

    static int sizeclassOf(int spanClass) {
        return spanClass >>> 1;
    }

    static boolean noscanOf(int spanClass) {
        return (spanClass & 1) != 0;
    }
}
