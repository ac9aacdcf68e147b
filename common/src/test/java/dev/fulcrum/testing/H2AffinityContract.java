package dev.fulcrum.testing;

/**
 * The session affinity contract with the client speaking HTTP/2 to the host (h2c by prior knowledge): cookies,
 * headers and pins are decided per request, whichever protocol carried it. Raw-socket tests stay HTTP/1.1.
 */
public abstract class H2AffinityContract extends AffinityContract {

    @Override
    protected ClientProtocol clientProtocol() {
        return ClientProtocol.H2C;
    }
}
