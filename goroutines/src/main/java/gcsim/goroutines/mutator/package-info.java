/**
 * The mutator language: the instruction set ({@link gcsim.goroutines.mutator.Op}, one table
 * of facts per opcode), programs built in Java ({@link gcsim.goroutines.mutator.Program}, its
 * builders and {@link gcsim.goroutines.mutator.Checker}), and the interpreter the Ms run them
 * with ({@link gcsim.goroutines.mutator.Interp}, a {@link gcsim.goroutines.GoCode}).
 *
 * <p>Direction: this package sits on the runtime core ({@code gcsim.goroutines}); the core
 * never uses it. The interpreter reads G, M and Sched through their public accessors and
 * changes runtime state only through {@link gcsim.goroutines.MutatorSupport}, the way the
 * collector goes through {@code gcsim.goroutines.internal.GcSupport}. {@code ArchitectureTest}
 * keeps both rules.
 */
package gcsim.goroutines.mutator;
