package dev.fulcrum.runtime;

import dev.fulcrum.api.ApiRequest;
import dev.fulcrum.api.ApiResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin token's lifecycle across starts: generated once, stored hashed, replaced when given explicitly. */
class ApiTokenTest {

    @TempDir
    Path dir;

    private int status(Fulcrum fulcrum, String token) {
        final ApiResponse response = fulcrum.api().handle(new ApiRequest("GET", "/client/v4/user/tokens/verify",
                Map.of(), token == null ? Map.of() : Map.of("Authorization", List.of("Bearer " + token)), null));
        return response.status();
    }

    @Test
    void firstStartGeneratesATokenAndStoresOnlyItsHash() throws Exception {
        final FulcrumSettings settings = FulcrumSettings.builder().dataDir(dir).build();
        final String token;
        try (Fulcrum first = new Fulcrum(settings).start()) {
            token = first.generatedApiToken();
            assertThat(token).hasSize(40).matches("[A-Za-z0-9_-]{40}");
            assertThat(status(first, token)).isEqualTo(200);
            assertThat(status(first, null)).isEqualTo(403);
            final String stored = Files.readString(first.apiTokenFile(), StandardCharsets.UTF_8);
            assertThat(stored).doesNotContain(token);
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.apiTokenFile())))
                        .isEqualTo("rw-------");
            }
        }
        try (Fulcrum second = new Fulcrum(settings).start()) {
            assertThat(second.generatedApiToken()).isNull();
            assertThat(status(second, token)).isEqualTo(200);
        }
    }

    @Test
    void explicitTokenReplacesTheStoredOne() throws Exception {
        final String generated;
        try (Fulcrum first = new Fulcrum(FulcrumSettings.builder().dataDir(dir).build()).start()) {
            generated = first.generatedApiToken();
        }
        final String explicit = "explicit-token-0123456789";
        try (Fulcrum second = new Fulcrum(FulcrumSettings.builder().dataDir(dir).apiToken(explicit).build()).start()) {
            assertThat(second.generatedApiToken()).isNull();
            assertThat(status(second, explicit)).isEqualTo(200);
            assertThat(status(second, generated)).isEqualTo(403);
        }
        // Without a token the replaced one stays in force.
        try (Fulcrum third = new Fulcrum(FulcrumSettings.builder().dataDir(dir).build()).start()) {
            assertThat(status(third, explicit)).isEqualTo(200);
        }
    }

    @Test
    void corruptTokenFileIsReportedByName() throws Exception {
        try (Fulcrum first = new Fulcrum(FulcrumSettings.builder().dataDir(dir).build()).start()) {
            Files.writeString(first.apiTokenFile(), "garbage");
        }
        final Fulcrum fulcrum = new Fulcrum(FulcrumSettings.builder().dataDir(dir).build());
        assertThatThrownBy(fulcrum::start).isInstanceOf(FulcrumStartException.class)
                .hasMessageContaining("api-token.json").hasMessageContaining("--api-token");
        assertThat(fulcrum.isRunning()).isFalse();
    }
}
