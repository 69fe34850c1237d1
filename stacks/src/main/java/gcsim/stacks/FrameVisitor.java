package gcsim.stacks;

/**
 * Receives frames from {@link Unwinder#gentraceback} (Go's gentraceback callback), innermost
 * first, on the walking thread.
 */
@FunctionalInterface
public interface FrameVisitor {
    /**
     * Called once per frame; {@code frame} is reused for the next frame, so copy what must
     * be kept. Return false to stop the walk.
     */
    boolean frame(StkFrame frame);
}
