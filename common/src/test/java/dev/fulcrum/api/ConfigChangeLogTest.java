package dev.fulcrum.api;

import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.Version;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator reads in the log (through SLF4J's java.util.logging backend, as the standalone, the valve and
 * the WAR log): the start line, one line per committed change naming the credential, the object and the fields
 * changed (never the token), and the stop.
 */
class ConfigChangeLogTest {

    @TempDir
    Path dir;

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger fulcrumLogger = Logger.getLogger("dev.fulcrum");
    private ApiServer api;

    @BeforeEach
    void capture() throws Exception {
        fulcrumLogger.addHandler(capture);
        fulcrumLogger.setLevel(Level.INFO);
        api = ApiServer.start(dir);
    }

    @AfterEach
    void release() {
        if (api != null) {
            api.close();
        }
        fulcrumLogger.removeHandler(capture);
    }

    private List<String> lines(String logger) {
        return records.stream().filter(r -> r.getLoggerName().equals(logger)).map(LogRecord::getMessage).toList();
    }

    @Test
    void eachCommittedChangeIsOneLineWithCredentialObjectAndFields() {
        final String account = api.accountId();
        final String pools = "/accounts/" + account + "/load_balancers/pools";
        final String pool = api.post(pools, "{\"name\":\"eu\",\"origins\":[{\"name\":\"eu-1\",\"address\":\"10.0.0.1\"},"
                + "{\"name\":\"eu-2\",\"address\":\"10.0.0.2\"}]}").result().get("id").asText();
        api.patch(pools + "/" + pool, "{\"origins\":[{\"name\":\"eu-1\",\"address\":\"10.0.0.1\",\"enabled\":false},"
                + "{\"name\":\"eu-2\",\"address\":\"10.0.0.2\",\"weight\":0.5}],\"minimum_origins\":1}");
        assertThat(api.patch(pools + "/" + pool, "{\"minimum_origins\":-1}").status()).isEqualTo(400);
        api.delete(pools + "/" + pool);

        final String token = tokenId();
        final List<String> changes = lines(ConfigChangeLog.class.getName());
        assertThat(changes).containsExactly(
                "config change by token " + token + ": pool " + pool + " \"eu\" created (revision 2)",
                "config change by token " + token + ": pool " + pool + " \"eu\" updated: origins[0].enabled, "
                        + "origins[1].weight (revision 3)",
                "config change by token " + token + ": pool " + pool + " \"eu\" deleted (revision 4)");
        assertThat(String.join("\n", changes)).doesNotContain(ApiServer.TOKEN);
    }

    @Test
    void theEmailOfAGlobalKeyCallIsTheCredential() {
        final String account = api.accountId();
        final ApiServer.Reply reply = api.raw("POST", "/zones", java.util.Map.of("X-Auth-Email", "ops@example.com",
                "X-Auth-Key", ApiServer.TOKEN, "Content-Type", "application/json"), ("{\"name\":\"example.com\","
                + "\"account\":{\"id\":\"" + account + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(reply.status()).isEqualTo(200);

        assertThat(lines(ConfigChangeLog.class.getName())).singleElement().asString()
                .startsWith("config change by X-Auth-Email ops@example.com (key: token " + tokenId() + "): zone ")
                .contains("\"example.com\" created").doesNotContain(ApiServer.TOKEN);
    }

    @Test
    void theStartAndTheStopAreLogged() {
        final String line = api.fulcrum().announce("api http://127.0.0.1:1/client/v4");

        assertThat(line).startsWith("Fulcrum " + Version.current() + " started: node Fulcrum, store "
                + dir.toAbsolutePath() + " (revision 1), api http://127.0.0.1:1/client/v4");
        assertThat(lines(Fulcrum.class.getName())).containsExactly(line);
        api.close();
        assertThat(lines(Fulcrum.class.getName())).last().asString()
                .isEqualTo("Fulcrum stopped: store " + dir.toAbsolutePath() + " closed at revision 1");
        api = null;
    }

    private String tokenId() {
        return api.get("/user/tokens/verify").result().get("id").asText();
    }
}
