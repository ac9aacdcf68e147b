package dev.fulcrum.affinity;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code __cflb} token: round trip, every way to break it, attributes and dates (spec §5.1). */
class AffinityCookieCodecTest {

    private static final long NOW = Instant.parse("2026-03-18T02:46:17Z").getEpochSecond();
    private static final long TTL = 82_800;
    private static final long LB = 0x1234_5678_9abc_def0L;
    private static final long POOL = -42L;
    private static final long ORIGIN = 0x7fff_ffff_ffff_ffffL;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final AffinityCookieCodec codec = new AffinityCookieCodec(AffinityKey.random());

    private AffinityCookieCodec.Pin decode(String token) {
        return codec.decode(token, 0, token.length(), LB, NOW, TTL);
    }

    @Test
    void aTokenRoundTripsAndIsSixtyFourUrlSafeCharacters() {
        final String token = codec.encode(LB, POOL, ORIGIN, NOW + TTL);
        assertThat(token).hasSize(64).matches("[A-Za-z0-9_-]+");
        final AffinityCookieCodec.Pin pin = decode(token);
        assertThat(pin).isNotNull();
        assertThat(pin.poolHash()).isEqualTo(POOL);
        assertThat(pin.originHash()).isEqualTo(ORIGIN);
        assertThat(pin.expiresEpochSecond()).isEqualTo(NOW + TTL);
        // Two tokens for the same pin made in the same second are still two sessions.
        final String twin = codec.encode(LB, POOL, ORIGIN, NOW + TTL);
        assertThat(twin).isNotEqualTo(token);
        assertThat(decode(twin).sessionHash()).isNotEqualTo(pin.sessionHash());
    }

    @Test
    void changingAnyCharacterInvalidatesTheToken() {
        final String token = codec.encode(LB, POOL, ORIGIN, NOW + TTL);
        for (int i = 0; i < token.length(); i++) {
            final char original = token.charAt(i);
            for (int k = 1; k < ALPHABET.length(); k += 7) {
                final char other = ALPHABET.charAt((ALPHABET.indexOf(original) + k) % ALPHABET.length());
                final String forged = token.substring(0, i) + other + token.substring(i + 1);
                assertThat(decode(forged)).as("char %d changed to %s", i, other).isNull();
            }
        }
    }

    @Test
    void malformedTokensAreIgnored() {
        final String token = codec.encode(LB, POOL, ORIGIN, NOW + TTL);
        assertThat(decode("")).isNull();
        assertThat(decode(token.substring(1))).isNull();
        assertThat(decode(token + "A")).isNull();
        assertThat(decode(token.replace(token.charAt(10), '+'))).isNull();
        assertThat(decode(token.substring(0, 63) + "=")).isNull();
        assertThat(decode(token.substring(0, 30) + "é" + token.substring(31))).isNull();
        assertThat(decode("x".repeat(64))).isNull();
    }

    @Test
    void anotherLoadBalancersOrAnotherKeysTokenIsIgnored() {
        assertThat(decode(codec.encode(LB + 1, POOL, ORIGIN, NOW + TTL))).isNull();
        final AffinityCookieCodec otherKey = new AffinityCookieCodec(AffinityKey.random());
        assertThat(decode(otherKey.encode(LB, POOL, ORIGIN, NOW + TTL))).isNull();
    }

    @Test
    void nodesSharingTheKeyReadEachOthersTokens() {
        final AffinityKey shared = AffinityKey.fromBase64("q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=");
        final String token = new AffinityCookieCodec(shared).encode(LB, POOL, ORIGIN, NOW + 60);
        assertThat(new AffinityCookieCodec(AffinityKey.fromBase64("q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k"))
                .decode(token, 0, 64, LB, NOW, TTL)).isNotNull();
    }

    @Test
    void expiredTokensAndTokensBeyondTheTtlAreIgnored() {
        assertThat(decode(codec.encode(LB, POOL, ORIGIN, NOW))).as("expires now").isNull();
        assertThat(decode(codec.encode(LB, POOL, ORIGIN, NOW - 3600))).isNull();
        assertThat(decode(codec.encode(LB, POOL, ORIGIN, NOW + 1))).isNotNull();
        // Issued under a longer TTL than the load balancer has now: refused beyond the allowed clock skew.
        assertThat(decode(codec.encode(LB, POOL, ORIGIN, NOW + TTL + AffinityCookieCodec.CLOCK_SKEW_SECONDS)))
                .isNotNull();
        assertThat(decode(codec.encode(LB, POOL, ORIGIN, NOW + TTL + AffinityCookieCodec.CLOCK_SKEW_SECONDS + 1)))
                .isNull();
        assertThatThrownBy(() -> codec.encode(LB, POOL, ORIGIN, 1L << 32))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsTheFirstValidCflbAmongOtherCookies() {
        final String mine = codec.encode(LB, POOL, ORIGIN, NOW + TTL);
        final String foreign = new AffinityCookieCodec(AffinityKey.random()).encode(LB, 1, 2, NOW + TTL);
        final AffinityCookieCodec.Pin pin = codec.find("a=b; __cflb=" + foreign + ";__cflb=\"" + mine + "\"; c=d",
                LB, NOW, TTL);
        assertThat(pin).isNotNull();
        assertThat(pin.originHash()).isEqualTo(ORIGIN);
        assertThat(codec.find("x__cflb=" + mine + "; __cflbx=" + mine, LB, NOW, TTL)).isNull();
        assertThat(codec.find(null, LB, NOW, TTL)).isNull();
        assertThat(codec.find("", LB, NOW, TTL)).isNull();
        assertThat(codec.find("__cflb", LB, NOW, TTL)).isNull();
        assertThat(codec.find("  __cflb = " + mine + " ", LB, NOW, TTL)).isNotNull();
    }

    @Test
    void setCookieHasTheSpecAttributesAndNoDomain() {
        assertThat(AffinityCookieCodec.setCookie("TOKEN", NOW, "Lax", false))
                .isEqualTo("__cflb=TOKEN; Path=/; Expires=Wed, 18 Mar 2026 02:46:17 GMT; HttpOnly; SameSite=Lax");
        assertThat(AffinityCookieCodec.setCookie("TOKEN", NOW, "None", true))
                .isEqualTo("__cflb=TOKEN; Path=/; Expires=Wed, 18 Mar 2026 02:46:17 GMT; HttpOnly; SameSite=None; "
                        + "Secure");
    }

    @Test
    void expiresDatesMatchRfc1123WithTwoDigitDays() {
        final DateTimeFormatter rfc1123 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            final long second = random.nextLong(0, 253_402_300_799L); // 1970 .. 9999-12-31T23:59:59
            final StringBuilder out = new StringBuilder();
            HttpDates.append(out, second);
            assertThat(out.toString()).isEqualTo(rfc1123.format(Instant.ofEpochSecond(second)));
        }
        final StringBuilder epoch = new StringBuilder();
        HttpDates.append(epoch, 0);
        assertThat(epoch).hasToString("Thu, 01 Jan 1970 00:00:00 GMT");
        final StringBuilder leap = new StringBuilder();
        HttpDates.append(leap, Instant.parse("2024-02-29T23:59:59Z").getEpochSecond());
        assertThat(leap).hasToString("Thu, 29 Feb 2024 23:59:59 GMT");
    }
}
