package dev.fulcrum.jetty;

import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.health.HealthSnapshot;
import dev.fulcrum.routing.RoutingSettings;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.DataPlaneContract;
import dev.fulcrum.testing.EtcdBackedRouters;
import dev.fulcrum.testing.HostUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The data-plane contract on the standalone's host (Jetty's core handler) with a cluster's etcd store under the
 * router: every configuration is written on one node and served from what another node's watch read back.
 */
class JettyEtcdDataPlaneTest extends DataPlaneContract {

    @TempDir
    static Path dir;

    private static EtcdBackedRouters routers;

    @BeforeAll
    static void startEtcd() throws Exception {
        routers = EtcdBackedRouters.start(dir);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (routers != null) {
            routers.close();
        }
    }

    @Override
    protected HostUnderTest newHost() {
        return JettyHost.core();
    }

    @Override
    protected SnapshotRouter router(ConfigSnapshot config, HealthSnapshot health, RoutingSettings settings) {
        return routers.router(config, health, settings);
    }
}
