package gcsim.gcmark;

import gcsim.heap.Heap;
import gcsim.heap.ObjectType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.collections.api.map.primitive.MutableLongLongMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;

/**
 * For checkmark reports: who greyed each object first during the checkmark
 * re-mark, so a failure can print the path from a root to the object
 * concurrent mark missed (Go prints only the object; we go further, as the
 * issue asks). Root slots are described by a {@link RootNamer}.
 *
 * <p>Threading: the checkmark pass is single-threaded with the world stopped
 * (as in Go), so this needs no synchronisation.
 */
final class CheckmarkPaths {
    /** Names a root slot (a global, a stack slot of goroutine N in function F...), or returns null. */
    interface RootNamer {
        @org.checkerframework.checker.nullness.qual.Nullable
        String describe(long slot);
    }

    /** Records nothing: for normal marking, which never reports paths. */
    static final CheckmarkPaths NONE = new CheckmarkPaths(slot -> null, false);

    private final MutableLongLongMap parent = new LongLongHashMap();
    private final RootNamer roots;
    private final boolean recording;

    CheckmarkPaths(RootNamer roots) {
        this(roots, true);
    }

    private CheckmarkPaths(RootNamer roots, boolean recording) {
        this.roots = roots;
        this.recording = recording;
    }

    void record(long base, long from) {
        if (recording) {
            parent.put(base, from);
        }
    }

    /** A one-paragraph description of the missed object and the path that reaches it. */
    String describe(Heap heap, long base, long from) {
        ObjectType t = heap.typeOf(base);
        StringBuilder sb = new StringBuilder()
                .append(String.format("unmarked object 0x%x of type %s (%d bytes); reached by: ",
                        base, t.name(), t.sizeBytes()));
        List<String> steps = new ArrayList<>();
        long cur = from;
        for (int depth = 0; depth < 64 && cur != 0; depth++) {
            long obj = heap.isHeapAddress(cur) ? heap.findObject(cur) : 0;
            if (obj == 0) {
                String name = roots.describe(cur);
                steps.add(name != null ? name : String.format("root slot 0x%x", cur));
                break;
            }
            steps.add(String.format("0x%x (%s)", obj, heap.typeOf(obj).name()));
            cur = parent.getIfAbsent(obj, 0);
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            sb.append(steps.get(i)).append(" -> ");
        }
        return sb.append(String.format("0x%x", base)).toString();
    }
}
