package dev.fulcrum.store;

import dev.fulcrum.config.ConfigChange;
import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.Ids;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.fulcrum.store.StoreFixtures.account;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What any store (the file store, a replicated one) relies on to hand its changes to the consumers. */
class ChangePublisherTest {

    @Test
    void aStoreAppliesItsEditsAndEveryListenerSeesEachChangeOnce() {
        final ChangePublisher publisher = new ChangePublisher(ConfigSnapshot.EMPTY);
        final List<ConfigChange> early = new CopyOnWriteArrayList<>();
        publisher.addListener(early::add);
        final ConfigSnapshot s0 = publisher.current();
        final ConfigChange first = s0.apply(ConfigEdit.putting(account(Ids.newId())), 1);
        publisher.publish(first);
        final List<ConfigChange> late = new CopyOnWriteArrayList<>();
        publisher.addListener(late::add);
        final ConfigChange second = publisher.current().apply(ConfigEdit.putting(account(Ids.newId())), 2);
        publisher.publish(second);

        assertThat(publisher.current()).isSameAs(second.next());
        assertThat(early).hasSize(3);
        assertThat(early.get(1)).isSameAs(first);
        assertThat(early.get(2)).isSameAs(second);
        // A late listener starts from nothing, then follows.
        assertThat(late).hasSize(2);
        assertThat(late.get(0).previous()).isSameAs(ConfigSnapshot.EMPTY);
        assertThat(late.get(0).accounts()).hasSize(1);
        assertThat(late.get(1)).isSameAs(second);
    }

    @Test
    void aChangeThatDoesNotStartAtTheCurrentSnapshotIsRefused() {
        final ChangePublisher publisher = new ChangePublisher(ConfigSnapshot.EMPTY);
        final ConfigChange first = ConfigSnapshot.EMPTY.apply(ConfigEdit.putting(account(Ids.newId())), 1);
        publisher.publish(first);
        final ConfigChange stale = ConfigSnapshot.EMPTY.apply(ConfigEdit.putting(account(Ids.newId())), 1);
        assertThatThrownBy(() -> publisher.publish(stale)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not start at the current revision 1");
        assertThat(publisher.current()).isSameAs(first.next());
    }
}
