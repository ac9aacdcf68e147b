package dev.fulcrum.config.json;

import dev.fulcrum.config.ConfigError;
import dev.fulcrum.config.ConfigException;

import java.util.ArrayList;
import java.util.List;

/** The refusals collected while reading one request body, in the order found. */
final class Problems {

    private final List<ConfigError> errors = new ArrayList<>();

    void add(String path, String detail) {
        final String where = path.isEmpty() ? "body" : path;
        errors.add(new ConfigError(path, where + ": " + detail + ": validation failed", Fields.VALIDATION_FAILED));
    }

    int count() {
        return errors.size();
    }

    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }
}
