package dev.fulcrum.store;

import dev.fulcrum.config.Ids;

import java.nio.file.Path;

/**
 * Child process for {@link FileConfigStoreCrashTest}: commits one new account per update and prints
 * {@code ack <revision>} after each {@code update} returns, until it is killed or reaches the bound.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    public static void main(String[] args) {
        final Path dir = Path.of(args[0]);
        final long compactAfter = Long.parseLong(args[1]);
        final int maxWrites = Integer.parseInt(args[2]);
        final FileConfigStore store = FileConfigStore.open(dir, compactAfter);
        System.out.println("open " + store.current().revision());
        System.out.flush();
        for (int i = 0; i < maxWrites; i++) {
            final String id = Ids.newId();
            final long revision = store.update(s -> StoreFixtures.withAccount(s, StoreFixtures.account(id)))
                    .revision();
            System.out.println("ack " + revision);
            System.out.flush();
        }
        store.close();
    }
}
