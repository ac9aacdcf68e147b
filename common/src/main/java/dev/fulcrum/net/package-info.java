/**
 * Connecting to an origin, below everything that connects: the {@link dev.fulcrum.net.ConnectTo} tag (which address
 * a request really dials, which name its TLS peer carries), the resolver that honours it, the TLS settings toward
 * origins, and the reading of operators' PEM files. The upstream client (traffic) and the health probes speak to origins the same way, so both use this
 * package; it depends on Jetty's client utilities only and on nothing else of Fulcrum, which is why it sits under
 * both rather than inside either.
 *
 * <p>Nullness: parameters and results are non-null unless documented.
 */
package dev.fulcrum.net;
