package dev.fulcrum.etcd;

import java.util.List;

/**
 * One message of a watch stream.
 *
 * @param revision        the store's revision when the message was sent: every change up to it has been reported
 *                        (for a progress notification, which has no events, this is all it says)
 * @param created         the first message of the stream: the watch exists
 * @param canceled        etcd ended the watch; {@code cancelReason} says why (e.g. permission denied, invalid token)
 * @param cancelReason    etcd's reason for the cancel, or empty
 * @param compactRevision when not 0: the start revision had been compacted away (the watch is canceled), and this
 *                        is the oldest revision still available
 * @param events          the changes, in revision order (empty for created, canceled and progress messages)
 */
public record WatchResponse(long revision, boolean created, boolean canceled, String cancelReason,
                            long compactRevision, List<WatchEvent> events) {

    public WatchResponse {
        events = List.copyOf(events);
    }

    /** A progress notification: nothing changed in the watched range up to {@link #revision()}. */
    public boolean isProgress() {
        return !created && !canceled && events.isEmpty();
    }
}
