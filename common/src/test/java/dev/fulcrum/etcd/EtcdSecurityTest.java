package dev.fulcrum.etcd;

import dev.fulcrum.testing.EtcdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against etcd with authentication on, and with TLS and client certificates. */
class EtcdSecurityTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void authenticatesAndRenewsAnExpiredToken() throws Exception {
        // Tokens live one second: the client's own renewal (an hour here) comes far too late.
        try (EtcdServer etcd = EtcdServer.start(dir, "--auth-token-ttl", "1")) {
            enableAuth(etcd.endpointList().get(0), "fulcrum", "s3cret-pass", "/fulcrum/");
            final EtcdSettings settings = EtcdSettings.of(etcd.endpointList())
                    .withAuthentication("fulcrum", "s3cret-pass")
                    .withTimeouts(Duration.ofSeconds(1), Duration.ofHours(1));
            try (EtcdClient client = EtcdClient.connect(settings)) {
                final long revision = client.put("/fulcrum/a", bytes("1"));
                try (WatchStream watch = client.watch("/fulcrum/", EtcdClient.prefixEnd("/fulcrum/"), revision,
                        Duration.ofSeconds(30))) {
                    assertThat(watch.next().created()).isTrue();
                    assertThat(watch.next().events()).hasSize(1);
                }
                assertThatThrownBy(() -> client.put("/elsewhere", bytes("x")))
                        .isInstanceOfSatisfying(EtcdException.class,
                                e -> assertThat(e.getMessage()).contains("permission denied"));
                // etcd's clock, not ours, expires the token: wait it out.
                Thread.sleep(2500);
                assertThat(client.get("/fulcrum/a").kvs()).extracting(KeyValue::text).containsExactly("1");
                assertThat(client.put("/fulcrum/b", bytes("2"))).isGreaterThan(revision);
            }
            try (EtcdClient wrong = EtcdClient.connect(EtcdSettings.of(etcd.endpointList())
                    .withAuthentication("fulcrum", "not-the-password"))) {
                assertThatThrownBy(() -> wrong.get("/fulcrum/a")).isInstanceOfSatisfying(EtcdException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(EtcdException.Outcome.REFUSED);
                    assertThat(e.getMessage()).contains("authentication as 'fulcrum' failed");
                });
            }
        }
    }

    @Test
    void speaksTlsWithAClientCertificate() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir, "--cert-file", tls("server.pem").toString(), "--key-file",
                tls("server-key.pem").toString(), "--client-cert-auth", "--trusted-ca-file",
                tls("ca.pem").toString())) {
            final EtcdSettings plain = EtcdSettings.of(etcd.endpointList());
            assertThat(plain.endpoints().get(0).getScheme()).isEqualTo("https");
            // The client key as openssl writes it in each form: PKCS#8, traditional EC (SEC1) and RSA (PKCS#1).
            for (String[] pair : new String[][] {{"client.pem", "client-key.pem"}, {"client.pem",
                    "client-ec-key.pem"}, {"client-rsa.pem", "client-rsa-key.pem"}}) {
                try (EtcdClient client = EtcdClient.connect(plain.withTls(tls("ca.pem"), tls(pair[0]),
                        tls(pair[1])))) {
                    client.put("/tls", bytes(pair[1]));
                    assertThat(client.get("/tls").kvs()).extracting(KeyValue::text).containsExactly(pair[1]);
                }
            }
            try (EtcdClient noClientCert = EtcdClient.connect(plain.withTls(tls("ca.pem"), null, null))) {
                assertThatThrownBy(() -> noClientCert.get("/tls")).isInstanceOf(EtcdException.class);
            }
            try (EtcdClient untrusting = EtcdClient.connect(plain)) {
                assertThatThrownBy(() -> untrusting.get("/tls")).isInstanceOfSatisfying(EtcdException.class,
                        e -> assertThat(e.getMessage()).contains("certification path"));
            }
        }
    }

    /**
     * Fixed test certificates (valid for a century), made once with openssl: a P-256 CA, a server certificate for
     * IP 127.0.0.1, and client certificates with EC and RSA keys. Keys of tests only; they protect nothing.
     */
    static Path tls(String name) throws Exception {
        return Path.of(EtcdSecurityTest.class.getResource("/etcd-tls/" + name).toURI());
    }

    @Test
    void refusesUnusableTlsFiles() throws IOException {
        final Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        final EtcdSettings settings = EtcdSettings.of(java.util.List.of(URI.create("https://127.0.0.1:1")))
                .withTls(notPem, null, null);
        assertThatThrownBy(() -> EtcdClient.connect(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ca.pem").hasMessageContaining("no PEM CERTIFICATE block");
    }

    /** What an operator does with etcdctl: a root user, a user with a role on the prefix, then auth on. */
    static void enableAuth(URI endpoint, String user, String password, String prefix) throws Exception {
        final HttpClient http = HttpClient.newHttpClient();
        final String key = b64(prefix);
        final String end = b64(EtcdClient.prefixEnd(prefix));
        for (String[] call : new String[][] {
                {"/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"root-pass\"}"},
                {"/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}"},
                {"/v3/auth/role/add", "{\"name\":\"fulcrum\"}"},
                {"/v3/auth/role/grant", "{\"name\":\"fulcrum\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\"" + key
                        + "\",\"range_end\":\"" + end + "\"}}"},
                {"/v3/auth/user/add", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}"},
                {"/v3/auth/user/grant", "{\"user\":\"" + user + "\",\"role\":\"fulcrum\"}"},
                {"/v3/auth/enable", "{}"}}) {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve(call[0]))
                    .POST(HttpRequest.BodyPublishers.ofString(call[1])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(call[0] + ": " + response.body()).isEqualTo(200);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(bytes(s));
    }
}
