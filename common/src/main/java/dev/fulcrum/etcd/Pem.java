package dev.fulcrum.etcd;

import dev.fulcrum.net.PemText;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files an etcd deployment already has: CA and client certificates, and the client's private key as
 * PKCS#8 ({@code PRIVATE KEY}, what {@code openssl genpkey} writes) or in the traditional RSA and EC forms
 * ({@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY}, what cfssl and {@code openssl ecparam} write), which are
 * rewrapped as PKCS#8 for the JDK. Encrypted keys are refused: the client could not ask for a pass phrase.
 */
final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private Pem() {
    }

    /** Every {@code CERTIFICATE} block of {@code file}, in order. */
    static List<X509Certificate> certificates(Path file) {
        final CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JVM has no X.509 certificate factory", e);
        }
        final List<X509Certificate> out = new ArrayList<>();
        for (Block block : blocks(file)) {
            if (!block.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(file + ": certificate " + (out.size() + 1)
                        + " is not an X.509 certificate (" + e.getMessage() + ")", e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no PEM CERTIFICATE block");
        }
        return out;
    }

    /** The first private key of {@code file}. */
    static PrivateKey privateKey(Path file) {
        for (Block block : blocks(file)) {
            switch (block.type()) {
                case "PRIVATE KEY":
                    return decode(file, block.der());
                case "RSA PRIVATE KEY":
                    return decode(file, sequence(integerZero(), RSA_ALGORITHM, octets(block.der())));
                case "EC PRIVATE KEY":
                    return decode(file, sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, curveOf(file,
                            block.der())), octets(block.der())));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException(file + ": the private key is encrypted (expected: an "
                            + "unencrypted key, e.g. from `openssl pkcs8 -topk8 -nocrypt`)");
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(file + ": no PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) {
        final List<Block> blocks = new ArrayList<>();
        final Matcher m = BLOCK.matcher(PemText.read(file));
        while (m.find()) {
            final String body = m.group(2);
            if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
                throw new IllegalArgumentException(file + ": the " + m.group(1).toLowerCase() + " is encrypted "
                        + "(expected: an unencrypted key, e.g. from `openssl pkcs8 -topk8 -nocrypt`)");
            }
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body.strip())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": a " + m.group(1) + " block is not base64", e);
            }
        }
        return blocks;
    }

    private static PrivateKey decode(Path file, byte[] pkcs8) {
        final PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + ": the private key is not an RSA, EC or Ed25519 key the JVM "
                + "can read");
    }

    /** The named-curve OID (a whole TLV) of a SEC1 {@code ECPrivateKey}: its {@code [0] parameters} field. */
    private static byte[] curveOf(Path file, byte[] sec1) {
        final Der outer = new Der(sec1, 0);
        final Der version = new Der(sec1, outer.contentStart);
        final Der key = new Der(sec1, version.end());
        if (key.end() < outer.end()) {
            final Der parameters = new Der(sec1, key.end());
            if (parameters.tag == 0xa0) {
                final Der oid = new Der(sec1, parameters.contentStart);
                if (oid.tag == 0x06) {
                    return Arrays.copyOfRange(sec1, parameters.contentStart, oid.end());
                }
            }
        }
        throw new IllegalArgumentException(file + ": the EC private key does not name its curve (expected: a "
                + "named curve, e.g. prime256v1)");
    }

    /** One DER tag-length-value header read at {@code offset}. */
    private static final class Der {
        final int tag;
        final int contentStart;
        final int length;

        Der(byte[] der, int offset) {
            if (offset + 2 > der.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            tag = der[offset] & 0xff;
            int len = der[offset + 1] & 0xff;
            int pos = offset + 2;
            if (len > 0x80) {
                final int bytes = len & 0x7f;
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (der[pos++] & 0xff);
                }
            }
            contentStart = pos;
            length = len;
            if (end() > der.length) {
                throw new IllegalArgumentException("truncated DER");
            }
        }

        int end() {
            return contentStart + length;
        }
    }

    private static byte[] integerZero() {
        return new byte[] {0x02, 0x01, 0x00};
    }

    private static byte[] octets(byte[] content) {
        return tlv(0x04, content);
    }

    private static byte[] sequence(byte[]... parts) {
        final ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        final int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
