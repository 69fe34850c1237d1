package gcsim.gcmark;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Where the JVM put fields and array elements, for the tests that check that what markers write
 * per object shares no cache line with anything else (sun.misc.Unsafe, through reflection: the
 * jdk.unsupported module, readable by core reflection from any module).
 */
final class JvmLayout {
    /** The hardware fetches lines in pairs (adjacent-line prefetch): room wanted on each side. */
    static final long ROOM = 128;

    private JvmLayout() {}

    /** A field's offset from its object's start. */
    static long fieldOffset(Field f) throws ReflectiveOperationException {
        return (Long) unsafeMethod("objectFieldOffset", Field.class).invoke(theUnsafe(), f);
    }

    /** Bytes a reference field takes in this JVM: 4 with compressed oops, else 8. */
    static long referenceSize() throws ReflectiveOperationException {
        return (Integer) unsafeMethod("arrayIndexScale", Class.class).invoke(theUnsafe(), Object[].class);
    }

    private static Object theUnsafe() throws ReflectiveOperationException {
        Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return f.get(null);
    }

    private static Method unsafeMethod(String name, Class<?> parameter) throws ReflectiveOperationException {
        return Class.forName("sun.misc.Unsafe").getMethod(name, parameter);
    }
}
