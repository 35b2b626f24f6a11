package dev.securelink.gateway.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's Chromium, headless, driven by its chromedriver: one browser per call, each
 * with a profile of its own, all quit by {@link #close}; screenshots land in
 * {@code target/browser/}.
 */
final class Chromium implements AutoCloseable {

	static final Path BINARY = Path.of("/usr/bin/chromium");

	static final Path DRIVER = Path.of("/usr/bin/chromedriver");

	static final Path SCREENSHOTS = Path.of("target", "browser");

	private final List<WebDriver> drivers = new ArrayList<>();

	/**
	 * Skips the test without Chromium, or fails it when the environment requires the
	 * browser ({@code SECURELINK_REQUIRE_BROWSER=true}, as CI does).
	 */
	static void require() {
		if (Files.isExecutable(BINARY) && Files.isExecutable(DRIVER)) {
			return;
		}
		String message = "Browser test skipped: no " + BINARY + " or " + DRIVER
				+ ". Install them with: sudo apt-get install chromium chromium-driver";
		if ("true".equals(System.getenv("SECURELINK_REQUIRE_BROWSER"))) {
			fail(message.replace("skipped", "required (SECURELINK_REQUIRE_BROWSER=true)"));
		}
		Assumptions.abort(message);
	}

	/**
	 * A new browser whose visitor reads {@code acceptLanguage}, with {@code arguments}
	 * beyond the usual headless ones.
	 */
	WebDriver open(String acceptLanguage, String... arguments) throws IOException {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BINARY.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--disable-quic", "--window-size=1100,900",
				"--user-data-dir=" + Files.createTempDirectory("securelink-chromium"));
		options.addArguments(arguments);
		options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguage));
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(DRIVER.toString()))
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		this.drivers.add(driver);
		return driver;
	}

	/** Form posts navigate after click() returns: waits for what the next page shows. */
	static WebElement await(WebDriver browser, By locator) {
		return new WebDriverWait(browser, Duration.ofSeconds(10))
			.until(ExpectedConditions.presenceOfElementLocated(locator));
	}

	static void screenshot(WebDriver browser, String name) throws IOException {
		Files.createDirectories(SCREENSHOTS);
		File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

	@Override
	public void close() {
		this.drivers.forEach(WebDriver::quit);
		this.drivers.clear();
	}

}
