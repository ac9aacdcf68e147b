package dev.fulcrum.api;

import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;
import dev.fulcrum.config.ConfigSnapshot;
import dev.fulcrum.config.LoadBalancer;

/** The edits of writes that touch more than the object they name. */
final class Snapshots {

    private Snapshots() {
    }

    /** Removes a zone together with its load balancers: they cannot exist without it. */
    static ConfigEdit withoutZone(ConfigSnapshot s, String zoneId) {
        final ConfigEdit edit = ConfigEdit.deleting(ConfigKind.ZONE, zoneId);
        for (LoadBalancer lb : s.loadBalancers().values()) {
            if (lb.zoneId().equals(zoneId)) {
                edit.delete(ConfigKind.LOAD_BALANCER, lb.id());
            }
        }
        return edit;
    }
}
