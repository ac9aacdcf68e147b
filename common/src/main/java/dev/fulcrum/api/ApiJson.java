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
import java.util.Iterator;
import java.util.Map;

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
        final String broken = loneSurrogate(node, "");
        if (broken != null) {
            throw ApiError.validation(broken + " with a lone UTF-16 surrogate (expected: Unicode text, where a "
                    + "\\ud800-\\udfff escape only comes as half of a pair)");
        }
        return node;
    }

    /**
     * Where the first string value holding a lone UTF-16 surrogate is, named as the validators name fields
     * ({@code origins[0].name: a string}), or null when there is none. A JSON escape can spell half of a surrogate
     * pair, which Jackson reads as is; such text has no UTF-8 form, so it would be stored, echoed and logged as
     * something other than what was sent. Checked once per body, for every field, so no reader can miss it.
     */
    private static String loneSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            return hasLoneSurrogate(node.textValue()) ? (path.isEmpty() ? "body" : path) + ": a string" : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                final String found = loneSurrogate(node.get(i), path + '[' + i + ']');
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                // Keys need no check: Jackson refuses a lone surrogate in a key as malformed JSON (6007).
                final String fieldPath = path.isEmpty() ? field.getKey() : path + '.' + field.getKey();
                final String found = loneSurrogate(field.getValue(), fieldPath);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    static byte[] write(JsonNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
