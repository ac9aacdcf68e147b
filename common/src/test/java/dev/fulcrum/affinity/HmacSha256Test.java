package dev.fulcrum.affinity;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The allocation-free HMAC-SHA256 equals the platform's, for every key length and message size. */
class HmacSha256Test {

    @Test
    void matchesRfc4231TestCase2() {
        final byte[] out = new byte[32];
        new HmacSha256("Jefe".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .mac("what do ya want for nothing?".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 28, out);
        assertThat(HexFormat.of().formatHex(out))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void matchesJavaxCryptoMacAndCanBeReused() throws Exception {
        final SplittableRandom random = new SplittableRandom(3);
        for (int keyLength : new int[]{1, 32, 48, 64, 65, 131}) {
            final byte[] key = new byte[keyLength];
            for (int i = 0; i < keyLength; i++) {
                key[i] = (byte) random.nextInt();
            }
            final HmacSha256 mine = new HmacSha256(key);
            final Mac platform = Mac.getInstance("HmacSHA256");
            platform.init(new SecretKeySpec(key, "HmacSHA256"));
            for (int length : new int[]{0, 1, 32, 55, 56, 64, 100, 1000}) {
                final byte[] message = new byte[length + 3];
                for (int i = 0; i < message.length; i++) {
                    message[i] = (byte) random.nextInt();
                }
                final byte[] out = new byte[32];
                mine.mac(message, 3, length, out);
                platform.update(message, 3, length);
                assertThat(out).as("key %d, message %d", keyLength, length).isEqualTo(platform.doFinal());
            }
        }
    }
}
