package dev.fulcrum.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** {@code GET /user/tokens/verify}: reached only with a valid token, so it always reports the token active. */
final class TokenResource {

    private final BearerAuth auth;

    TokenResource(BearerAuth auth) {
        this.auth = auth;
    }

    void register(Routes routes) {
        routes.add("GET", "user/tokens/verify", this::verify);
    }

    private ObjectNode verify(Call call) {
        final ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("id", auth.tokenId());
        result.put("status", "active");
        return Envelope.success(result, null,
                List.of(new ApiError.Item(10000, "This API Token is valid and active")));
    }
}
