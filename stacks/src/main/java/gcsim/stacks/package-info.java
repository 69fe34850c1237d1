/**
 * Simulated goroutine stacks, after go1.14 {@code runtime/stack.go} and
 * {@code traceback.go}: stack memory and its pools ({@link gcsim.stacks.StackAllocator},
 * {@link gcsim.stacks.StackCache}), function metadata and stack maps
 * ({@link gcsim.stacks.FuncInfo}, {@link gcsim.stacks.StackMap},
 * {@link gcsim.stacks.FuncTab}), the frame layout ({@link gcsim.stacks.FrameLayout}), the
 * prologue check ({@link gcsim.stacks.Prologue}), the unwinder
 * ({@link gcsim.stacks.Unwinder}), growth, copying and shrinking
 * ({@link gcsim.stacks.Growth}) and GC stack scanning ({@link gcsim.stacks.StackScan}).
 *
 * <p>Addresses are {@code long}s in a simulated address space; stacks live from
 * {@link gcsim.stacks.StackAllocator#STACK_BASE}. Fatal errors are
 * {@link gcsim.base.GoThrow} with Go's messages.
 */
package gcsim.stacks;
