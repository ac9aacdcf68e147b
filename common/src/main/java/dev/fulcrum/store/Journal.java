package dev.fulcrum.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.json.ConfigJson;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only log of committed changes, one line per commit: {@code <crc32c as 8 hex> <json>\n}. The first line
 * is a header naming the format and its version.
 *
 * <p>Durability: {@link #append} returns after the line is written and the file is fsync'd. A crash during an
 * append leaves a torn last line, which {@link #read} reports as a torn tail (never acknowledged, so dropping it
 * restores the last acknowledged state). A bad line that is followed by other lines cannot come from a crash and is
 * reported as corruption. A failed append is cut off again (truncate + fsync) so the log stays well-formed.
 *
 * <p>Not thread-safe: the store calls it under its write lock.
 */
final class Journal implements Closeable {

    static final String FORMAT = "fulcrum-journal";
    static final int FORMAT_VERSION = 1;

    private static final ObjectMapper MAPPER = ConfigJson.mapper();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final FileChannel channel;
    private long size;

    private Journal(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /** Atomically replaces {@code path} with a journal holding only the header, and opens it for appending. */
    static Journal create(Path path) throws IOException {
        final ObjectNode header = MAPPER.createObjectNode().put("format", FORMAT)
                .put("format_version", FORMAT_VERSION);
        final byte[] line = frame(MAPPER.writeValueAsBytes(header));
        DurableFiles.replace(path, out -> out.write(line));
        return open(path, line.length);
    }

    /** Opens an existing journal to append after its first {@code validLength} bytes. */
    static Journal open(Path path, long validLength) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        if (channel.size() != validLength) {
            channel.close();
            throw new IOException(path + ": expected " + validLength + " bytes, found another size");
        }
        return new Journal(path, channel, validLength);
    }

    long size() {
        return size;
    }

    Path path() {
        return path;
    }

    /** Appends one record and fsyncs; on failure the journal is cut back to its previous length. */
    void append(JsonNode record) throws IOException {
        final byte[] line = frame(MAPPER.writeValueAsBytes(record));
        final long before = size;
        try {
            DurableFiles.writeFully(channel, ByteBuffer.wrap(line), before);
            // fdatasync: the data and the new length, which is what a reader needs.
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(before);
                channel.force(false);
            } catch (IOException again) {
                e.addSuppressed(again);
                throw new JournalBrokenException(e);
            }
            throw e;
        }
        size = before + line.length;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static byte[] frame(byte[] json) {
        final CRC32C crc = new CRC32C();
        crc.update(json);
        final long value = crc.getValue();
        final byte[] line = new byte[9 + json.length + 1];
        for (int i = 0; i < 8; i++) {
            line[i] = HEX[(int) (value >>> (28 - 4 * i)) & 0xf];
        }
        line[8] = ' ';
        System.arraycopy(json, 0, line, 9, json.length);
        line[line.length - 1] = '\n';
        return line;
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    /**
     * What a journal file holds.
     *
     * @param records     the records after the header, in order
     * @param validLength bytes up to the end of the last good line
     * @param tornTail    true when bytes after {@code validLength} were dropped as an unfinished append
     */
    record Contents(List<JsonNode> records, long validLength, boolean tornTail) {
    }

    /** Reads and checks the whole journal. */
    static Contents read(Path path) throws IOException {
        final byte[] all = Files.readAllBytes(path);
        final List<JsonNode> records = new ArrayList<>();
        int pos = 0;
        int lineNo = 0;
        while (pos < all.length) {
            final int newline = indexOf(all, (byte) '\n', pos);
            lineNo++;
            if (newline < 0) {
                if (lineNo == 1) {
                    throw new CorruptStoreException(path, "line 1: the header line is incomplete");
                }
                return new Contents(records, pos, true);
            }
            final JsonNode json;
            try {
                json = parseLine(all, pos, newline);
            } catch (IllegalArgumentException bad) {
                if (newline == all.length - 1 && lineNo > 1) {
                    // The last line, bad: an append whose pages were not all written before a crash.
                    return new Contents(records, pos, true);
                }
                final String why = newline == all.length - 1 ? ""
                        : " (more lines follow, so this is not an unfinished write)";
                throw new CorruptStoreException(path, "line " + lineNo + ": " + bad.getMessage() + why);
            }
            if (lineNo == 1) {
                checkHeader(path, json);
            } else {
                records.add(json);
            }
            pos = newline + 1;
        }
        if (lineNo == 0) {
            throw new CorruptStoreException(path, "empty file (expected at least the header line)");
        }
        return new Contents(records, pos, false);
    }

    private static void checkHeader(Path path, JsonNode header) {
        if (!header.isObject() || !FORMAT.equals(header.path("format").asText(null))) {
            throw new CorruptStoreException(path, "line 1: not a Fulcrum journal header: " + header);
        }
        final JsonNode version = header.get("format_version");
        if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new CorruptStoreException(path, "line 1: format_version " + version + " is not supported "
                    + "(this Fulcrum reads version " + FORMAT_VERSION + ")");
        }
    }

    private static JsonNode parseLine(byte[] all, int from, int newline) {
        if (newline - from < 10 || all[from + 8] != ' ') {
            throw new IllegalArgumentException("not a '<crc> <json>' line");
        }
        long expected = 0;
        for (int i = 0; i < 8; i++) {
            final int digit = Character.digit(all[from + i], 16);
            if (digit < 0) {
                throw new IllegalArgumentException("bad checksum text");
            }
            expected = (expected << 4) | digit;
        }
        final CRC32C crc = new CRC32C();
        crc.update(all, from + 9, newline - from - 9);
        if (crc.getValue() != expected) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        try {
            return MAPPER.readTree(all, from + 9, newline - from - 9);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage());
        }
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** An append failed and the journal could not be restored to its last good length. */
    static final class JournalBrokenException extends IOException {
        JournalBrokenException(IOException cause) {
            super("journal could not be restored after a failed append", cause);
        }
    }
}
