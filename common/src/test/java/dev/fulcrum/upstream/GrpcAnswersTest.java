package dev.fulcrum.upstream;

import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.testing.OriginTarget;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcAnswersTest {

    @Test
    void aCallIsGrpcsContentTypeOverHttp2() {
        assertThat(GrpcAnswers.isCall("HTTP/2.0", "application/grpc")).isTrue();
        assertThat(GrpcAnswers.isCall("HTTP/2.0", "Application/GRPC+proto")).isTrue();
        assertThat(GrpcAnswers.isCall("HTTP/2.0", "application/grpc;charset=utf-8")).isTrue();
        assertThat(GrpcAnswers.isCall("HTTP/2.0", "application/grpc-web+proto")).as("gRPC-Web").isFalse();
        assertThat(GrpcAnswers.isCall("HTTP/2.0", "application/json")).isFalse();
        assertThat(GrpcAnswers.isCall("HTTP/2.0", null)).isFalse();
        assertThat(GrpcAnswers.isCall("HTTP/1.1", "application/grpc")).as("gRPC runs over HTTP/2 only").isFalse();
    }

    @Test
    void aFailureBeforeTheAnswerIsATrailersOnlyUnavailable() {
        final OriginTarget decision = new OriginTarget("http", "127.0.0.1", 1);
        final DirectAnswer answer = GrpcAnswers.unavailable(
                DirectAnswer.failure(UpstreamFailure.CONNECTION_REFUSED, decision));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/grpc");
        assertThat(answer.body()).isEmpty();
        assertThat(answer.decision()).isSameAs(decision);
        assertThat(answer.headers().get("grpc-status")).isEqualTo("14");
        assertThat(answer.headers().get("grpc-message"))
                .isEqualTo("the origin could not be reached (error code: 521)");
    }

    @Test
    void aCutShortAnswerEndsUnavailable() {
        final HttpFields trailers = GrpcAnswers.cutShort(520);

        assertThat(trailers.get("grpc-status")).isEqualTo("14");
        assertThat(trailers.get("grpc-message")).isEqualTo("the origin's answer was cut short (error code: 520)");
    }
}
