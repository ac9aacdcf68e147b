package dev.fulcrum.routing;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request headers a proxied request carries toward the origin (spec §8.1), computed once per client request
 * and shared by its failover attempt. Pure functions; the router calls them, wrappers only apply the result.
 *
 * <p>[G] choices: {@code CDN-Loop} gets our marker {@code fulcrum} appended (not {@code cloudflare}: we are not
 * Cloudflare, and a real Cloudflare in front must not look like a loop); a request that already carries our marker
 * is refused by the router. {@code CF-Visitor} reports the client's scheme.
 *
 * <p>[G] {@code X-Forwarded-For} behind another proxy: the router's client ({@code CF-Connecting-IP}) may have been
 * derived from the chain a trusted proxy sent ({@code routing.TrustedProxies}, Tomcat's {@code RemoteIpValve},
 * Jetty's {@code http-forwarded}). The origin then gets the chain as it reached us followed by the connecting peer,
 * as §8.1 says, with the client in it exactly once: a container that took the client out of the chain (Tomcat's
 * valve does) gets it put back before the peer, and one that left it in place gets nothing added twice.
 */
public final class ForwardHeaders {

    public static final String X_FORWARDED_FOR = "X-Forwarded-For";
    public static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    public static final String CF_CONNECTING_IP = "CF-Connecting-IP";
    public static final String CF_RAY = "CF-Ray";
    public static final String CF_VISITOR = "CF-Visitor";
    public static final String CDN_LOOP = "CDN-Loop";
    public static final String X_REAL_IP = "X-Real-IP";

    /** Our token in {@code CDN-Loop} (RFC 8586 cdn-id). */
    public static final String CDN_LOOP_MARKER = "fulcrum";

    /** Client headers removed before forwarding, beyond hop-by-hop ones. */
    public static final List<String> REMOVE = List.of(X_REAL_IP);

    /** The names of {@link #requestHeaders}, in its order. */
    public static final List<String> REQUEST_HEADER_NAMES = List.of(X_FORWARDED_FOR, X_FORWARDED_PROTO,
            CF_CONNECTING_IP, CF_RAY, CF_VISITOR, CDN_LOOP);

    /**
     * The values of a {@link #requestHeaders} list by position, read without the entry object its {@code get}
     * makes: the upstream side turns them into its own header fields.
     */
    public interface RequestHeaderValues {

        /** The value of {@code REQUEST_HEADER_NAMES.get(index)}. */
        String value(int index);
    }

    private static final String VISITOR_HTTP = "{\"scheme\":\"http\"}";
    private static final String VISITOR_HTTPS = "{\"scheme\":\"https\"}";
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ForwardHeaders() {
    }

    /**
     * The headers to set toward the origin, in a fixed order: X-Forwarded-For, X-Forwarded-Proto, CF-Connecting-IP,
     * CF-Ray, CF-Visitor, CDN-Loop.
     *
     * @param clientAddress    the client's IP ({@code CF-Connecting-IP}): the peer's, or one derived behind a proxy
     * @param peerAddress      the connecting peer's IP, or null when the wrapper cannot tell
     * @param clientScheme     {@code http} or {@code https} as used by the client
     * @param sentForwardedFor the request's X-Forwarded-For values, in order (empty when absent)
     * @param sentCdnLoop      the client's CDN-Loop value, or null
     * @param rayId            this request's CF-Ray value, see {@link #newRayId}
     */
    public static List<Map.Entry<String, String>> requestHeaders(String clientAddress, String peerAddress,
                                                                 String clientScheme, List<String> sentForwardedFor,
                                                                 String sentCdnLoop, String rayId) {
        return new RequestHeaders(forwardedFor(sentForwardedFor, clientAddress, peerAddress), clientScheme,
                clientAddress, rayId, visitor(clientScheme), cdnLoop(sentCdnLoop));
    }

    /** The headers returned to the client with a decision: {@code CF-Ray}. */
    public static List<Map.Entry<String, String>> responseHeaders(String rayId) {
        return new RayHeader(rayId);
    }

    /**
     * {@code X-Forwarded-For} toward the origin: the chain the request carried (several fields joined in order, as
     * one list), then the client when the chain does not list it and it is not the peer, then the peer. Without a
     * proxy in front (client = peer) that is §8.1's "the sent list with the peer appended, or just the peer".
     *
     * @param sent          the request's X-Forwarded-For values (empty when absent)
     * @param clientAddress the router's client
     * @param peerAddress   the connecting peer, or null when unknown (then the chain ends with the client)
     */
    public static String forwardedFor(List<String> sent, String clientAddress, String peerAddress) {
        String chain = sent.size() == 1 ? blankToNull(sent.get(0)) : joined(sent);
        if (clientAddress != null && !clientAddress.equals(peerAddress) && !lists(chain, clientAddress)) {
            chain = append(chain, clientAddress);
        }
        return peerAddress == null ? chain : append(chain, peerAddress);
    }

    /**
     * The address of one X-Forwarded-For entry, without the port and brackets some proxies add
     * ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}); otherwise the stripped entry as written.
     */
    public static String entryAddress(String entry) {
        final String e = entry.strip();
        if (e.startsWith("[")) {
            final int close = e.indexOf(']');
            return close < 0 ? e : e.substring(1, close);
        }
        final int colon = e.indexOf(':');
        return colon >= 0 && e.indexOf(':', colon + 1) < 0 ? e.substring(0, colon) : e;
    }

    /** Whether an entry of {@code chain} (may be null) names {@code address}. */
    private static boolean lists(String chain, String address) {
        if (chain == null) {
            return false;
        }
        int from = 0;
        while (from <= chain.length()) {
            int comma = chain.indexOf(',', from);
            if (comma < 0) {
                comma = chain.length();
            }
            if (entryAddress(chain.substring(from, comma)).equalsIgnoreCase(address)) {
                return true;
            }
            from = comma + 1;
        }
        return false;
    }

    private static String joined(List<String> values) {
        String chain = null;
        for (String value : values) {
            final String v = blankToNull(value);
            if (v != null) {
                chain = append(chain, v);
            }
        }
        return chain;
    }

    private static String append(String list, String value) {
        return list == null ? value : list + ", " + value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** {@code CF-Visitor} for the client's scheme. */
    public static String visitor(String clientScheme) {
        return "https".equalsIgnoreCase(clientScheme) ? VISITOR_HTTPS : VISITOR_HTTP;
    }

    /** {@code CDN-Loop}: the client-sent value with our marker appended, or just the marker. */
    public static String cdnLoop(String sent) {
        return sent == null || sent.isBlank() ? CDN_LOOP_MARKER : sent + ", " + CDN_LOOP_MARKER;
    }

    /**
     * True when a {@code CDN-Loop} value already lists our marker as a cdn-id (RFC 8586: comma-separated entries,
     * each a token optionally followed by {@code ;} parameters; compared case-insensitively). No allocation.
     */
    public static boolean isLoop(String cdnLoop) {
        if (cdnLoop == null) {
            return false;
        }
        final int n = cdnLoop.length();
        int i = 0;
        while (i < n) {
            while (i < n && (cdnLoop.charAt(i) == ' ' || cdnLoop.charAt(i) == '\t' || cdnLoop.charAt(i) == ',')) {
                i++;
            }
            final int start = i;
            while (i < n && cdnLoop.charAt(i) != ',' && cdnLoop.charAt(i) != ';'
                    && cdnLoop.charAt(i) != ' ' && cdnLoop.charAt(i) != '\t') {
                i++;
            }
            if (i - start == CDN_LOOP_MARKER.length()
                    && cdnLoop.regionMatches(true, start, CDN_LOOP_MARKER, 0, CDN_LOOP_MARKER.length())) {
                return true;
            }
            while (i < n && cdnLoop.charAt(i) != ',') { // skip parameters and whitespace to the next entry
                i++;
            }
        }
        return false;
    }

    /** A fresh ray id: 16 random lower-case hex digits, {@code -}, the colo (e.g. {@code 8f3a...-FUL}). */
    public static String newRayId(String colo) {
        final int coloLength = colo.length();
        final byte[] ray = new byte[17 + coloLength];
        long bits = ThreadLocalRandom.current().nextLong();
        for (int i = 15; i >= 0; i--) {
            ray[i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
        ray[16] = '-';
        for (int i = 0; i < coloLength; i++) {
            ray[17 + i] = (byte) colo.charAt(i);
        }
        return new String(ray, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * The six request headers as one immutable list of six fields. Entries are made on access: the routing
     * decision is the hot path and most wrappers read each entry once, so this saves six entry objects and the
     * backing array per request (about 200 bytes).
     */
    private static final class RequestHeaders extends AbstractList<Map.Entry<String, String>>
            implements RandomAccess, RequestHeaderValues {

        private final String forwardedFor;
        private final String proto;
        private final String connectingIp;
        private final String ray;
        private final String visitor;
        private final String cdnLoop;

        RequestHeaders(String forwardedFor, String proto, String connectingIp, String ray, String visitor,
                       String cdnLoop) {
            this.forwardedFor = forwardedFor;
            this.proto = proto;
            this.connectingIp = connectingIp;
            this.ray = ray;
            this.visitor = visitor;
            this.cdnLoop = cdnLoop;
        }

        @Override
        public Map.Entry<String, String> get(int index) {
            return new AbstractMap.SimpleImmutableEntry<>(REQUEST_HEADER_NAMES.get(index), value(index));
        }

        @Override
        public String value(int index) {
            return switch (index) {
                case 0 -> forwardedFor;
                case 1 -> proto;
                case 2 -> connectingIp;
                case 3 -> ray;
                case 4 -> visitor;
                case 5 -> cdnLoop;
                default -> throw new IndexOutOfBoundsException("index " + index + " of 6");
            };
        }

        @Override
        public int size() {
            return REQUEST_HEADER_NAMES.size();
        }
    }

    /** A one-entry immutable list holding {@code CF-Ray}, without an entry object until it is read. */
    private static final class RayHeader extends AbstractList<Map.Entry<String, String>> implements RandomAccess {

        private final String ray;

        RayHeader(String ray) {
            this.ray = ray;
        }

        @Override
        public Map.Entry<String, String> get(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException("index " + index + " of 1");
            }
            return new AbstractMap.SimpleImmutableEntry<>(CF_RAY, ray);
        }

        @Override
        public int size() {
            return 1;
        }
    }
}
