package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.health.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PreviewServiceTest {

    private final FakeTicker ticker = new FakeTicker();
    private TestOrigin good;
    private TestOrigin bad;
    private HealthMonitor health;

    @BeforeEach
    void start() throws Exception {
        good = TestOrigin.http();
        bad = TestOrigin.http();
        bad.status = 503;
        health = new HealthMonitor(HealthSettings.defaults()
                .withTime(ticker, Clock.fixed(Fixtures.T0, ZoneOffset.UTC))
                .withPreviews(Duration.ofHours(1), 2));
        health.start();
    }

    @AfterEach
    void stop() throws Exception {
        health.close();
        good.close();
        bad.close();
    }

    private Pool web(int minimumOrigins) {
        return pool(Fixtures.id('1'), "web", Fixtures.id('9'), minimumOrigins,
                origin("good", "127.0.0.1", good.port()), origin("bad", "127.0.0.1", bad.port()),
                Fixtures.disabled(origin("off", "127.0.0.1", 1)));
    }

    @Test
    void runsTheCandidateOnceAgainstEveryEnabledOrigin() {
        final Monitor candidate = monitor(Fixtures.id('c'), "http");
        final Pool lenient = web(1);
        final Pool strict = pool(Fixtures.id('2'), "strict", null, 2, origin("good", "127.0.0.1", good.port()),
                origin("bad", "127.0.0.1", bad.port()));

        final Preview started = health.previews().start(candidate, List.of(lenient, strict));

        assertThat(started.id()).matches("[0-9a-f]{32}");
        assertThat(started.createdAt()).isEqualTo(Fixtures.T0);
        assertThat(started.pools()).extracting(Preview.PoolPreview::poolId, Preview.PoolPreview::poolName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Fixtures.id('1'), "web"),
                        org.assertj.core.groups.Tuple.tuple(Fixtures.id('2'), "strict"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> health.previews().preview(started.id()).orElseThrow().complete());

        final Preview done = health.previews().preview(started.id()).orElseThrow();
        final Preview.PoolPreview first = done.pools().get(0);
        assertThat(first.healthy()).isTrue();
        assertThat(first.origins()).extracting(OriginStatus::name).containsExactly("good", "bad");
        assertThat(first.origins().get(0).healthy()).isTrue();
        assertThat(first.origins().get(0).failureReason()).isEqualTo("No failures");
        assertThat(first.origins().get(0).responseCode()).isEqualTo(200);
        assertThat(first.origins().get(1).healthy()).isFalse();
        assertThat(first.origins().get(1).failureReason()).isEqualTo("Response code mismatch error");
        assertThat(first.origins().get(1).responseCode()).isEqualTo(503);
        assertThat(done.pools().get(1).healthy()).as("2 needed, 1 passed").isFalse();
        assertThat(good.requests.get()).isEqualTo(2);
        assertThat(bad.requests.get()).isEqualTo(2);
        // Once means once: no request follows while the origins are watched for 1.5 s.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(2)).until(() -> good.requests.get() == 2);
        assertThat(good.requests.get()).isEqualTo(2);
    }

    @Test
    void previewsExpireAfterTheirTtl() {
        final Preview preview = health.previews().start(monitor(Fixtures.id('c'), "http"), List.of(web(1)));

        ticker.advance(Duration.ofMinutes(59));
        assertThat(health.previews().preview(preview.id())).isPresent();
        ticker.advance(Duration.ofMinutes(1));
        assertThat(health.previews().preview(preview.id())).isEmpty();
        assertThat(health.previews().preview("0".repeat(32))).isEmpty();
    }

    @Test
    void theOldestPreviewGoesWhenTheLimitIsReached() {
        final Monitor candidate = monitor(Fixtures.id('c'), "http");
        final Preview first = health.previews().start(candidate, List.of(web(1)));
        final Preview second = health.previews().start(candidate, List.of(web(1)));
        final Preview third = health.previews().start(candidate, List.of(web(1)));

        assertThat(health.previews().preview(first.id())).isEmpty();
        assertThat(health.previews().preview(second.id())).isPresent();
        assertThat(health.previews().preview(third.id())).isPresent();
        assertThat(health.previews().size()).isEqualTo(2);
    }

    @Test
    void previewsNeedARunningMonitor() {
        health.close();
        assertThatThrownBy(() -> health.previews().start(monitor(Fixtures.id('c'), "http"), List.of(web(1))))
                .isInstanceOf(IllegalStateException.class).hasMessage("health monitor is not running");
    }
}
