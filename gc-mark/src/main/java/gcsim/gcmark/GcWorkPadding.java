package gcsim.gcmark;

/**
 * Room in front of a {@link GcWork}'s fields so that no other object shares a cache line with
 * them ({@link GcWork.TailPadded} is the room after them; gcsim only: Go's gcWork is embedded
 * in its P, a large separate allocation). The collector
 * makes its Ps' gcWorks one after another, so they sit next to each other in the Java heap; the
 * marker writes its gcWork's counts and buffer index for every object, and two markers on two
 * cores writing neighbouring lines (the hardware fetches lines in 128-byte pairs) made each
 * marker's writes miss in its cache: the two-marker slowdown at 2 Ps. The JVM lays out a
 * superclass's fields before its subclass's, so these 128 bytes come first in every gcWork and
 * keep its fields at least that far from the previous object's. The int fills the 4-byte hole
 * after the object header, where the JVM would otherwise put one of gcWork's int fields (its
 * buffer index, the hottest): GcWorkLayoutTest checks the fields' offsets.
 */
@SuppressWarnings("unused") // padding: never read
abstract class GcWorkPadding {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
    private long p08, p09, p10, p11, p12, p13, p14, p15;
    private int hole;
}
