package dev.fulcrum.it;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A server under test running as its own process, output in a log file. Every wait is bounded; {@link #close()}
 * always leaves no process behind (SIGTERM, then SIGKILL after a grace period).
 */
@SuppressWarnings("try") // close() waits for the process, which may be interrupted
final class ServerProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(String name, Path dir, Map<String, String> env, List<String> command)
            throws IOException {
        final Path log = dir.resolve(name + ".log");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new ServerProcess(name, builder.start(), log);
    }

    /** Waits until the log contains {@code text}; fails with the log if the process dies or times out. */
    String awaitLog(String text) throws Exception {
        await(Pattern.compile(Pattern.quote(text)), text);
        return log();
    }

    /**
     * The port captured by group 1 of the first log line matching {@code line}: how a server started on port 0
     * tells which port it got. For a line logged before the start line the caller awaited, so no waiting: a server
     * that logged no such line fails the test at once, with the log.
     */
    int loggedPort(Pattern line) throws IOException {
        final String current = log();
        final Matcher match = line.matcher(current);
        assertThat(match.find()).as("%s logged no line matching '%s':%n%s", name, line, current).isTrue();
        return Integer.parseInt(match.group(1));
    }

    /** Waits until the log matches {@code pattern}; fails with the log if the process dies or times out. */
    MatchResult awaitLog(Pattern pattern) throws Exception {
        return await(pattern, pattern.pattern());
    }

    private MatchResult await(Pattern pattern, String what) throws Exception {
        try {
            return Awaitility.await().atMost(START_TIMEOUT).pollInterval(POLL)
                    .until(() -> logged(pattern, what), Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            return fail("%s did not log '%s' within %s:%n%s", name, what, START_TIMEOUT, log());
        }
    }

    /** The first match in the log so far, or null; fails at once, with the log, when the process has exited. */
    private MatchResult logged(Pattern pattern, String what) throws IOException {
        final String current = log();
        final Matcher match = pattern.matcher(current);
        if (match.find()) {
            return match.toMatchResult();
        }
        if (!process.isAlive()) {
            fail("%s exited with %d before logging '%s':%n%s", name, process.exitValue(), what, current);
        }
        return null;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** SIGTERM and a bounded wait; returns the exit code. The server must stop by itself, in time. */
    int stop() throws Exception {
        process.destroy();
        final boolean exited = process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exited).as("%s did not stop within %s after SIGTERM:%n%s", name, STOP_TIMEOUT, log()).isTrue();
        return process.exitValue();
    }

    /** SIGKILL, as a crash or {@code kill -9}: nothing is stopped in order, no lease is revoked. */
    void kill() throws Exception {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        // A launcher script may have started children of its own (catalina.sh execs, but be sure).
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
