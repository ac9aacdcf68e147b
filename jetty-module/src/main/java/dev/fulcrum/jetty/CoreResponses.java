package dev.fulcrum.jetty;

import dev.fulcrum.upstream.ClientResponseHeaders;
import dev.fulcrum.upstream.DirectAnswer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.ListIterator;

/**
 * Common's answers ({@link DirectAnswer}) and header rules ({@link ClientResponseHeaders}) on a Jetty core response,
 * for {@link FulcrumProxyHandler} and its {@link CoreClient}. Thread safety: stateless.
 */
final class CoreResponses {

    private CoreResponses() {
    }

    /** Writes a whole answer as the response, over anything set before; completes {@code callback} when written. */
    static void write(Response response, Callback callback, DirectAnswer answer) {
        response.reset();
        response.setStatus(answer.status());
        final HttpFields.Mutable headers = response.getHeaders();
        if (answer.decision() != null) {
            ClientResponseHeaders.addDecisionHeaders(answer.decision(), new Headers(headers));
        }
        if (answer.contentType() != null) {
            headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
        }
        for (HttpField field : answer.headers()) {
            headers.put(field);
        }
        headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    /**
     * A core response's headers as the target of common's rules. The origin's fields are passed on as they are (no
     * copy, no re-parse of the name), appended: only the fields Jetty put there before them (Date, Server) can share
     * a name with them, so the first origin value of such a name takes the place of Jetty's and no other field is
     * searched.
     */
    static final class Headers implements ClientResponseHeaders.Target {

        private final HttpFields.Mutable headers;
        /**
         * How many of the first fields are Jetty's defaults. One replaced by an origin value stays in this range, but
         * only the first value of a name looks here, so no later origin field can match it.
         */
        private final int defaults;

        Headers(HttpFields.Mutable headers) {
            this.headers = headers;
            this.defaults = headers.size();
        }

        @Override
        public void origin(HttpField field, boolean first) {
            final HttpField passed = field.getHeader() == HttpHeader.CONTENT_LENGTH ? parsedLength(field) : field;
            if (!(first && defaults > 0 && replacedDefault(passed))) {
                headers.add(passed);
            }
        }

        /**
         * Puts the field in the place of Jetty's default of the same name, if there is one. Replaced in place, not
         * removed: Jetty's Date and Server are persistent fields, which its iterator does not remove.
         */
        private boolean replacedDefault(HttpField field) {
            final ListIterator<HttpField> fields = headers.listIterator();
            for (int i = 0; i < defaults; i++) {
                if (fields.next().isSameName(field)) {
                    fields.set(field);
                    return true;
                }
            }
            return false;
        }

        @Override
        public void set(String name, String value) {
            headers.put(name, value);
        }

        @Override
        public void add(String name, String value) {
            headers.add(name, value);
        }
    }

    /**
     * Content-Length with its number parsed once: Jetty reads it back on every write to the client (to check the
     * length), which parsed the text each time, about 1.5 % of the proxy's CPU in the side-by-side benchmark.
     */
    private static HttpField parsedLength(HttpField field) {
        if (field instanceof HttpField.LongValueHttpField) {
            return field;
        }
        try {
            return new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, field.getName(), field.getValue());
        } catch (NumberFormatException e) {
            return field; // the client parser accepted it; let Jetty judge it as it would have
        }
    }
}
