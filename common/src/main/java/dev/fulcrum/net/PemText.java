package dev.fulcrum.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The text of an operator's PEM file (certificates, keys), for whoever parses its blocks. */
public final class PemText {

    private PemText() {
    }

    /**
     * The whole file as Latin-1, which maps every byte: a binary file reaches the parser's "no such block" message
     * instead of a decoding error.
     *
     * @throws IllegalArgumentException naming the file: missing, or unreadable
     */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e + ")", e);
        }
    }
}
