package dev.fulcrum.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What each deliverable's test starts from: two real origins, {@link #a} and {@link #b}, and the server under test,
 * {@link #server}, which the test starts (and may restart). All of them stop after each test, whatever it did.
 */
abstract class ServerUnderTest {

    Origin a;
    Origin b;
    /** The running server process, or null before the test starts one. */
    ServerProcess server;

    @BeforeEach
    void origins() throws Exception {
        a = new Origin("a");
        b = new Origin("b");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        a.close();
        b.close();
    }
}
