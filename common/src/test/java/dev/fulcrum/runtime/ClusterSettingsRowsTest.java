package dev.fulcrum.runtime;

import dev.fulcrum.cluster.ClusterSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster's rows of the settings table, as the standalone reads them. */
class ClusterSettingsRowsTest {

    private static FulcrumSettings parse(Map<String, String> env, String... args) {
        return FulcrumSettings.parse(List.of(args), env);
    }

    @Test
    void withoutEndpointsTheNodeIsAlone() {
        assertThat(FulcrumSettings.defaults().cluster()).isNull();
        assertThatThrownBy(() -> parse(Map.of(), "--node-name", "a"))
                .isInstanceOf(FulcrumSettings.InvalidSettingException.class)
                .hasMessage("--node-name: given without --etcd-endpoints (FULCRUM_ETCD_ENDPOINTS) (expected: the "
                        + "etcd endpoints of the cluster this node joins)");
    }

    @Test
    void readsEveryClusterSetting() {
        final FulcrumSettings s = parse(Map.of("FULCRUM_ETCD_PASSWORD", "s3cret-pass"),
                "--etcd-endpoints", "https://10.0.0.1:2379, https://10.0.0.2:2379", "--etcd-prefix", "/lb/eu/",
                "--node-name", "ams-1", "--etcd-user", "fulcrum", "--etcd-ca", "ca.pem", "--etcd-cert", "c.pem",
                "--etcd-key", "k.pem", "--etcd-lease-ttl", "5s");
        final ClusterSettings cluster = s.cluster();
        assertThat(cluster.etcd().endpoints()).containsExactly(URI.create("https://10.0.0.1:2379"),
                URI.create("https://10.0.0.2:2379"));
        assertThat(cluster.prefix()).isEqualTo("/lb/eu/");
        assertThat(cluster.nodeName()).isEqualTo("ams-1");
        assertThat(cluster.etcd().user()).isEqualTo("fulcrum");
        assertThat(cluster.etcd().password()).isEqualTo("s3cret-pass");
        assertThat(cluster.etcd().caFile()).isEqualTo(Path.of("ca.pem"));
        assertThat(cluster.leaseTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.toString()).contains("ams-1").doesNotContain("s3cret-pass");
        // The node name defaults to the PoP code.
        assertThat(parse(Map.of(), "--etcd-endpoints", "http://127.0.0.1:2379", "--pop", "LAX").cluster().nodeName())
                .isEqualTo("LAX");
        assertThat(parse(Map.of(), "--etcd-endpoints", "http://127.0.0.1:2379").cluster().prefix())
                .isEqualTo("/fulcrum/");
    }

    @Test
    void refusesWhatDoesNotGoTogether() {
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://a:2379", "--etcd-user", "u"))
                .hasMessage("--etcd-user: given without --etcd-password (FULCRUM_ETCD_PASSWORD) (expected: both, or "
                        + "neither)");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "https://a:2379", "--etcd-key", "k.pem"))
                .hasMessageStartingWith("--etcd-key: given without --etcd-cert");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://a:2379", "--etcd-ca", "ca.pem"))
                .hasMessageStartingWith("--etcd-ca: a TLS file for --etcd-endpoints");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "a:2379"))
                .hasMessageStartingWith("--etcd-endpoints: etcd endpoint 'a:2379' (expected: http(s)://host:port");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://a:2379,https://b:2379"))
                .hasMessageContaining("expected: every endpoint http://");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://a:2379", "--etcd-prefix", "fulcrum"))
                .hasMessageStartingWith("--etcd-prefix: 'fulcrum' (expected: a key prefix that starts and ends "
                        + "with /");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://a:2379", "--node-name", "a/b"))
                .hasMessageStartingWith("--node-name: 'a/b'");
        assertThatThrownBy(() -> parse(Map.of(), "--etcd-endpoints", "http://a:2379", "--etcd-lease-ttl", "1s"))
                .hasMessageStartingWith("--etcd-lease-ttl: lease TTL: PT1S (expected: at least 2 s");
    }
}
