/**
 * What every runtime module shares: {@link gcsim.base.GoThrow}, Go's {@code throw} with the
 * {@code print} lines before it, and its rendering as Go's {@code fatal error:} output.
 */
package gcsim.base;
