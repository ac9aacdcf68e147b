package dev.fulcrum.tomcat;

import dev.fulcrum.routing.Router;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.core.StandardHost;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The valve refuses to start on a missing router or a bad attribute, naming what is wrong. */
class FulcrumValveTest {

    private static FulcrumValve valve() {
        final FulcrumValve valve = new FulcrumValve();
        valve.setContainer(new StandardHost());
        return valve;
    }

    @Test
    void refusesToStartWithoutARouter() {
        final FulcrumValve valve = valve();

        assertThatThrownBy(valve::start).isInstanceOf(LifecycleException.class)
                .hasMessageContaining("router: missing");
    }

    @Test
    void refusesABadUpstreamAttribute() {
        final FulcrumValve valve = valve();
        valve.setRouter(request -> null);
        valve.setUpstreamReadTimeout("later");

        assertThatThrownBy(valve::start).isInstanceOf(LifecycleException.class)
                .hasMessage("FulcrumValve: upstreamReadTimeout: later "
                            + "(expected: a positive duration such as 19s, 500ms or 15m)");
    }

    @Test
    void startsAndStopsItsOwnUpstreamClientFromAttributes() throws Exception {
        final FulcrumValve valve = valve();
        final Router router = request -> null;
        valve.setRouter(router);
        valve.setUpstreamConnectTimeout("2s");
        valve.setUpstreamMaxThreads("16");

        valve.start();
        valve.stop();
    }
}
