package dev.fulcrum.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One open watch on one member: {@link #next()} blocks for its next message. The gateway sends the messages of the
 * gRPC stream as successive JSON values ({@code {"result":{…}}}, newline-separated in 3.4 and 3.5); they are read
 * as a sequence of values, whatever separates them.
 *
 * <p>Thread safety: one reader thread; {@link #close()} may be called from any thread and makes {@link #next()}
 * fail.
 */
public final class WatchStream implements AutoCloseable {

    private final Gateway.Stream stream;
    private final MappingIterator<JsonNode> values;

    WatchStream(Gateway.Stream stream, ObjectMapper mapper) {
        this.stream = stream;
        try {
            this.values = mapper.readerFor(JsonNode.class).readValues(stream.body);
        } catch (IOException e) {
            stream.close();
            throw EtcdException.unreachable(stream.endpoint + ": cannot read the watch: " + e.getMessage(), e);
        }
    }

    /** The member this watch runs on. */
    public URI endpoint() {
        return stream.endpoint;
    }

    /**
     * The next message.
     *
     * @throws EtcdException (unreachable) when the stream ends or breaks, or etcd sends an error instead of a
     *                       message
     */
    public WatchResponse next() {
        final JsonNode frame;
        try {
            if (!values.hasNextValue()) {
                throw EtcdException.unreachable(stream.endpoint + " ended the watch", null);
            }
            frame = values.nextValue();
        } catch (IOException | RuntimeException e) {
            if (e instanceof EtcdException etcd) {
                throw etcd;
            }
            throw EtcdException.unreachable(stream.endpoint + ": the watch broke: " + Gateway.describe(e), e);
        }
        final JsonNode result = frame.get("result");
        if (result == null) {
            final JsonNode error = frame.path("error");
            final String message = error.isObject() ? error.path("message").asText(error.toString())
                    : frame.path("message").asText(frame.toString());
            if (message.contains("auth token")) {
                stream.tokenRefused();
            }
            throw EtcdException.unreachable(stream.endpoint + ": the watch failed: " + message, null);
        }
        final String reason = result.path("cancel_reason").asText("");
        if (reason.contains("auth token") || reason.contains("Unauthenticated")) {
            stream.tokenRefused();
        }
        final List<WatchEvent> events = new ArrayList<>();
        for (JsonNode event : result.path("events")) {
            events.add(new WatchEvent("DELETE".equals(event.path("type").asText("PUT")) ? WatchEvent.Type.DELETE
                    : WatchEvent.Type.PUT, EtcdClient.keyValue(event.path("kv"))));
        }
        return new WatchResponse(EtcdClient.revision(result), result.path("created").asBoolean(false),
                result.path("canceled").asBoolean(false), reason, result.path("compact_revision").asLong(0),
                events);
    }

    @Override
    public void close() {
        stream.close();
    }
}
