package dev.fulcrum.store;

import java.nio.file.Path;

/**
 * A store file could not be loaded: unreadable, not valid JSON, of an unknown format version, or holding an object
 * that fails validation. The message names the file and the reason; the store leaves the file untouched so an
 * operator can inspect or restore it.
 */
public final class CorruptStoreException extends RuntimeException {

    private final transient Path file;

    public CorruptStoreException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    public CorruptStoreException(Path file, String reason) {
        this(file, reason, null);
    }

    /** The file that could not be loaded. */
    public Path file() {
        return file;
    }
}
