package dev.fulcrum.api;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks Cloudflare's older credential pair, {@code X-Auth-Email} plus {@code X-Auth-Key} (spec §7.3, §7.4).
 *
 * <p>[G] Fulcrum has no users and no global API key: the pair is accepted when the email is well-formed and the key
 * is the admin API token, so scripts written for global-key auth work once their key is set to Fulcrum's token. The
 * email is checked for format only, as Cloudflare does before it looks the user up. A well-formed key is one that
 * could be a Fulcrum token ({@link BearerAuth#isUsable}: 16–512 RFC 6750 characters); Cloudflare's own 37-hex-char
 * keys fit, and are then refused as wrong credentials rather than as malformed headers.
 *
 * <p>Thread safety: immutable.
 */
final class GlobalKeyAuth {

    private static final String EMAIL_HEADER = "X-Auth-Email";
    private static final String KEY_HEADER = "X-Auth-Key";

    /** RFC 5321's limits: 64 characters before the {@code @}, 254 in all. */
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_EMAIL = 254;
    /** A dot-atom local part (RFC 5322) at a DNS host name; quoted local parts and address literals are refused. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final BearerAuth token;

    GlobalKeyAuth(BearerAuth token) {
        this.token = token;
    }

    /** True when the request carries either header of the pair; {@link #check} then decides. */
    static boolean isPresent(ApiRequest request) {
        return !request.headers(EMAIL_HEADER).isEmpty() || !request.headers(KEY_HEADER).isEmpty();
    }

    /**
     * Accepts the request or throws: 400/6003 naming each header sent in a wrong format (chain 6102, 6103; a header
     * sent twice is malformed), else 403/10000 when either header is missing or the key is not the admin token.
     */
    void check(ApiRequest request) {
        final List<String> emails = request.headers(EMAIL_HEADER);
        final List<String> keys = request.headers(KEY_HEADER);
        final String email = single(emails);
        final String key = single(keys);
        final boolean badEmail = !emails.isEmpty() && !isWellFormedEmail(email);
        final boolean badKey = !keys.isEmpty() && !BearerAuth.isUsable(key);
        if (badEmail || badKey) {
            throw ApiError.malformedAuthKeyHeaders(badEmail, badKey);
        }
        if (email == null || key == null || !token.matches(key)) {
            throw ApiError.authentication();
        }
    }

    private static boolean isWellFormedEmail(String email) {
        if (email == null || email.length() > MAX_EMAIL) {
            return false;
        }
        final int at = email.indexOf('@');
        return at > 0 && at <= MAX_LOCAL_PART && EMAIL.matcher(email).matches();
    }

    /** The one value sent, stripped of blanks as {@code Authorization} is; null when absent or repeated. */
    private static String single(List<String> values) {
        return values.size() == 1 ? values.get(0).strip() : null;
    }
}
