package dev.fulcrum.api;

import dev.fulcrum.config.ConfigEdit;
import dev.fulcrum.config.ConfigKind;

/** The edits of writes that touch more than the object they name. */
final class Snapshots {

    private Snapshots() {
    }

    /** Removes a zone together with its load balancers: they cannot exist without it. */
    static ConfigEdit withoutZone(ConfigIndex index, String zoneId) {
        final ConfigEdit edit = ConfigEdit.deleting(ConfigKind.ZONE, zoneId);
        for (String lbId : index.loadBalancersIn(zoneId)) {
            edit.delete(ConfigKind.LOAD_BALANCER, lbId);
        }
        return edit;
    }
}
