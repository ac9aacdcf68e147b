package dev.fulcrum.store;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** File operations whose effect survives a crash or power loss once they return. */
final class DurableFiles {

    /** Suffix of files being written; one left behind was never renamed into place, so never acknowledged. */
    static final String TEMP_SUFFIX = ".tmp";

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("windows");

    /** Writes the content of one file. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private DurableFiles() {
    }

    /**
     * Replaces {@code target} atomically: write a temp file, fsync it, rename it over the target, fsync the
     * directory. A crash at any point leaves either the old or the new file, never a mix.
     *
     * @return the number of bytes written
     */
    static long replace(Path target, Content content) throws IOException {
        final Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        final long size;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            final OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            // Writers such as Jackson close the stream when done; the channel must stay open for the fsync.
            content.writeTo(new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            });
            out.flush();
            channel.force(true);
            size = channel.size();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
        return size;
    }

    /** Makes renames and new directory entries in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory as a channel; NTFS makes the rename durable with the file's metadata.
            if (!WINDOWS) {
                throw e;
            }
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}
