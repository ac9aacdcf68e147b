package dev.fulcrum.config.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.config.Monitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.fulcrum.config.json.JsonFixtures.ACCOUNT;
import static dev.fulcrum.config.json.JsonFixtures.JSON;
import static dev.fulcrum.config.json.JsonFixtures.MONITOR;
import static dev.fulcrum.config.json.JsonFixtures.accountMeta;
import static dev.fulcrum.config.json.JsonFixtures.assertError;
import static dev.fulcrum.config.json.JsonFixtures.assertErrors;
import static dev.fulcrum.config.json.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class MonitorJsonTest {

    private static Monitor read(String body) {
        return JSON.readMonitor(json(body), accountMeta(MONITOR));
    }

    @Test
    void emptyBodyEchoesEveryDefault() {
        assertThat(JSON.write(read("{}"))).isEqualTo(json("{'id':'" + MONITOR + "',"
                + "'created_on':'2014-01-01T05:20:00.123450Z','modified_on':'2014-01-02T05:20:00.500000Z',"
                + "'type':'http','description':'','method':'GET','path':'/','header':{},'port':0,'timeout':5,"
                + "'retries':2,'interval':60,'expected_codes':'200','expected_body':'','follow_redirects':false,"
                + "'allow_insecure':false,'consecutive_up':0,'consecutive_down':0,'probe_zone':''}"));
    }

    @Test
    void typeDecidesMethodAndCodeDefaults() {
        final Monitor tcp = read("{'type':'tcp','port':5432}");
        assertThat(tcp.method()).isEqualTo("connection_established");
        assertThat(tcp.expectedCodes()).isEmpty();
        assertThat(read("{'type':'https'}").method()).isEqualTo("GET");
        assertThat(read("{'type':'icmp_ping'}").method()).isEmpty();
        assertThat(read("{'type':'smtp','port':25}").port()).isEqualTo(25);
        assertThat(read("{'type':'http','method':'HEAD'}").method()).isEqualTo("HEAD");
    }

    @Test
    void fullObjectRoundTripsThroughWriteAndRestore() {
        final Monitor m = read("{'type':'https','description':'login','method':'HEAD','path':'/health?x=1',"
                + "'header':{'Host':['example.com'],'X-App-ID':['abc123','def']},'port':8443,'timeout':3,"
                + "'retries':0,'interval':15,'expected_codes':'2xx, 301','expected_body':'alive',"
                + "'follow_redirects':true,'allow_insecure':true,'consecutive_up':3,'consecutive_down':2,"
                + "'probe_zone':'example.com'}");
        final ObjectNode stored = JSON.write(m).put("account_id", ACCOUNT);
        assertThat(JSON.restoreMonitor(stored)).isEqualTo(m);
        assertThat(m.header()).isEqualTo(Map.of("Host", List.of("example.com"), "X-App-ID", List.of("abc123", "def")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"200", "2xx", "200,302", "2xx, 3xx", "404", "5xx"})
    void acceptsExpectedCodes(String codes) {
        assertThat(read("{'expected_codes':'" + codes + "'}").expectedCodes()).isEqualTo(codes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2XX", "600", "20", "200,", "ok", "2x0", "200;201"})
    void refusesExpectedCodes(String codes) {
        assertError(() -> read("{'expected_codes':'" + codes + "'}"), "expected_codes",
                "(expected: a status code (200), a class (2xx) or a comma-separated list of them)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "monitor-refusals.csv", delimiter = '|', quoteCharacter = '\'')
    void refusesWithFieldValueAndExpectation(String body, String path, String contains) {
        assertError(() -> read(body.trim()), path.trim(), contains.trim());
    }

    @Test
    void intervalMayBeShortWhenProbesAreFast() {
        final Monitor m = read("{'interval':4,'timeout':1,'retries':2}");
        assertThat(m.interval()).isEqualTo(4);
        assertThat(read("{'interval':2,'timeout':1,'retries':0,'type':'tcp','port':1}").interval()).isEqualTo(2);
    }

    @Test
    void integralFloatsAreAcceptedAsIntegers() {
        assertThat(read("{'timeout':3.0}").timeout()).isEqualTo(3);
    }

    @Test
    void severalProblemsAreReportedTogether() {
        assertErrors(() -> read("{'type':'tcp','timeout':20,'retries':'x'}"),
                "port: missing (expected: a port 1-65535 for type tcp): validation failed",
                "timeout: 20 (expected: integer 1-10): validation failed",
                "retries: \"x\" (expected: integer 0-5): validation failed");
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertThat(read("{'load_balancer_monitor_id':'x','frequency':3}")).isEqualTo(read("{}"));
    }
}
