package dev.fulcrum.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OriginTrackerTest {

    private static final ProbeResult PASS = ProbeResult.pass(200, 10_000_000);
    private static final ProbeResult FAIL = ProbeResult.fail(FailureReason.RESPONSE_CODE_MISMATCH, 503);

    @Test
    void noVerdictMeansNoEntry() {
        final OriginTracker tracker = new OriginTracker(2, 2);
        assertThat(tracker.health()).isNull();

        final OriginTracker.Change first = tracker.record(PASS);

        assertThat(first.isTransition()).isFalse();
        assertThat(first.healthChanged()).isFalse();
        assertThat(tracker.health()).isNull();
        assertThat(tracker.state()).isEqualTo(OriginState.UNKNOWN);
    }

    @Test
    void zeroThresholdsBehaveAsOne() {
        final OriginTracker tracker = new OriginTracker(0, 0);

        assertThat(tracker.record(PASS).to()).isEqualTo(OriginState.HEALTHY);
        assertThat(tracker.record(FAIL).to()).isEqualTo(OriginState.UNHEALTHY);
        assertThat(tracker.record(PASS).to()).isEqualTo(OriginState.HEALTHY);
    }

    @Test
    void flapsOnlyAcrossTheConsecutiveThresholds() {
        final OriginTracker tracker = new OriginTracker(3, 2);

        tracker.record(PASS);
        tracker.record(PASS);
        assertThat(tracker.state()).isEqualTo(OriginState.UNKNOWN);
        assertThat(tracker.record(PASS).to()).isEqualTo(OriginState.HEALTHY);

        // One failure below consecutive_down: still healthy, but the reason shows.
        final OriginTracker.Change blip = tracker.record(FAIL);
        assertThat(blip.isTransition()).isFalse();
        assertThat(blip.healthChanged()).isTrue();
        assertThat(tracker.health().healthy()).isTrue();
        assertThat(tracker.health().failureReason()).isEqualTo("Response code mismatch error");
        assertThat(tracker.health().responseCode()).isEqualTo(503);

        // A pass resets the failure streak.
        tracker.record(PASS);
        tracker.record(FAIL);
        assertThat(tracker.state()).isEqualTo(OriginState.HEALTHY);
        final OriginTracker.Change down = tracker.record(FAIL);
        assertThat(down.from()).isEqualTo(OriginState.HEALTHY);
        assertThat(down.to()).isEqualTo(OriginState.UNHEALTHY);

        tracker.record(PASS);
        tracker.record(PASS);
        tracker.record(FAIL);
        tracker.record(PASS);
        tracker.record(PASS);
        assertThat(tracker.state()).isEqualTo(OriginState.UNHEALTHY);
        assertThat(tracker.record(PASS).to()).isEqualTo(OriginState.HEALTHY);
        assertThat(tracker.health().failureReason()).isEqualTo("No failures");
    }

    @Test
    void firstFailureOfAnUnknownOriginIsAVerdict() {
        final OriginTracker tracker = new OriginTracker(2, 5);

        final OriginTracker.Change change = tracker.record(FAIL);

        assertThat(change.from()).isEqualTo(OriginState.UNKNOWN);
        assertThat(change.to()).isEqualTo(OriginState.UNHEALTHY);
        assertThat(tracker.health().healthy()).isFalse();
    }

    @Test
    void roundTripIsAnEwmaOfPassingChecks() {
        final OriginTracker tracker = new OriginTracker(1, 1);

        tracker.record(ProbeResult.pass(200, 10_000_000));
        assertThat(tracker.health().rttMillis()).isEqualTo(10.0);
        tracker.record(ProbeResult.pass(200, 20_000_000));
        assertThat(tracker.health().rttMillis()).isCloseTo(10 + OriginTracker.ALPHA * 10, within(1e-9));
        final double before = tracker.health().rttMillis();
        tracker.record(ProbeResult.fail(FailureReason.HTTP_TIMEOUT));
        assertThat(tracker.health().rttMillis()).isEqualTo(before);
    }

    @Test
    void smallRoundTripMovesAreNotRepublished() {
        final OriginTracker tracker = new OriginTracker(1, 1);
        tracker.record(ProbeResult.pass(200, 10_000_000));
        final OriginHealth published = tracker.health();

        // 10.3 ms moves the average by 0.09 ms: below 0.5 ms and 10 %.
        final OriginTracker.Change small = tracker.record(ProbeResult.pass(200, 10_300_000));
        assertThat(small.healthChanged()).isFalse();
        assertThat(tracker.health()).isSameAs(published);

        // 20 ms moves it by 3 ms: published.
        assertThat(tracker.record(ProbeResult.pass(200, 20_000_000)).healthChanged()).isTrue();
        assertThat(tracker.health().rttMillis()).isGreaterThan(12.9);

        // A different code is always published, whatever the round trip.
        assertThat(tracker.record(ProbeResult.pass(204, 13_000_000)).healthChanged()).isTrue();
    }

    @Test
    void aChangedCheckContinuesFromTheVerdictWithFreshStreaksAndTheNewThresholds() {
        final OriginTracker old = new OriginTracker(1, 1);
        old.record(PASS);
        old.record(FAIL);
        old.record(PASS);
        final OriginHealth verdict = old.health();

        final OriginTracker next = OriginTracker.continuing(1, 2, old);

        assertThat(next.state()).isEqualTo(OriginState.HEALTHY);
        assertThat(next.health()).as("the published verdict, unchanged").isSameAs(verdict);
        assertThat(next.record(FAIL).to()).as("one failure of two").isEqualTo(OriginState.HEALTHY);
        assertThat(next.record(FAIL).to()).isEqualTo(OriginState.UNHEALTHY);

        final OriginTracker down = OriginTracker.continuing(3, 1, next);
        assertThat(down.state()).isEqualTo(OriginState.UNHEALTHY);
        down.record(PASS);
        down.record(PASS);
        assertThat(down.state()).as("the old streak does not count").isEqualTo(OriginState.UNHEALTHY);
        assertThat(down.record(PASS).to()).isEqualTo(OriginState.HEALTHY);

        final OriginTracker unknown = OriginTracker.continuing(1, 1, new OriginTracker(1, 1));
        assertThat(unknown.health()).as("no verdict carries over as none").isNull();
        assertThat(unknown.state()).isEqualTo(OriginState.UNKNOWN);
    }
}
