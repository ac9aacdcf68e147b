package dev.fulcrum.bench.sidebyside;

import dev.fulcrum.api.ApiRouter;
import dev.fulcrum.metrics.MetricsEndpoint;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.servlet.ApiServlet;
import dev.fulcrum.servlet.MetricsServlet;
import dev.fulcrum.tomcat.FulcrumValve;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fulcrum in Tomcat for the side-by-side benchmark: an embedded Tomcat 11 with {@link FulcrumValve} on the Host,
 * driven by a Fulcrum runtime (its router and shared upstream client), and a ROOT context serving the REST API and
 * {@code /metrics}, which requests for hosts that are no load balancer's reach through the valve.
 *
 * <p>{@code java -cp … dev.fulcrum.bench.sidebyside.TomcatFulcrum PORT [fulcrum options]}: the options are the
 * standalone's ({@code --data-dir}, {@code --api-token}, …); the API answers on the same port. Tomcat keeps its
 * defaults (NIO connector, 200 threads), as an operator dropping the valve into {@code server.xml} would, unless
 * {@code FULCRUM_BENCH_TOMCAT_THREADS} sets the connector's {@code maxThreads} (and {@code minSpareThreads}).
 */
public final class TomcatFulcrum {

    private TomcatFulcrum() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TomcatFulcrum PORT [fulcrum options]");
            System.exit(2);
        }
        final int port = Integer.parseInt(args[0]);
        // The upstream client as the valve builds its own (FulcrumSettings.Builder#selectorCallbacks): callbacks on
        // its selectors, one per CPU.
        final FulcrumSettings settings = FulcrumSettings.parse(Arrays.asList(args).subList(1, args.length),
                Map.of()).toBuilder().selectorCallbacks().build();
        final Fulcrum fulcrum = new Fulcrum(settings).start();

        final Path base = Files.createTempDirectory("fulcrum-bench-tomcat");
        final Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        final Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        final String threads = System.getenv("FULCRUM_BENCH_TOMCAT_THREADS"); // bench/run --tomcat-threads
        if (threads != null) {
            connector.setProperty("maxThreads", threads);
            connector.setProperty("minSpareThreads", threads);
        }
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        final FulcrumValve valve = new FulcrumValve();
        valve.setRouter(fulcrum.router());
        valve.setUpstreamClient(fulcrum.upstream());
        tomcat.getHost().getPipeline().addValve(valve);

        final Context root = tomcat.addContext("", base.toString());
        Tomcat.addServlet(root, "api", new ApiServlet(fulcrum.api()));
        root.addServletMappingDecoded(ApiRouter.PREFIX + "/*", "api");
        Tomcat.addServlet(root, "metrics", new MetricsServlet(fulcrum.metricsEndpoint()));
        root.addServletMappingDecoded(MetricsEndpoint.PATH, "metrics");
        tomcat.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                System.err.println("stopping Tomcat: " + e);
            }
            fulcrum.stop();
            deleteTree(base); // Tomcat's work files; the benchmark starts this launcher for every run
        }, "bench-shutdown"));
        System.out.println("ready");
        tomcat.getServer().await();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("removing " + root + ": " + e);
        }
    }
}
