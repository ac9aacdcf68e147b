package dev.fulcrum.health;

import dev.fulcrum.config.Monitor;
import dev.fulcrum.config.Origin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.health.Fixtures.monitor;
import static dev.fulcrum.health.Fixtures.origin;
import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;

/** tcp, smtp, icmp_ping and udp_icmp probes against loopback servers. */
class SocketProbeTest {

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private Probes probes;

    @BeforeEach
    void start() throws Exception {
        probes = new Probes(HealthSettings.defaults(), scheduler);
        probes.start();
    }

    @AfterEach
    void stop() {
        probes.close();
        scheduler.shutdownNow();
    }

    private ProbeResult check(Monitor monitor, Origin origin) throws Exception {
        return probes.check(ProbeTarget.of(monitor, Fixtures.id('p'), origin)).get(15, TimeUnit.SECONDS);
    }

    @Test
    void tcpPassesWhenTheHandshakeCompletes() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final ProbeResult result = check(monitor(Fixtures.id('m'), "tcp"),
                    origin("db", "127.0.0.1", listening.getLocalPort()));

            assertThat(result.passed()).isTrue();
            assertThat(result.reason().text()).isEqualTo("No failures");
            assertThat(result.rttNanos()).isPositive();
        }
    }

    @Test
    void tcpUsesTheMonitorPortFirst() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final Monitor monitor = Fixtures.withHeaderAndPort(monitor(Fixtures.id('m'), "tcp"), Map.of(),
                    listening.getLocalPort());

            assertThat(check(monitor, origin("db", "127.0.0.1", refusedPort())).passed()).isTrue();
        }
    }

    @Test
    void tcpRefusedIsATcpConnectionFailure() throws Exception {
        final ProbeResult result = check(monitor(Fixtures.id('m'), "tcp"), origin("db", "127.0.0.1", refusedPort()));

        assertThat(result.reason().text()).isEqualTo("TCP connection failed");
    }

    @Test
    void tcpWithoutAnyPortIsAMonitorConfigError() throws Exception {
        assertThat(check(monitor(Fixtures.id('m'), "tcp"), origin("db", "127.0.0.1", 0)).reason())
                .isEqualTo(FailureReason.MONITOR_CONFIG_ERROR);
    }

    @Test
    void tcpUnknownHostIsDnsUnknownHost() throws Exception {
        assertThat(check(monitor(Fixtures.id('m'), "tcp"), origin("db", "no-such-host.invalid", 5432)).reason())
                .isEqualTo(FailureReason.DNS_UNKNOWN_HOST);
    }

    @Test
    void smtpPassesAfterGreetingHeloAndQuit() throws Exception {
        try (FakeSmtpServer smtp = new FakeSmtpServer()) {
            final ProbeResult result = check(monitor(Fixtures.id('m'), "smtp"),
                    origin("mx", "127.0.0.1", smtp.port()));

            assertThat(result.passed()).isTrue();
            assertThat(result.responseCode()).isEqualTo(221);
            assertThat(smtp.commands).containsExactly("HELO [127.0.0.1]", "QUIT");
        }
    }

    @Test
    void smtpWrongGreetingIsACodeMismatch() throws Exception {
        try (FakeSmtpServer smtp = new FakeSmtpServer()) {
            smtp.greeting = "554 go away\r\n";

            final ProbeResult result = check(monitor(Fixtures.id('m'), "smtp"),
                    origin("mx", "127.0.0.1", smtp.port()));

            assertThat(result.reason().text()).isEqualTo("Response code mismatch error");
            assertThat(result.responseCode()).isEqualTo(554);
        }
    }

    @Test
    void smtpRejectedHeloIsACodeMismatch() throws Exception {
        try (FakeSmtpServer smtp = new FakeSmtpServer()) {
            smtp.heloReply = "501 syntax\r\n";

            final ProbeResult result = check(monitor(Fixtures.id('m'), "smtp"),
                    origin("mx", "127.0.0.1", smtp.port()));

            assertThat(result.reason()).isEqualTo(FailureReason.RESPONSE_CODE_MISMATCH);
            assertThat(result.responseCode()).isEqualTo(501);
        }
    }

    @Test
    void smtpSilentServerTimesOut() throws Exception {
        try (FakeSmtpServer smtp = new FakeSmtpServer()) {
            smtp.greeting = null;

            final ProbeResult result = check(monitor(Fixtures.id('m'), "smtp"),
                    origin("mx", "127.0.0.1", smtp.port()));

            assertThat(result.reason().text()).isEqualTo("TCP Timeout");
        }
    }

    @Test
    void icmpPingOfLoopbackPasses() throws Exception {
        // Whatever isReachable uses here (raw ICMP as root, else TCP port 7 where a refusal counts), loopback answers.
        assertThat(check(monitor(Fixtures.id('m'), "icmp_ping"), origin("self", "127.0.0.1", 0)).passed()).isTrue();
    }

    @Test
    void udpIcmpFailsOnAClosedPortAndPassesOnAnOpenOne() throws Exception {
        final int closed;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        final ProbeResult refused = check(monitor(Fixtures.id('m'), "udp_icmp"), origin("dns", "127.0.0.1", closed));
        assertThat(refused.reason().text()).isEqualTo("TCP connection failed");

        try (DatagramSocket open = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final ProbeResult passed = check(monitor(Fixtures.id('m'), "udp_icmp"),
                    origin("dns", "127.0.0.1", open.getLocalPort()));
            assertThat(passed.passed()).isTrue();
        }
    }
}
