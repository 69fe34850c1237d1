package gcsim.stacks;

/**
 * A hook for pointers into a stack held outside its frames — channel wait records
 * (Go's {@code adjustsudogs}), saved contexts and sp values ({@code adjustctxt}), defer and
 * panic records. copystack calls it once, after copying the stack and before the old stack
 * is freed, on the copying thread, which owns the G (status {@code _Gcopystack} or the scan
 * bit). The implementation rewrites each such pointer with
 * {@link AdjustInfo#adjustpointer}, taking whatever locks its holders need (Go locks the
 * channels of the G's sudogs).
 */
@FunctionalInterface
public interface StackPointerAdjuster {
    /** Nothing outside the frames points into the stack. */
    StackPointerAdjuster NONE = adjinfo -> { };

    /** Adjusts every outside pointer into {@code [old.lo, old.hi)} by {@code adjinfo.delta()}. */
    void adjust(AdjustInfo adjinfo);
}
