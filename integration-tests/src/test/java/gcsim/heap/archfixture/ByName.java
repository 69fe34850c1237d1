package gcsim.heap.archfixture;

import java.lang.reflect.Constructor;

/**
 * Architecture-test fixture: creates a package-private class by name and opens its constructor,
 * the shape the heap's GC door once had. {@code ArchitectureTest} shows its rule rejects it.
 */
public final class ByName {
    private ByName() {}

    public static Object create(String className) throws ReflectiveOperationException {
        Class<?> c = Class.forName(className, true, ByName.class.getClassLoader());
        Constructor<?> k = c.getDeclaredConstructor();
        k.setAccessible(true);
        return k.newInstance();
    }
}
