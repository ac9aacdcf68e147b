package dev.fulcrum.health;

import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.util.component.LifeCycle;

import java.util.List;

/**
 * The probes' Jetty client, which starts and stops its destinations (one per probed origin) itself rather than as
 * beans of the client.
 *
 * <p>Why: Jetty's client adds each new destination to its beans, a copy-on-write list that it first searches
 * linearly, so the first probes of N origins cost O(N²): at 30,000 origins that search and copy was half of the
 * probing threads' CPU in the seconds after a start (BENCHMARKS.md, issue 16), when the first scrapes and the first
 * requests want it too. The client still owns its destinations (its map, sweeper and idle timeout are Jetty's); it
 * only no longer lists them among its beans (a dump of the client leaves them out).
 */
final class ProbeClient extends HttpClient {

    ProbeClient(HttpClientTransport transport) {
        super(transport);
    }

    @Override
    public void addManaged(LifeCycle bean) {
        if (bean instanceof Destination) {
            LifeCycle.start(bean);
        } else {
            super.addManaged(bean);
        }
    }

    @Override
    public boolean removeBean(Object bean) {
        if (bean instanceof Destination) {
            LifeCycle.stop(bean);
            return true;
        }
        return super.removeBean(bean);
    }

    @Override
    protected void doStop() throws Exception {
        // The client forgets its destinations as it stops; as they are not its beans, they are stopped here.
        final List<Destination> destinations = getDestinations();
        super.doStop();
        destinations.forEach(LifeCycle::stop);
    }
}
