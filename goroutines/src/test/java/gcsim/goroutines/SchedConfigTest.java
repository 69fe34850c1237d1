package gcsim.goroutines;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * SchedConfig holds one enum per setting ({@link PreemptMode},
 * {@link SuspendWait}); the boolean accessors and withers that callers
 * predating the enums use are views of them and must agree with them both
 * ways.
 */
class SchedConfigTest {

    @Test
    void defaultsAreGosAsyncPreemptionAndSpinningSuspenders() {
        SchedConfig c = SchedConfig.of(2);
        assertThat(c.preempt()).isEqualTo(PreemptMode.ASYNC);
        assertThat(c.asyncPreempt()).isTrue();
        assertThat(c.suspendWait()).isEqualTo(SuspendWait.SPIN);
        assertThat(c.suspendSleeps()).isFalse();
    }

    @Test
    void booleanWithersAndEnumWithersSetTheSameSetting() {
        SchedConfig c = SchedConfig.of(2);
        assertThat(c.withAsyncPreempt(false)).isEqualTo(c.withPreempt(PreemptMode.COOPERATIVE));
        assertThat(c.withAsyncPreempt(false).withAsyncPreempt(true)).isEqualTo(c.withPreempt(PreemptMode.ASYNC));
        assertThat(c.withSuspendSleeps(true)).isEqualTo(c.withSuspendWait(SuspendWait.PARK));
        assertThat(c.withSuspendSleeps(true).withSuspendSleeps(false)).isEqualTo(c.withSuspendWait(SuspendWait.SPIN));
        assertThat(c.withPreempt(PreemptMode.COOPERATIVE).asyncPreempt()).isFalse();
        assertThat(c.withSuspendWait(SuspendWait.PARK).suspendSleeps()).isTrue();
        assertThat(c.withSuspendWait(SuspendWait.PARK).withPreempt(PreemptMode.COOPERATIVE).suspendWait())
                .as("one wither leaves the other setting alone").isEqualTo(SuspendWait.PARK);
    }
}
