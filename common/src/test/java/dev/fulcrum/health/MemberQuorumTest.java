package dev.fulcrum.health;

import dev.fulcrum.config.Origin;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static org.assertj.core.api.Assertions.assertThat;

/** How a monitor group's member results fold into one origin's verdict, including before every member answered. */
class MemberQuorumTest {

    private static final Origin ORIGIN = origin("o", "127.0.0.1", 8080);
    private static final String POOL = Fixtures.id('1');

    private final List<OriginCheck> checks = new ArrayList<>();

    /** A member check; {@code result} is true (passed), false (failed) or null (no result yet). */
    private void member(char id, Boolean result, boolean monitoringOnly, boolean mustBeHealthy, long rttMillis) {
        final String monitorId = Fixtures.id(id);
        final OriginCheck check = new OriginCheck(POOL, "127.0.0.1:8080",
                CheckPlan.of(monitor(monitorId, "http"), POOL, ORIGIN),
                new OriginCheck.Labels("web", "o", "127.0.0.1", 8080),
                new MemberRole(monitorId, monitoringOnly, mustBeHealthy), null);
        if (result != null) {
            check.tracker().record(result ? ProbeResult.pass(200, rttMillis * 1_000_000)
                    : ProbeResult.fail(FailureReason.RESPONSE_CODE_MISMATCH, 503));
        }
        checks.add(check);
    }

    private void voter(char id, Boolean result) {
        member(id, result, false, false, 10);
    }

    private OriginHealth verdict() {
        return MemberQuorum.verdict(checks);
    }

    @Test
    void aCriticalFailureDecidesAloneAndAtOnce() {
        voter('a', true);
        voter('b', null);
        member('c', false, false, true, 0);
        assertThat(verdict().healthy()).isFalse();
        assertThat(verdict().failureReason()).isEqualTo("Response code mismatch error");
        assertThat(verdict().responseCode()).isEqualTo(503);
    }

    @Test
    void moreThanHalfOfTheVotersMustFail() {
        voter('a', true);
        voter('b', false);
        assertThat(verdict().healthy()).as("a tie is healthy").isTrue();
        assertThat(verdict().failureReason()).as("the failure still shows").isEqualTo("Response code mismatch error");
        voter('c', false);
        assertThat(verdict().healthy()).isFalse();
    }

    @Test
    void monitoringOnlyMembersNeitherVoteNorVeto() {
        voter('a', true);
        member('b', false, true, false, 0);
        member('c', false, true, true, 0);
        member('d', null, true, false, 0);
        assertThat(verdict().healthy()).isTrue();
        assertThat(verdict().failureReason()).isEqualTo("No failures");
    }

    @Test
    void missingResultsHoldTheVerdictUntilTheOutcomeIsSettled() {
        voter('a', true);
        voter('b', null);
        voter('c', null);
        assertThat(verdict()).as("two missing votes could still make a failed majority").isNull();
        checks.clear();
        voter('a', true);
        voter('b', true);
        voter('c', null);
        assertThat(verdict().healthy()).as("one missing vote of three cannot fail it").isTrue();
        member('d', null, false, true, 0);
        assertThat(verdict()).as("a critical member has not answered").isNull();
    }

    @Test
    void theRoundTripIsTheMeanOfTheDecidingMembers() {
        member('a', true, false, false, 10);
        member('b', true, false, true, 30);
        member('c', true, true, false, 1000);
        assertThat(verdict().rttMillis()).isEqualTo(20.0);
    }

    @Test
    void withoutDecidingMembersNothingFailsTheOrigin() {
        assertThat(verdict().healthy()).isTrue();
        member('a', false, true, false, 0);
        assertThat(verdict().healthy()).isTrue();
    }

    @Test
    void oneVoterAloneIsItsOwnVerdict() {
        voter('a', false);
        assertThat(verdict()).isSameAs(checks.get(0).tracker().health());
    }
}
