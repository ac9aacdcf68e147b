package dev.fulcrum.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.testing.ExternalBinary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, found on PATH),
 * against a real standalone Fulcrum with real loopback origins: sign-in, what the page shows, an origin killed and
 * seen unhealthy, an origin disabled from the page and the API reporting it, a refused change showing the API's
 * message, the {@code #token=} bookmark, and nothing of the configuration without a valid token. Writes a screenshot
 * to {@code target/dashboard.png} (the README's picture is one).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

    private static final String TOKEN = "dashboard-browser-token-0123456789";
    private static final Duration FLIP = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private HttpServer o1;
    private HttpServer o2;
    private FulcrumMain.Standalone running;
    private WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        final Path chromium = ExternalBinary.require("chromium");
        final Path chromedriver = ExternalBinary.require("chromedriver");
        o1 = origin("one");
        o2 = origin("two");
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                        "--data-dir", dir.resolve("data").toString(), "--api-token", TOKEN), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        browser = chrome(chromium, chromedriver);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (running != null) {
            running.close();
        }
        for (HttpServer origin : new HttpServer[] {o1, o2}) {
            if (origin != null) {
                origin.stop(0);
            }
        }
    }

    @Test
    void showsTheLoadBalancerAndItsOriginsAndActsThroughTheApi() throws Exception {
        final StandaloneApi api = new StandaloneApi(running.apiPort(), TOKEN);
        final String account = api.call("GET", "/accounts", null).get("result").get(0).get("id").asText();
        final String pools = "/accounts/" + account + "/load_balancers/pools";
        final String monitor = api.call("POST", "/accounts/" + account + "/load_balancers/monitors",
                "{\"type\":\"http\",\"path\":\"/\",\"expected_codes\":\"2xx\",\"interval\":2,\"timeout\":1,"
                        + "\"retries\":0}").get("result").get("id").asText();
        final String pool = api.call("POST", pools, "{\"name\":\"web\",\"monitor\":\"" + monitor + "\",\"origins\":["
                + "{\"name\":\"o1\",\"address\":\"127.0.0.1\",\"port\":" + o1.getAddress().getPort() + "},"
                + "{\"name\":\"o2\",\"address\":\"127.0.0.1\",\"port\":" + o2.getAddress().getPort() + "}]}")
                .get("result").get("id").asText();
        final String zone = api.call("POST", "/zones", "{\"name\":\"example.com\",\"account\":{\"id\":\""
                + account + "\"}}").get("result").get("id").asText();
        api.call("POST", "/zones/" + zone + "/load_balancers", "{\"name\":\"www.example.com\",\"default_pools\":[\""
                + pool + "\"],\"fallback_pool\":\"" + pool + "\",\"session_affinity\":\"cookie\","
                + "\"session_affinity_attributes\":{\"drain_duration\":120}}");
        for (int i = 0; i < 5; i++) {
            assertThat(StandaloneApi.proxied(running.proxyPort(), "www.example.com").statusCode()).isEqualTo(200);
        }
        final String page = "http://127.0.0.1:" + running.apiPort() + "/dashboard/?refresh=1";

        // Without a token: the sign-in form, and nothing of the configuration.
        browser.get(page);
        await().atMost(FLIP).until(() -> browser.findElement(By.id("login")).isDisplayed());
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.getPageSource()).doesNotContain("www.example.com").doesNotContain("o1");
        signIn("not-the-token-0123456789abcdef");
        await().atMost(FLIP).until(() -> text("#login-error").contains("10000"));
        assertThat(browser.getPageSource()).doesNotContain("www.example.com");

        // With it: the load balancer, its pool and both origins, healthy.
        signIn(TOKEN);
        await().atMost(FLIP).until(() -> browser.findElement(By.id("app")).isDisplayed());
        assertThat(text("tr.lb .lb-name")).isEqualTo("www.example.com");
        assertThat(text("tr.lb .lb-serving")).contains("web");
        await().atMost(FLIP).untilAsserted(() -> {
            assertThat(health("o1")).isEqualTo("healthy");
            assertThat(health("o2")).isEqualTo("healthy");
        });

        // An origin killed turns unhealthy on the page.
        o2.stop(0);
        await().atMost(FLIP).untilAsserted(() -> assertThat(health("o2")).isEqualTo("unhealthy"));
        assertThat(text(row("o2") + " .origin-reason")).isNotEqualTo("No failures");

        // Draining an origin from the page: the API reports it disabled, and the page counts the drain down.
        click(row("o1") + " button[data-action=drain-origin]");
        await().atMost(FLIP).untilAsserted(() -> assertThat(origin(api, pools, pool, 0).get("enabled").asBoolean())
                .isFalse());
        await().atMost(FLIP).untilAsserted(() -> {
            assertThat(health("o1")).startsWith("draining").matches("draining [12]:\\d\\d left");
            assertThat(text("#notice")).contains("origin o1");
        });

        // A change the API refuses shows the API's own message.
        // Typed for real; the row is redrawn every second, and what was typed must survive that.
        await().atMost(FLIP).ignoreExceptions().untilAsserted(() -> {
            final WebElement weight = browser.findElement(By.cssSelector(row("o2") + " input.weight"));
            weight.clear();
            weight.sendKeys("1.5");
            assertThat(weight.getAttribute("value")).isEqualTo("1.5");
        });
        final int draws = draws();
        await().atMost(FLIP).until(() -> draws() > draws); // a redraw between typing and clicking
        assertThat(browser.findElement(By.cssSelector(row("o2") + " input.weight")).getAttribute("value"))
                .isEqualTo("1.5");
        click(row("o2") + " button[data-action=set-weight]");
        await().atMost(FLIP).untilAsserted(() -> assertThat(text("#notice.error"))
                .contains("Refused").contains("weight").contains("1002"));
        assertThat(origin(api, pools, pool, 1).get("weight").asDouble()).isEqualTo(1.0);

        writeScreenshot();

        // Signing out leaves nothing of the configuration; a #token= bookmark signs in again and leaves the URL.
        click("#sign-out");
        await().atMost(FLIP).until(() -> browser.findElement(By.id("login")).isDisplayed());
        assertThat(browser.getPageSource()).doesNotContain("www.example.com");
        browser.get(page + "#token=" + TOKEN);
        await().atMost(FLIP).until(() -> !browser.findElements(By.cssSelector("tr.lb")).isEmpty());
        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);

        assertThat(contentSecurityViolations()).isEmpty();
    }

    private void signIn(String token) {
        final WebElement input = browser.findElement(By.id("token"));
        input.clear();
        input.sendKeys(token);
        click("#login-form button[type=submit]");
    }

    private String health(String origin) {
        return text(row(origin) + " .origin-health");
    }

    private static String row(String name) {
        return "tr.origin[data-origin='" + name + "']";
    }

    /**
     * The text of the first element matching {@code css}, read in one script call ("" when there is none): the page
     * redraws every second, and an element found in one call may be gone by the next.
     */
    private String text(String css) {
        final Object text = ((ChromeDriver) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '';", css);
        return String.valueOf(text);
    }

    private int draws() {
        return Integer.parseInt(String.valueOf(((ChromeDriver) browser).executeScript(
                "return document.body.dataset.draws || '0';")));
    }

    /** Clicks the first element matching {@code css}, found and clicked in one script call. */
    private void click(String css) {
        final Object clicked = ((ChromeDriver) browser).executeScript(
                "const e = document.querySelector(arguments[0]); if (e) { e.click(); } return !!e;", css);
        assertThat(clicked).as("an element matching %s", css).isEqualTo(true);
    }

    private static JsonNode origin(StandaloneApi api, String pools, String pool, int index) throws Exception {
        return api.call("GET", pools + "/" + pool, null).get("result").get("origins").get(index);
    }

    private List<String> contentSecurityViolations() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(message -> message.contains("Content Security Policy")).toList();
    }

    private void writeScreenshot() throws IOException {
        final byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        final Path target = Path.of(System.getProperty("dashboard.screenshot", "target/dashboard.png"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.write(target, png);
    }

    private WebDriver chrome(Path chromium, Path chromedriver) throws IOException {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1400",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static HttpServer origin(String body) throws IOException {
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }
}
