package dev.fulcrum.health;

import java.util.List;

/**
 * An origin's verdict from the results of its pool's monitor group members, as Cloudflare documents monitor groups:
 * <ul>
 *   <li>a failing {@code must_be_healthy} member makes the origin unhealthy, whatever the others say;</li>
 *   <li>otherwise the other deciding members vote: the origin is unhealthy only when more than half of them fail
 *       (a tie is healthy); {@code monitoring_only} members probe and report but have no vote, disabled members
 *       do not probe at all;</li>
 *   <li>the round trip is the mean of the deciding members' round trips (Cloudflare's latency for dynamic
 *       steering);</li>
 *   <li>each member's last result counts until its next check, whatever its interval.</li>
 * </ul>
 * [G] A member without a result yet: the verdict waits (no result yet, so the origin is not usable) until the
 * results in hand settle it: a failed critical member or a failed majority is unhealthy at once, and the origin is
 * healthy once every critical member passed and the votes still missing could not make a failed majority. With no
 * deciding member at all, nothing can fail the origin: it is healthy.
 */
final class MemberQuorum {

    private static final String NO_FAILURES = FailureReason.NONE.text();

    private MemberQuorum() {
    }

    /** The verdict from {@code checks} (one origin's, one per member), or null while it is not settled. */
    static OriginHealth verdict(List<OriginCheck> checks) {
        if (checks.size() == 1 && checks.get(0).role().decides() && !checks.get(0).role().vetoes()) {
            // One plain vote decides alone: its tracker's verdict as it is (and its identity).
            return checks.get(0).tracker().health();
        }
        OriginHealth vetoed = null;
        boolean vetoPending = false;
        OriginHealth firstFailed = null;
        OriginHealth firstKnown = null;
        int voters = 0;
        int failed = 0;
        int pending = 0;
        double rttSum = 0;
        int rttCount = 0;
        for (final OriginCheck check : checks) {
            final MemberRole role = check.role();
            if (!role.decides()) {
                continue;
            }
            final OriginHealth result = check.tracker().health();
            if (result != null && !Double.isNaN(result.rttMillis())) {
                rttSum += result.rttMillis();
                rttCount++;
            }
            if (result != null && firstKnown == null) {
                firstKnown = result;
            }
            if (role.vetoes()) {
                if (result == null) {
                    vetoPending = true;
                } else if (!result.healthy() && vetoed == null) {
                    vetoed = result;
                }
                continue;
            }
            voters++;
            if (result == null) {
                pending++;
            } else if (!result.healthy()) {
                failed++;
                if (firstFailed == null) {
                    firstFailed = result;
                }
            }
        }
        final double rtt = rttCount == 0 ? Double.NaN : rttSum / rttCount;
        if (vetoed != null) {
            return new OriginHealth(false, rtt, vetoed.failureReason(), vetoed.responseCode());
        }
        if (2 * failed > voters) {
            return new OriginHealth(false, rtt, firstFailed.failureReason(), firstFailed.responseCode());
        }
        if (vetoPending || 2 * (failed + pending) > voters) {
            return null;
        }
        // Healthy; like a single monitor one failure below its threshold, a healthy origin shows a failure it has.
        final OriginHealth shown = firstFailed != null ? firstFailed : firstKnown;
        return new OriginHealth(true, rtt, shown == null || firstFailed == null ? NO_FAILURES : shown.failureReason(),
                shown == null ? 0 : shown.responseCode());
    }
}
