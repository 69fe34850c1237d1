package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * What markers write from several cores shares no cache line with anything else: a gcWork's
 * fields (written per object by its marker) and the scan-work accounts (every marker's flushes).
 * The marker writes its gcWork's fields for every object it marks, so no other object may share
 * their cache lines: GcWork keeps 128 bytes of its own padding before them (FrontPadding) and
 * after them (GcWork.TailPadded). Without the tail, two markers at 2 Ps ran at 30 and 60-80 ns per
 * object in some runs (whatever the Java heap put after a gcWork, the WorkPool once, shared its
 * line), at about 20 in others. Checked here on the field offsets this JVM chose; a fixture with
 * padding in front only proves the check fails when the tail is missing.
 */
class MarkerLayoutTest {
    private static final long ROOM = JvmLayout.ROOM;

    @Test
    void gcWorksFieldsHave128BytesOfItsOwnPaddingOnEachSide() throws ReflectiveOperationException {
        Room room = room(GcWork.TailPadded.class, GcWork.class);
        assertThat(room.hotFields).as("gcWork's own fields").isGreaterThanOrEqualTo(9);
        assertThat(room.before).as("bytes from the object's start to its first written field").isGreaterThanOrEqualTo(ROOM);
        assertThat(room.after).as("bytes of padding after its last written field").isGreaterThanOrEqualTo(ROOM);
    }

    @Test
    void theScanWorkAccountsShareOneLineWith128BytesOfPaddingOnEachSide() throws ReflectiveOperationException {
        Room room = room(ScanWorkAccounts.TailPadded.class, ScanWorkAccounts.class);
        assertThat(room.hotFields).as("heapScanWork and bgScanCredit").isEqualTo(2);
        assertThat(room.before).isGreaterThanOrEqualTo(ROOM);
        assertThat(room.after).isGreaterThanOrEqualTo(ROOM);
        long heap = JvmLayout.fieldOffset(ScanWorkAccounts.class.getDeclaredField("heapScanWork"));
        long credit = JvmLayout.fieldOffset(ScanWorkAccounts.class.getDeclaredField("bgScanCredit"));
        assertThat(Math.abs(heap - credit)).as("neighbours, as in Go's gcControllerState").isEqualTo(8);
    }

    @Test
    void theCheckFailsWhenThePaddingAfterTheFieldsIsMissing() throws ReflectiveOperationException {
        Room room = room(FrontPaddedOnly.class, FrontPaddedOnly.class);
        assertThat(room.before).isGreaterThanOrEqualTo(ROOM);
        assertThatThrownBy(() -> assertThat(room.after).isGreaterThanOrEqualTo(ROOM)).isInstanceOf(AssertionError.class);
    }

    /** A negative control: padded in front (as gcWork) and not after. */
    @SuppressWarnings("unused")
    private static final class FrontPaddedOnly extends FrontPadding {
        private long count;
        private int index;
        private Object buffer;
    }

    /**
     * Where {@code hot}'s own fields lie in an instance of {@code concrete}: bytes from the
     * object's start to the first, and from the end of the last to the end of the last field of
     * any class (the padding after them; what follows the object is another object).
     */
    private static Room room(Class<?> concrete, Class<?> hot) throws ReflectiveOperationException {
        long firstHot = Long.MAX_VALUE;
        long endHot = 0;
        long end = 0;
        int hotFields = 0;
        for (Class<?> k = concrete; k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                long off = JvmLayout.fieldOffset(f);
                long fieldEnd = off + size(f.getType());
                end = Math.max(end, fieldEnd);
                if (k == hot) {
                    hotFields++;
                    firstHot = Math.min(firstHot, off);
                    endHot = Math.max(endHot, fieldEnd);
                }
            }
        }
        return new Room(hotFields, firstHot, end - endHot);
    }

    private record Room(int hotFields, long before, long after) {}

    /** Bytes a field of this type takes in this JVM (a reference: 4 with compressed oops, else 8). */
    private static long size(Class<?> type) throws ReflectiveOperationException {
        if (type == byte.class || type == boolean.class) {
            return 1;
        }
        if (type == short.class || type == char.class) {
            return 2;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        if (!type.isPrimitive()) {
            return JvmLayout.referenceSize();
        }
        return 8;
    }
}
