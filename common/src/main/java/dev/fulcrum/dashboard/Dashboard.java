package dev.fulcrum.dashboard;

import dev.fulcrum.api.HttpAnswer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The live dashboard's page, served at {@value #PATH} on the API listener by every host through
 * {@code servlet.DashboardServlet} (the WAR under its context). It is static: a page, a script, a style sheet and an icon, all inside this jar, which call the REST API
 * with the token the operator enters. Nothing of the configuration is in what is served here, so it needs no
 * credentials itself; without a valid token the page shows nothing but its sign-in form.
 *
 * <p>Every answer carries a Content-Security-Policy that allows only this origin's own scripts, styles, images and
 * API calls, no inline script or style, no framing, no plugins, and no form posting anywhere: the page is
 * self-contained (no CDN, no external font).
 *
 * <p>{@code /dashboard} redirects to {@code /dashboard/} (relatively, so it works under a WAR's context path too),
 * whose page loads its assets by relative URLs.
 *
 * <p>Thread safety: immutable; the assets are read once, when it is built.
 */
public final class Dashboard {

    /** Where the dashboard is served on the API listener (under the context path in the WAR). */
    public static final String PATH = "/dashboard";

    /** The policy sent with every answer. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private static final String RESOURCES = "/dev/fulcrum/dashboard/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            // Revalidated on every load: a new Fulcrum version is seen at once, and the files are small.
            "Cache-Control", "no-cache");

    private final Map<String, byte[]> assets = new HashMap<>();

    /** @throws IllegalStateException when an asset is missing from the build */
    public Dashboard() {
        for (String name : TYPES.keySet()) {
            assets.put(name, read(name));
        }
    }

    /**
     * Answers one request.
     *
     * @param method  the HTTP method
     * @param subPath what follows {@value #PATH} in the path: empty, {@code /}, or {@code /<asset>}
     */
    public HttpAnswer handle(String method, String subPath) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return text(405, "Method Not Allowed", Map.of("Allow", "GET, HEAD"));
        }
        if (subPath == null || subPath.isEmpty()) {
            return text(302, "Found", Map.of("Location", "dashboard/"));
        }
        final String name = subPath.equals("/") ? "index.html" : subPath.substring(1);
        final byte[] body = assets.get(name);
        if (body == null) {
            return text(404, "Not Found", Map.of());
        }
        return new HttpAnswer(200, TYPES.get(name), SECURITY_HEADERS, body);
    }

    private static HttpAnswer text(int status, String text, Map<String, String> extra) {
        final Map<String, String> headers = new HashMap<>(SECURITY_HEADERS);
        headers.putAll(extra);
        headers.put("Cache-Control", "no-store");
        return new HttpAnswer(status, "text/plain; charset=utf-8", headers,
                (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset " + RESOURCES + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard asset " + name, e);
        }
    }
}
