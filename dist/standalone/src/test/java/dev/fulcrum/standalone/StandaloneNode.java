package dev.fulcrum.standalone;

import dev.fulcrum.testing.NodeUnderTest;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The standalone as {@code java -jar} runs it (its own option parsing and wiring), on 127.0.0.1 at free ports. */
final class StandaloneNode implements NodeUnderTest {

    private final List<String> options;
    private FulcrumMain.Standalone running;

    /** @param options more command-line options */
    StandaloneNode(String... options) {
        this.options = List.of(options);
    }

    @Override
    public void start(Path dataDir, String apiToken) {
        final List<String> args = new ArrayList<>(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--api-token", apiToken));
        args.addAll(options);
        running = FulcrumMain.launch(args, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
    }

    @Override
    public int proxyPort() {
        return running.proxyPort();
    }

    /** The HTTPS proxy port (with {@code --tls-port} among the options). */
    int proxyTlsPort() {
        return running.proxyTlsPort();
    }

    @Override
    public int apiPort() {
        return running.apiPort();
    }

    @Override
    public void close() {
        if (running != null) {
            running.close();
        }
    }
}
