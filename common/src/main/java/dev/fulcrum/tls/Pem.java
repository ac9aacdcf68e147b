package dev.fulcrum.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The PEM text of a certificate chain and its private key, as web servers and ACME clients write them: {@code
 * CERTIFICATE} blocks (leaf first), and the key as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY})
 * or SEC 1 ({@code EC PRIVATE KEY}). The last two are wrapped into PKCS#8, the only form the JDK reads.
 *
 * <p>Encrypted keys are refused with the reason: a passphrase would have to sit next to the file anyway, and a
 * PKCS#12 file with a password covers that case. Public for the origin CA file ({@code upstream.OriginCa}) and the
 * etcd client's CA, certificate and key files ({@code etcd.Gateway}), which read them the same way.
 */
public final class Pem {

    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
            0x01};
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    /** One {@code -----BEGIN LABEL-----} block: its label, whether it has legacy encryption headers, its DER. */
    public record Block(String label, boolean encrypted, byte[] der) {
    }

    private Pem() {
    }

    /** Every block of {@code text}, in order; a block without its END line or with bad base64 is refused. */
    public static List<Block> blocks(String text) {
        final List<Block> blocks = new ArrayList<>();
        int from = text.indexOf(BEGIN);
        while (from >= 0) {
            final int labelEnd = text.indexOf(DASHES, from + BEGIN.length());
            if (labelEnd < 0) {
                throw new IllegalArgumentException("a BEGIN line is not closed by " + DASHES);
            }
            final String label = text.substring(from + BEGIN.length(), labelEnd);
            final String end = "-----END " + label + DASHES;
            final int endAt = text.indexOf(end, labelEnd);
            if (endAt < 0) {
                final long certificates = blocks.stream().filter(b -> b.label().equals("CERTIFICATE")).count();
                throw new IllegalArgumentException((label.equals("CERTIFICATE") ? "certificate " + (certificates + 1)
                        : label + " block") + " has no " + end + " line");
            }
            final StringBuilder base64 = new StringBuilder();
            boolean encrypted = false;
            for (String line : text.substring(labelEnd + DASHES.length(), endAt).split("\r?\n")) {
                if (line.contains(":")) {
                    // RFC 1421 headers (Proc-Type: 4,ENCRYPTED, DEK-Info: …) of OpenSSL's legacy encrypted keys.
                    encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                } else {
                    base64.append(line.strip());
                }
            }
            try {
                blocks.add(new Block(label, encrypted, Base64.getDecoder().decode(base64.toString())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(label + " block " + (blocks.size() + 1) + " is not valid base64 ("
                        + e.getMessage() + ")", e);
            }
            from = text.indexOf(BEGIN, endAt + end.length());
        }
        return blocks;
    }

    /** The {@code CERTIFICATE} blocks as X.509 certificates, in file order. */
    public static List<X509Certificate> certificates(List<Block> blocks) {
        final CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JVM has no X.509 certificate factory", e);
        }
        final List<X509Certificate> certificates = new ArrayList<>();
        for (Block block : blocks) {
            if (!block.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                final Certificate certificate = factory.generateCertificate(new ByteArrayInputStream(block.der()));
                certificates.add((X509Certificate) certificate);
            } catch (CertificateException | ClassCastException e) {
                throw new IllegalArgumentException("certificate " + (certificates.size() + 1)
                        + " is not a valid X.509 certificate (" + e.getMessage() + ")", e);
            }
        }
        return certificates;
    }

    /** The one private key among the blocks, or null when there is none; two keys are refused. */
    public static PrivateKey privateKey(List<Block> blocks) {
        PrivateKey key = null;
        for (Block block : blocks) {
            final byte[] pkcs8 = switch (block.label()) {
                case "PRIVATE KEY" -> block.der();
                case "RSA PRIVATE KEY" -> block.encrypted() ? refuseEncrypted() : rsaToPkcs8(block.der());
                case "EC PRIVATE KEY" -> block.encrypted() ? refuseEncrypted() : ecToPkcs8(block.der());
                case "ENCRYPTED PRIVATE KEY" -> refuseEncrypted();
                default -> null;
            };
            if (pkcs8 == null) {
                continue;
            }
            if (key != null) {
                throw new IllegalArgumentException("more than one private key (expected: the key of the first "
                        + "certificate only)");
            }
            key = decode(pkcs8, block.label());
        }
        return key;
    }

    private static byte[] refuseEncrypted() {
        throw new IllegalArgumentException("the private key is encrypted (expected: an unencrypted key, e.g. "
                + "'openssl pkey -in KEY -out KEY.plain', or a PKCS#12 file with its password)");
    }

    private static PrivateKey decode(byte[] pkcs8, String label) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm (or not one this JVM has): try the next
            }
        }
        throw new IllegalArgumentException(label + " is not a private key this JVM can read (expected: RSA, EC or "
                + "EdDSA)");
    }

    /** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo {version 0, rsaEncryption, OCTET STRING pkcs1}. */
    private static byte[] rsaToPkcs8(byte[] pkcs1) {
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, pkcs1)));
    }

    /**
     * SEC 1 ECPrivateKey {version, key, [0] curve OID, [1] public key} → PKCS#8 with the curve moved into the
     * algorithm identifier, where the JDK looks for it.
     */
    private static byte[] ecToPkcs8(byte[] sec1) {
        final Der outer = new Der(sec1);
        final Der fields = outer.enter(0x30);
        fields.skip(0x02); // version
        fields.skip(0x04); // the private key octets
        byte[] curve = null;
        while (fields.hasMore()) {
            final int tag = fields.peekTag();
            if (tag == 0xa0) {
                curve = fields.enter(0xa0).element(0x06);
            } else {
                fields.skip(tag);
            }
        }
        if (curve == null) {
            throw new IllegalArgumentException("EC PRIVATE KEY does not name its curve (expected: the [0] parameters "
                    + "OpenSSL writes)");
        }
        final byte[] algorithm = sequence(concat(EC_PUBLIC_KEY_OID, curve));
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, sec1)));
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        final int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            final int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Just enough of a DER reader to walk an ECPrivateKey. */
    private static final class Der {

        private final byte[] data;
        private int at;
        private final int end;

        Der(byte[] data) {
            this(data, 0, data.length);
        }

        private Der(byte[] data, int from, int end) {
            this.data = data;
            this.at = from;
            this.end = end;
        }

        boolean hasMore() {
            return at < end;
        }

        int peekTag() {
            check(at < end);
            return data[at] & 0xff;
        }

        /** The next element's content, as a reader; it must have {@code tag}. */
        Der enter(int tag) {
            final int[] span = next(tag);
            return new Der(data, span[0], span[1]);
        }

        /** The next element whole (tag, length and content); it must have {@code tag}. */
        byte[] element(int tag) {
            final int start = at;
            final int[] span = next(tag);
            final byte[] out = new byte[span[1] - start];
            System.arraycopy(data, start, out, 0, out.length);
            return out;
        }

        void skip(int tag) {
            next(tag);
        }

        private int[] next(int tag) {
            check(at + 2 <= end && (data[at] & 0xff) == tag);
            at++;
            int length = data[at++] & 0xff;
            if (length >= 0x80) {
                final int bytes = length & 0x7f;
                check(bytes >= 1 && bytes <= 3 && at + bytes <= end);
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (data[at++] & 0xff);
                }
            }
            check(at + length <= end);
            final int[] span = {at, at + length};
            at += length;
            return span;
        }

        private static void check(boolean ok) {
            if (!ok) {
                throw new IllegalArgumentException("EC PRIVATE KEY is not valid DER (expected: SEC 1 ECPrivateKey)");
            }
        }
    }

    /**
     * The whole of an operator's PEM file as {@link #text}.
     *
     * @throws IllegalArgumentException naming the file: missing, or unreadable
     */
    public static String read(Path file) {
        try {
            return text(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e + ")", e);
        }
    }

    public static String text(byte[] bytes) {
        // Latin-1 maps every byte, so a binary file reaches "no certificate" instead of a decoding error.
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
