package dev.fulcrum.forwarding;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.testing.OriginTarget;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpstreamErrors;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptsTest {

    private final List<String> reports = new ArrayList<>();

    @Test
    void reportsOneOutcomeForASuccess() {
        final Attempts exchange = new Attempts(new FakeForward("a", null), "GET", RequestBody.NONE);
        exchange.begin();
        exchange.responded(200);
        exchange.responded(200);
        exchange.cancelled();

        assertThat(reports).containsExactly("a RESPONDED 200");
    }

    @Test
    void retriesAStalePooledConnectionOnceOnAFreshOneWithoutReporting() {
        final Attempts exchange = new Attempts(new FakeForward("a", null), "GET", RequestBody.NONE);

        assertThat(exchange.failed(new EOFException("closed"), 0, false))
                .isEqualTo(Attempts.Step.RETRY_FRESH_CONNECTION);
        assertThat(exchange.freshConnection()).isTrue();
        assertThat(reports).isEmpty();
        // The fresh connection failing the same way is a real 520.
        assertThat(exchange.failed(new EOFException("closed again"), 0, false)).isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(exchange.failure()).isEqualTo(UpstreamFailure.UNKNOWN_ERROR);
        assertThat(reports).containsExactly("a EXCHANGE_FAILED 520");
    }

    @Test
    void neverRetriesAStaleConnectionForANonIdempotentMethod() {
        final Attempts exchange = new Attempts(new FakeForward("a", null), "POST", RequestBody.BUFFERED);

        assertThat(exchange.failed(new IOException("Connection reset by peer"), 0, false))
                .isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(reports).containsExactly("a EXCHANGE_FAILED 520");
    }

    @Test
    void aStreamedBodyFailsOverOnlyWhenItCanStillBeSentWhole() {
        final FakeForward second = new FakeForward("b", null);
        final Attempts unread = new Attempts(new FakeForward("a", second), "POST", RequestBody.STREAMED);
        assertThat(unread.failed(new ConnectException("Connection refused"), 0, false, true))
                .isEqualTo(Attempts.Step.FAILOVER);
        assertThat(unread.forward()).isSameAs(second);

        final Attempts read = new Attempts(new FakeForward("c", new FakeForward("d", null)), "POST",
                RequestBody.STREAMED);
        assertThat(read.failed(new ConnectException("Connection refused"), 0, false)).isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(reports).containsExactly("a CONNECT_FAILED 521", "c CONNECT_FAILED 521");
    }

    @Test
    void neverRetriesOnceTheOriginAnswered() {
        final Attempts exchange = new Attempts(new FakeForward("a", null), "GET", RequestBody.NONE);

        assertThat(exchange.failed(new EOFException("mid-body"), 200, false)).isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(reports).containsExactly("a EXCHANGE_FAILED 200");
    }

    @Test
    void anIdempotentRequestTheOriginClosedOnBeforeAnsweringIsRetriedOnceElsewhere() {
        final FakeForward second = new FakeForward("b", null);
        final Attempts exchange = new Attempts(new FakeForward("a", second), "PUT", RequestBody.BUFFERED);

        assertThat(exchange.failed(new EOFException("closed"), 0, false))
                .isEqualTo(Attempts.Step.RETRY_FRESH_CONNECTION);
        assertThat(exchange.failed(new EOFException("closed again"), 0, false)).isEqualTo(Attempts.Step.FAILOVER);
        assertThat(exchange.forward()).isSameAs(second);
        assertThat(exchange.freshConnection()).isFalse();
        // Once only: the retry failing the same way answers its own 520.
        assertThat(exchange.failed(new IOException("Connection reset by peer"), 0, false))
                .isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(exchange.failure()).isEqualTo(UpstreamFailure.UNKNOWN_ERROR);
        assertThat(reports).containsExactly("a EXCHANGE_FAILED 520", "b EXCHANGE_FAILED 520");
    }

    @Test
    void neverRetriesElsewhereANonIdempotentRequestAStreamedBodyAReadTimeoutOrABegunAnswer() {
        final FakeForward second = new FakeForward("b", null);
        assertThat(new Attempts(new FakeForward("a", second), "POST", RequestBody.BUFFERED)
                .failed(new EOFException("closed"), 0, false)).isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(new Attempts(new FakeForward("a", second), "PATCH", RequestBody.NONE)
                .failed(new EOFException("closed"), 0, false)).isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(new Attempts(new FakeForward("a", second), "PUT", RequestBody.STREAMED)
                .failed(new EOFException("closed"), 0, false)).isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(new Attempts(new FakeForward("a", second), "GET", RequestBody.NONE)
                .failed(new TimeoutException("no first byte"), 0, false)).isEqualTo(Attempts.Step.GIVE_UP);
        final Attempts begun = new Attempts(new FakeForward("a", second), "GET", RequestBody.NONE);
        assertThat(begun.failed(new EOFException("mid-body"), 200, true)).isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(reports).containsExactly("a EXCHANGE_FAILED 520", "a EXCHANGE_FAILED 520",
                "a EXCHANGE_FAILED 520", "a EXCHANGE_FAILED 524", "a EXCHANGE_FAILED 200");
    }

    @Test
    void failsOverAfterAConnectionFailureAndReportsBothAttempts() {
        final FakeForward second = new FakeForward("b", null);
        final Attempts exchange = new Attempts(new FakeForward("a", second), "POST", RequestBody.BUFFERED);

        assertThat(exchange.failed(new ConnectException("Connection refused"), 0, false))
                .isEqualTo(Attempts.Step.FAILOVER);
        assertThat(exchange.forward()).isSameAs(second);
        exchange.responded(201);

        assertThat(reports).containsExactly("a CONNECT_FAILED 521", "b RESPONDED 201");
    }

    @Test
    void anOriginNameThatDoesNotResolveIsSteeredAwayElseAnswered530With1016() {
        final FakeForward second = new FakeForward("b", null);
        final Attempts steered = new Attempts(new FakeForward("a", second), "GET", RequestBody.NONE);
        final UnknownHostException unresolved = new UnknownHostException("origin.invalid");

        assertThat(steered.failed(unresolved, 0, false)).isEqualTo(Attempts.Step.FAILOVER);
        assertThat(steered.forward()).isSameAs(second);
        assertThat(steered.failed(unresolved, 0, false)).isEqualTo(Attempts.Step.GIVE_UP);

        assertThat(steered.failure()).isEqualTo(UpstreamFailure.ORIGIN_DNS_ERROR);
        assertThat(DirectAnswer.failure(steered.failure(), steered.forward()).status()).isEqualTo(530);
        assertThat(UpstreamErrors.body(steered.failure())).isEqualTo("error code: 1016");
        assertThat(reports).containsExactly("a CONNECT_FAILED 530", "b CONNECT_FAILED 530");
    }

    @Test
    void neverFailsOverAStreamedBodyOrACommittedResponse() {
        final Attempts streamed = new Attempts(new FakeForward("a", new FakeForward("b", null)), "POST",
                RequestBody.STREAMED);
        assertThat(streamed.failed(new ConnectException("Connection refused"), 0, false))
                .isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(streamed.failure()).isEqualTo(UpstreamFailure.CONNECTION_REFUSED);

        final Attempts committed = new Attempts(new FakeForward("c", new FakeForward("d", null)), "GET",
                RequestBody.NONE);
        assertThat(committed.failed(new ConnectException("Connection refused"), 0, true))
                .isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(reports).containsExactly("a CONNECT_FAILED 521", "c CONNECT_FAILED 521");
    }

    @Test
    void aReadTimeoutIsNotFailedOver() {
        final Attempts exchange = new Attempts(new FakeForward("a", new FakeForward("b", null)), "GET",
                RequestBody.NONE);

        assertThat(exchange.failed(new TimeoutException("Idle timeout"), 0, false))
                .isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(exchange.failure()).isEqualTo(UpstreamFailure.READ_TIMEOUT);
        assertThat(reports).containsExactly("a EXCHANGE_FAILED 524");
    }

    @Test
    void aClientThatWentAwayIsReportedCancelled() {
        final Attempts exchange = new Attempts(new FakeForward("a", new FakeForward("b", null)), "GET",
                RequestBody.NONE);
        exchange.clientGone();

        assertThat(exchange.failed(new ConnectException("Connection refused"), 0, false))
                .isEqualTo(Attempts.Step.GIVE_UP);
        assertThat(reports).containsExactly("a CANCELLED 0");
    }

    /** An origin "named" that records its one outcome and offers {@code next} as its failover. */
    private final class FakeForward extends OriginTarget {

        private final String name;
        private final RouteDecision.Forward next;

        FakeForward(String name, RouteDecision.Forward next) {
            super("http", "127.0.0.1", 1, "example.test");
            this.name = name;
            this.next = next;
        }

        @Override
        public void complete(Outcome outcome, int status, long upstreamNanos) {
            assertThat(upstreamNanos).isNotNegative();
            reports.add(name + ' ' + outcome + ' ' + status);
        }

        @Override
        public RouteDecision.Forward failover(UpstreamFailure failure) {
            return failure.failoverEligible() ? next : null;
        }

        @Override
        public RouteDecision.Forward retryElsewhere(UpstreamFailure failure) {
            return failure == UpstreamFailure.UNKNOWN_ERROR ? next : null;
        }

        @Override
        public String originName() {
            return name;
        }
    }
}
