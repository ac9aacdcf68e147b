/**
 * TLS toward clients, container-neutral: the certificates a listener serves ({@link dev.fulcrum.tls.CertificateSource}
 * reads PEM pairs, PKCS#12 files and a directory of one per host name into {@link dev.fulcrum.tls.ServerCertificates},
 * chosen per connection by SNI), their reload without a restart ({@link dev.fulcrum.tls.CertificateReloader}), the
 * protocols and cipher suites offered ({@link dev.fulcrum.tls.TlsPolicy}) and the plain port's redirect to https
 * ({@link dev.fulcrum.tls.HttpsRedirect}). The host that owns the listener (the standalone's Jetty) turns these into
 * its own TLS configuration. Depends only on the request view.
 *
 * <p>Nullness: parameters and results are non-null unless documented.
 */
package dev.fulcrum.tls;
