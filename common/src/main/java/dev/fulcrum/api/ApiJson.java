package dev.fulcrum.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.fulcrum.config.json.ConfigJson;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Request-body parsing and envelope writing, on the shared mapper of {@link ConfigJson} so numbers and strings are
 * read exactly as the model validator expects them.
 *
 * <p>Parsing is strict: duplicate keys and trailing content are malformed JSON (6007) rather than silently resolved,
 * because "last key wins" would let a client send a body whose meaning differs between parsers. Jackson's stream
 * constraints bound nesting depth and number length, so no body can exhaust the stack.
 */
final class ApiJson {

    private static final ObjectReader READER = ConfigJson.mapper().reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter WRITER = ConfigJson.mapper().writer();

    private ApiJson() {
    }

    /** Parses a JSON document; anything that is not exactly one well-formed JSON value is a 6007. */
    static JsonNode parse(byte[] body) {
        final JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.malformedJson();
        } catch (IOException e) {
            // Encoding errors surface as plain IOExceptions (e.g. CharConversionException).
            throw ApiError.malformedJson();
        }
        if (node == null || node.isMissingNode()) {
            throw ApiError.malformedJson();
        }
        return node;
    }

    static byte[] write(JsonNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
