# Fulcrum @project.version@ - see the "Jetty module" section of Fulcrum's README.md

[description]
Fulcrum: Cloudflare-style load balancing inside this server.
Requests whose Host is one of Fulcrum's load balancers are proxied to their origins;
every other request reaches this server's own contexts unchanged.
Fulcrum's REST API (/client/v4) listens on its own connector (fulcrum.api.host:fulcrum.api.port).

[tags]
fulcrum
proxy

[environment]
ee10

[depend]
ee10-servlet
# The servlet context Fulcrum's handler builds loads SecurityHandler, which ee10-servlet alone does not bring.
security
client

[lib]
lib/fulcrum/*.jar
# HTTP/2 to origins (gRPC): the client halves are in lib/fulcrum, these two are jetty-home's own.
lib/http2/jetty-http2-common-${jetty.version}.jar
lib/http2/jetty-http2-hpack-${jetty.version}.jar

[files]
fulcrum-data/

[xml]
etc/fulcrum.xml

[ini]
jetty.webapp.addHiddenClasses+=,dev.fulcrum.
jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/fulcrum/

[ini-template]
# tag::documentation[]
## Every fulcrum.* property of README's settings table. Durations need a unit (ms, s, m or h: 19s, 500ms, 15m);
## sizes are bytes, alone or with KiB, MiB or GiB; switches are true or false (also yes/no, on/off, 1/0).
## An empty value means the default; a bad one stops the start, naming the property.

## Where Fulcrum keeps its configuration and the API token's hash (absolute, or relative to $JETTY_BASE).
# fulcrum.data.dir=fulcrum-data

## The address Fulcrum's REST API listens on; keep it on loopback or a management network.
# fulcrum.api.host=127.0.0.1

## The port of Fulcrum's REST API (0 = any free port, printed in the log).
# fulcrum.api.port=8081

## The admin API token (16+ characters of A-Z a-z 0-9 - . _ ~ + /); replaces the stored one.
## Left unset, the first start generates one and logs it once.
# fulcrum.api.token=

## The key signing session affinity cookies (__cflb): base64 of 32+ random bytes. Give every node the same key so
## any node honours any node's cookie. Left unset, a key is created in the data directory (affinity.key).
# fulcrum.affinity.key=

## The most header-affinity sessions this node keeps in memory (least recently used go first at the cap).
# fulcrum.affinity.sessions=100000

## A PEM file of the CA certificates trusted for https origins, by traffic and health probes alike (relative to
## $JETTY_BASE). It replaces the JVM's default trust store for origins. Left unset, the JVM's trust store decides.
# fulcrum.originCa=

## This node's PoP code, for geo steering (pop_pools) and the CF-Ray suffix, e.g. LAX.
# fulcrum.node.pop=

## This node's ISO-3166 country, for geo steering (country_pools), e.g. US.
# fulcrum.node.country=

## This node's region code, e.g. WNAM (defaults to the country's region).
# fulcrum.node.region=

## This node's latitude and longitude in degrees, for proximity steering.
# fulcrum.node.latitude=
# fulcrum.node.longitude=

## A request header trusted to carry the client's country (e.g. CF-IPCountry); unset = off.
# fulcrum.node.clientCountryHeader=

## Proxies in front of this server (addresses or CIDR ranges, comma-separated, e.g. 10.0.0.0/8) whose
## X-Forwarded-For names the client: the rightmost address that is not one of them. Any other peer is the client
## itself, whatever it sends. Unset = none. (Jetty's http-forwarded module believes every peer.)
# fulcrum.trustedProxies=

## true forwards client headers whose name contains '_' to origins (by default they are dropped, as nginx does:
## an origin reading '_' as '-' would otherwise see a Transfer_Encoding the proxy never checked).
# fulcrum.underscoresInHeaders=false

## On this server's connectors (the API connector excepted): the most a request's head (request line and headers)
## may take from its first byte before the connection is closed (nginx's client_header_timeout); 0 = none.
# fulcrum.headerTimeout=60s

## On this server's connectors (the API connector excepted): open connections allowed per client address, more are
## closed at once; 0 = no cap. Behind another proxy every client has the proxy's address.
# fulcrum.maxConnectionsPerClient=0

## Origin connect timeout, then 522.
# fulcrum.upstream.connectTimeout=19s

## Time to the origin's first response byte, then 524.
# fulcrum.upstream.readTimeout=100s

## How long an idle origin connection is kept for reuse.
# fulcrum.upstream.idleTimeout=900s

## Open connections per origin.
# fulcrum.upstream.maxConnectionsPerOrigin=1024

## Requests waiting for a connection per origin before new ones are refused.
# fulcrum.upstream.maxQueuedPerOrigin=4096

## Request bodies up to this size are buffered so that failover can send them again (e.g. 65536 or 64KiB).
# fulcrum.upstream.replayBufferBytes=65536

## link: plain HTTP/1.1 to origins on Fulcrum's own connections, each answer parsed and relayed on one thread
## (ARCHITECTURE.md); httpclient: on Jetty's HttpClient. TLS, HTTP/2 (gRPC) and WebSocket handshakes use HttpClient
## either way.
# fulcrum.upstream.client=link

## The etcd v3 members (http(s)://host:port, comma-separated) of the cluster this node joins: every node on the same
## etcd and prefix serves the same load balancers. Unset = a single node, its configuration in the data directory.
# fulcrum.etcd.endpoints=

## The key prefix of the cluster's data in etcd; clusters sharing one etcd use different ones.
# fulcrum.etcd.prefix=/fulcrum/

## This node's name in the cluster and in pop_health, unique in the cluster (defaults to the PoP code, else the
## host name).
# fulcrum.node.name=

## The etcd user and password to authenticate with (etcd with authentication on).
# fulcrum.etcd.user=
# fulcrum.etcd.password=

## PEM files for https:// etcd endpoints (relative to $JETTY_BASE): the CA trusted for them, and a client
## certificate with its unencrypted key for etcd's --client-cert-auth.
# fulcrum.etcd.ca=
# fulcrum.etcd.cert=
# fulcrum.etcd.key=

## How long this node's health results outlive it in the cluster (the TTL of its etcd lease).
# fulcrum.etcd.leaseTtl=10s

## Prometheus scrape at /metrics on the API connector: true serves it without the API token.
# fulcrum.metrics.public=false

## true also publishes the meters as MBeans (domain fulcrum), next to Jetty's own (module jmx).
# fulcrum.metrics.jmx=false

## true bounds the meters by pools, not origins (no origin tag, in-flight per pool, one connection row set).
# fulcrum.metrics.poolsOnly=false

## true logs one line per forwarded attempt at INFO on logger dev.fulcrum.access.
# fulcrum.accessLog=false
# end::documentation[]
