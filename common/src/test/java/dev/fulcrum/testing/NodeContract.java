package dev.fulcrum.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * What the contracts on whole nodes ({@link NodeUnderTest}) share: before each test, a fresh node of the host under
 * test with one load balancer, {@link #LB_HOST}, in front of one loopback origin; after it, the node stops (then
 * {@link HostContract} stops the origin).
 */
public abstract class NodeContract extends HostContract {

    protected static final String TOKEN = "node-contract-token-0123456789";
    protected static final String LB_HOST = "www.example.test";

    @TempDir
    Path dataDir;

    protected NodeUnderTest node;
    protected LoopbackOrigin origin;
    /** The node's API, with {@link #TOKEN}. */
    protected ApiCalls api;

    /** A fresh, unstarted node of the host under test. */
    protected abstract NodeUnderTest newNode();

    @BeforeEach
    void startNodeWithALoadBalancer() throws Exception {
        origin = startOrigin("o1");
        node = newNode();
        node.start(dataDir, TOKEN);
        api = new ApiCalls("http://127.0.0.1:" + node.apiPort() + "/client/v4", TOKEN);
        api.createLoadBalancer(LB_HOST, "127.0.0.1", origin.port());
    }

    @AfterEach
    void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }
}
