package dev.fulcrum.testing;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * What the test client speaks to the host under test: every contract runs over HTTP/1.1, and its h2 variant over
 * HTTP/2 (h2c by prior knowledge: the same frames and rules as h2 over TLS, minus the handshake).
 */
public enum ClientProtocol {

    HTTP_1_1 {
        @Override
        HttpClient newClient() {
            return new HttpClient();
        }
    },
    H2C {
        @Override
        HttpClient newClient() {
            return resolvingToLoopback(new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client())));
        }
    };

    /**
     * Makes {@code client} reach every host name at 127.0.0.1, where the server under test is, keeping the name as
     * a browser keeps it: it is the request's authority, the TLS SNI and the name a certificate is checked for.
     */
    public static HttpClient resolvingToLoopback(HttpClient client) {
        client.setSocketAddressResolver((host, port, context, promise) -> {
            try {
                promise.succeeded(List.of(new InetSocketAddress(InetAddress.getByAddress(host,
                        new byte[] {127, 0, 0, 1}), port)));
            } catch (UnknownHostException e) {
                promise.failed(e);
            }
        });
        return client;
    }

    /** An unstarted client speaking this protocol. */
    abstract HttpClient newClient();

    public boolean http2() {
        return this == H2C;
    }

    /**
     * A request from {@code client} to the host under test on 127.0.0.1:{@code port}, for {@code host} (a Host
     * value, with or without a port). Over HTTP/1.1 that is the Host header; HTTP/2 has none (a Host that differs
     * from {@code :authority} is a malformed request, RFC 9113 §8.3.1), so there the host becomes the URI's
     * authority, with the port, as a browser sends it.
     */
    public static Request request(HttpClient client, int port, String host) {
        if (client.getTransport() instanceof HttpClientTransportOverHTTP2) {
            final String authority = host.lastIndexOf(':') > host.lastIndexOf(']') ? host : host + ':' + port;
            return client.newRequest("http://" + authority + "/");
        }
        return client.newRequest("127.0.0.1", port).headers(h -> h.put(HttpHeader.HOST, host));
    }
}
