package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * gcMarkRootPrepare's allgs snapshot copies nothing and still sees exactly the Gs that existed
 * when it was taken, however much allgs grows (and reallocates) afterwards.
 */
class AllGsSnapshotTest {
    @Test
    void aSnapshotKeepsItsGsWhileAllgsGrows() {
        Sched rt = new Sched(SchedConfig.of(1));
        for (int i = 0; i < 10; i++) {
            rt.newproc((mp, gp) -> GoCode.EXIT, null);
        }
        AllGsSnapshot snap = rt.allgsSnapshot();
        List<G> before = List.of(rt.allgs());
        for (int i = 0; i < 500; i++) { // past several doublings of the backing array
            rt.newproc((mp, gp) -> GoCode.EXIT, null);
        }
        List<G> seen = new ArrayList<>();
        for (int i = 0; i < snap.length(); i++) {
            seen.add(snap.get(i));
        }
        assertThat(seen).containsExactlyElementsOf(before);
        assertThat(rt.allgs()).hasSize(before.size() + 500);
        assertThat(rt.allgsSnapshot().length()).isEqualTo(before.size() + 500);
        assertThatThrownBy(() -> snap.get(snap.length())).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(rt.liveGs()).as("created, none exited, no system Gs").isEqualTo(before.size() + 500);
    }
}
