package gcsim.gcmark;

/**
 * 128 bytes of room in front of a subclass's fields, for the objects markers write to from
 * several cores ({@link GcWork}, {@link ScanWorkAccounts}): nothing the Java heap places before
 * such an object can share a cache line with its fields (the hardware fetches lines in 128-byte
 * pairs). The JVM lays out a superclass's fields before its subclass's, so these come first in
 * every instance. The int fills the 4-byte hole after the object header, where the JVM would
 * otherwise put one of the subclass's int fields (gcWork's buffer index, its hottest). The room
 * after the fields is each class's own tail subclass; MarkerLayoutTest checks both sides on the
 * offsets the JVM chose. gcsim only: Go's gcWork is embedded in its P and gcControllerState is a
 * global with padding of its own, separate allocations.
 *
 * <p>Why: two markers on two cores writing neighbouring lines made each marker's writes miss in
 * its cache (session 10: the gcWorks, made one after another); and with padding in front only,
 * whatever G1 moved after a gcWork (the WorkPool once) shared its line and made the two-worker
 * runs bimodal (session 12).
 */
@SuppressWarnings("unused") // padding: never read
abstract class FrontPadding {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
    private long p08, p09, p10, p11, p12, p13, p14, p15;
    private int hole;
}
