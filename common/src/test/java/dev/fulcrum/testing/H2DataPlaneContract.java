package dev.fulcrum.testing;

/**
 * The data-plane contract with the client speaking HTTP/2 to the host (h2c by prior knowledge): steering, affinity
 * headers, rules, failover, the 52x answers and the feedback behind the metrics must not depend on the protocol the
 * client chose. Tests that write HTTP/1.1 on a raw socket stay HTTP/1.1.
 */
public abstract class H2DataPlaneContract extends DataPlaneContract {

    @Override
    protected ClientProtocol clientProtocol() {
        return ClientProtocol.H2C;
    }
}
