package dev.fulcrum.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The container-neutral request: query decoding and header lookup. */
class ApiRequestTest {

    @Test
    void queryIsDecodedAsUtf8InOrder() {
        final Map<String, List<String>> q = ApiRequest.parseQuery(
                "search_params%5Bquery%5D=caf%C3%A9+bar&page=2&page=3&flag&=x&&");
        assertThat(q.get("search_params[query]")).containsExactly("café bar");
        assertThat(q.get("page")).containsExactly("2", "3");
        assertThat(q.get("flag")).containsExactly("");
        assertThat(q.get("")).containsExactly("x");
    }

    @Test
    void brokenEscapesStayLiteral() {
        final Map<String, List<String>> q = ApiRequest.parseQuery("a=%zz&b=%4&c=100%&d=%C3");
        assertThat(q.get("a")).containsExactly("%zz");
        assertThat(q.get("b")).containsExactly("%4");
        assertThat(q.get("c")).containsExactly("100%");
        assertThat(q.get("d")).hasSize(1);
    }

    @Test
    void headersAreCaseInsensitiveAndKeepEveryValue() {
        final ApiRequest request = new ApiRequest("GET", "/client/v4/accounts", Map.of(),
                Map.of("authorization", List.of("Bearer a", "Bearer b"), "Content-Type", List.of("application/json")),
                null);
        assertThat(request.header("Authorization")).isEqualTo("Bearer a");
        assertThat(request.headers("AUTHORIZATION")).containsExactly("Bearer a", "Bearer b");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("X-Missing")).isNull();
        assertThat(request.body()).isEmpty();
    }

    @Test
    void jsonContentTypes() {
        assertThat(Call.isJson("application/json")).isTrue();
        assertThat(Call.isJson("Application/JSON ; charset=UTF-8")).isTrue();
        assertThat(Call.isJson("application/json;charset=\"utf-8\"")).isTrue();
        assertThat(Call.isJson("application/json; foo=bar")).isTrue();
        assertThat(Call.isJson("application/json; charset=ebcdic")).isFalse();
        assertThat(Call.isJson("application/json; charset=ISO-8859-1")).isFalse();
        assertThat(Call.isJson("application/json; charset=utf-16")).isFalse();
        assertThat(Call.isJson("application/problem+json")).isFalse();
        assertThat(Call.isJson("application/merge-patch+json")).isFalse();
        assertThat(Call.isJson("text/json")).isFalse();
        assertThat(Call.isJson("application/jsonp")).isFalse();
        assertThat(Call.isJson(null)).isFalse();
        assertThat(Call.isJson("")).isFalse();
    }
}
