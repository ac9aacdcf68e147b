package dev.fulcrum.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Real etcd members for tests: the {@code etcd} binary (Debian's {@code etcd-server}; see {@link ExternalBinary}) on
 * free loopback ports with a data directory under the test's temporary directory. One member or a cluster of
 * several; each can be killed (SIGKILL), stopped and started again on the same ports and data.
 *
 * <p>Progress notifications come every second instead of etcd's ten minutes, so tests of an idle watch do not wait.
 */
public final class EtcdServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;
    private static final int PORTS_FROM = 20_000;
    private static final int PORTS_TO = 32_000;

    private final List<Member> members;

    private EtcdServer(List<Member> members) {
        this.members = members;
    }

    /** One member, started and answering. */
    public static EtcdServer start(Path dir, String... extraArgs) throws IOException {
        return cluster(dir, 1, extraArgs);
    }

    /** A cluster of {@code size} members, started and answering. */
    public static EtcdServer cluster(Path dir, int size, String... extraArgs) throws IOException {
        final Path etcd = ExternalBinary.require("etcd");
        for (int attempt = 1; ; attempt++) {
            try {
                return launch(etcd, dir.resolve("try" + attempt), size, extraArgs);
            } catch (PortTakenException e) {
                // A port found free was taken before etcd bound it (the machine is shared): new ports, once more.
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static EtcdServer launch(Path etcd, Path dir, int size, String... extraArgs) throws IOException {
        final List<Member> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new Member(etcd, "m" + i, dir.resolve("m" + i), freePort(), freePort(), List.of(extraArgs)));
        }
        final String initialCluster = members.stream().map(m -> m.name + "=" + m.peerUrl())
                .collect(Collectors.joining(","));
        final EtcdServer server = new EtcdServer(members);
        try {
            for (Member member : members) {
                member.initialCluster = initialCluster;
                member.launch("new");
            }
            for (Member member : members) {
                member.awaitReady();
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The client URLs of every member, comma-separated, as {@code --etcd-endpoints} takes them. */
    public String endpoints() {
        return members.stream().map(Member::clientUrl).collect(Collectors.joining(","));
    }

    public List<URI> endpointList() {
        return members.stream().map(m -> URI.create(m.clientUrl())).toList();
    }

    public Member member(int index) {
        return members.get(index);
    }

    public int size() {
        return members.size();
    }

    /**
     * Compacts etcd's history up to its current revision through the first live member's JSON gateway (plain HTTP
     * only), so that a watch resuming from an older revision is refused. Returns the revision compacted to.
     */
    public long compact() throws IOException {
        final Member member = members.stream().filter(Member::isAlive).findFirst()
                .orElseThrow(() -> new IOException("no etcd member is running"));
        final Matcher revision = Pattern.compile("\"revision\":\"(\\d+)\"").matcher(
                member.post("/v3/kv/range", "{\"key\":\"AA==\"}"));
        if (!revision.find()) {
            throw new IOException("etcd answered no revision");
        }
        final long now = Long.parseLong(revision.group(1));
        member.post("/v3/kv/compaction", "{\"revision\":\"" + now + "\",\"physical\":true}");
        return now;
    }

    /** Kills every member (SIGKILL). */
    public void kill() {
        members.forEach(Member::kill);
    }

    /** Starts every stopped member again on its ports and data, and waits until they answer. */
    public void restart() throws IOException {
        for (Member member : members) {
            if (!member.isAlive()) {
                member.launch("existing");
            }
        }
        for (Member member : members) {
            member.awaitReady();
        }
    }

    @Override
    public void close() {
        members.forEach(Member::kill);
    }

    /**
     * A free loopback port below the kernel's ephemeral range: a port taken from that range (port 0) can be handed
     * to another process's outgoing connection between this check and etcd's bind, which happens on a busy machine.
     */
    private static int freePort() throws IOException {
        for (int i = 0; i < 200; i++) {
            final int port = ThreadLocalRandom.current().nextInt(PORTS_FROM, PORTS_TO);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free loopback port in [" + PORTS_FROM + ", " + PORTS_TO + ")");
    }

    /** etcd exited because one of its ports was taken. */
    static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }

    /** One etcd process. */
    public static final class Member {
        private final Path binary;
        private final String name;
        private final Path dir;
        private final int clientPort;
        private final int peerPort;
        private final List<String> extraArgs;
        private String initialCluster;
        private Process process;

        Member(Path binary, String name, Path dir, int clientPort, int peerPort, List<String> extraArgs) {
            this.binary = binary;
            this.name = name;
            this.dir = dir;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.extraArgs = extraArgs;
        }

        public String clientUrl() {
            return (extraArgs.contains("--cert-file") ? "https" : "http") + "://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** SIGKILL, and waits for the process to be gone. */
        public void kill() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Starts this member again (after {@link #kill()}) and waits until it answers. */
        public void restart() throws IOException {
            launch("existing");
            awaitReady();
        }

        void launch(String state) throws IOException {
            Files.createDirectories(dir);
            final List<String> command = new ArrayList<>(List.of(binary.toString(), "--name", name,
                    "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                    "--listen-peer-urls", peerUrl(), "--initial-advertise-peer-urls", peerUrl(),
                    "--initial-cluster", initialCluster, "--initial-cluster-state", state,
                    "--initial-cluster-token", "fulcrum-test",
                    "--experimental-watch-progress-notify-interval", "1s"));
            command.addAll(extraArgs);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile())).start();
            // A test JVM stopped before close() (a timeout, Ctrl-C) must not leave etcd running.
            final Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "etcd-" + name + "-stop"));
        }

        void awaitReady() throws IOException {
            final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    final String tail = tail();
                    throw tail.contains("address already in use")
                            ? new PortTakenException("etcd " + name + " exited: " + tail)
                            : new IOException("etcd " + name + " exited: " + tail);
                }
                if (answers()) {
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            throw new IOException("etcd " + name + " did not answer within " + START_TIMEOUT + ": " + tail());
        }

        /** Answers its health check, or (TLS with client certificates, which this probe lacks) listens at all. */
        private boolean answers() {
            if (clientUrl().startsWith("https")) {
                try (java.net.Socket ignored = new java.net.Socket(InetAddress.getLoopbackAddress(), clientPort)) {
                    return Files.readString(dir.resolve("etcd.log")).contains("ready to serve client requests");
                } catch (IOException e) {
                    return false;
                }
            }
            try {
                final HttpURLConnection c = (HttpURLConnection) URI.create(clientUrl() + "/health").toURL()
                        .openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                final String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return body.contains("\"health\":\"true\"");
            } catch (IOException e) {
                return false;
            }
        }

        /** POSTs {@code json} to this member's gateway and returns the answer (which must be a success). */
        String post(String path, String json) throws IOException {
            final HttpURLConnection c = (HttpURLConnection) URI.create(clientUrl() + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(10_000);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
            if (c.getResponseCode() != 200) {
                throw new IOException("etcd " + name + " answered " + c.getResponseCode() + " to " + path);
            }
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        private String tail() {
            try {
                final List<String> lines = Files.readAllLines(dir.resolve("etcd.log"));
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                return "(no log)";
            }
        }
    }
}
