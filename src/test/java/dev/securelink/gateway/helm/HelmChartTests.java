package dev.securelink.gateway.helm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import dev.securelink.gateway.paths.GatewayPaths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart, linted and rendered by a real Helm (from Maven Central, through helm-java),
 * without a cluster.
 */
class HelmChartTests {

	static final Path CHART = Path.of("helm", "securelink-gateway");

	@Test
	void lintWhenStrictThenClean() {
		LintResult result = new Helm(chartWithCiDefaults()).lint().strict().call();
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
	}

	static Stream<Path> ciValues() throws Exception {
		try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
			return files.filter((file) -> file.toString().endsWith("-values.yaml")).sorted().toList().stream();
		}
	}

	@ParameterizedTest
	@MethodSource("ciValues")
	void templateWhenEveryCiValuesFileThenHardenedPodWithProbesOnTheManagementPort(Path values) {
		Map<String, Map<String, Object>> objects = render(values);
		Map<String, Object> deployment = objects.get("Deployment");
		Map<String, Object> pod = map(deployment, "spec", "template", "spec");
		assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true)
			.containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
		Map<String, Object> container = map(pod, "containers", 0);
		assertThat(map(container, "securityContext")).containsEntry("readOnlyRootFilesystem", true)
			.containsEntry("allowPrivilegeEscalation", false)
			.containsEntry("capabilities", Map.of("drop", List.of("ALL")));
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(map(container, probe, "httpGet")).as(probe).containsEntry("port", "management");
		}
		assertThat(map(container, "readinessProbe", "httpGet")).containsEntry("path", "/actuator/health/readiness");
		assertThat(map(container, "lifecycle", "preStop", "sleep")).containsEntry("seconds", 10);
		assertThat(pod).containsEntry("terminationGracePeriodSeconds", 40);
		assertThat((List<Map<String, Object>>) pod.get("volumes")).anySatisfy(
				(volume) -> assertThat(volume).containsEntry("name", "tmp").containsEntry("emptyDir", Map.of()));
		assertThat(map(deployment, "spec", "template", "metadata", "annotations")).containsKey("checksum/config");
		assertThat((List<Map<String, Object>>) container.get("env")).anySatisfy((env) -> assertThat(env)
			.containsEntry("name", "SECURELINK_KEYS_SESSION")
			.containsEntry("valueFrom",
					Map.of("secretKeyRef", Map.of("name", "securelink-gateway", "key", "SECURELINK_KEYS_SESSION"))));
	}

	@Test
	void templateWhenHighlyAvailableThenIngressRoutesOnlyPublicPathsAndHpaPdbServiceMonitorExist() {
		Map<String, Map<String, Object>> objects = render(CHART.resolve("ci/ha-values.yaml"));
		List<Map<String, Object>> rules = path(objects.get("Ingress"), "spec", "rules");
		assertThat(rules).extracting((rule) -> rule.get("host"))
			.containsExactly("docs.acme.example", "facturen.acme.example", "*.docs.acme-content.example");
		for (int i = 0; i < 2; i++) {
			List<Map<String, Object>> paths = path(rules.get(i), "http", "paths");
			assertThat(paths).extracting((path) -> path.get("path"))
				.containsExactlyElementsOf(GatewayPaths.PUBLIC_PREFIXES);
		}
		assertThat(path(rules.get(2), "http", "paths").toString()).as("every path of a document's host")
			.contains("path=/,");
		assertThat(path(objects.get("Ingress"), "spec", "tls").toString())
			.contains("secretName=docs-acme-tls", "hosts=[docs.acme.example]")
			.contains("hosts=[*.docs.acme-content.example], secretName=docs-acme-content-wildcard-tls")
			.contains("hosts=[facturen.acme.example], secretName=facturen-acme-tls");
		assertThat(objects.get("Ingress").toString()).doesNotContain("/admin").doesNotContain("9090");
		assertThat(objects.get("HorizontalPodAutoscaler")).containsEntry("apiVersion", "autoscaling/v2");
		assertThat(map(objects.get("HorizontalPodAutoscaler"), "spec")).containsEntry("minReplicas", 3)
			.containsEntry("maxReplicas", 12);
		assertThat(map(objects.get("Deployment"), "spec")).doesNotContainKey("replicas");
		assertThat(map(objects.get("PodDisruptionBudget"), "spec")).containsEntry("maxUnavailable", 1);
		assertThat(map(objects.get("ServiceMonitor"), "spec", "endpoints", 0)).containsEntry("port", "management")
			.containsEntry("path", "/actuator/prometheus");
		String config = path(objects.get("ConfigMap"), "data", "application.yaml");
		assertThat(config).contains("public-base-url: https://docs.acme.example")
			.contains("idle-timeout: 20m")
			.contains("issuer-uri: https://login.acme.example/realms/invoicing")
			.contains("- securelink-admin")
			.contains("transaction-pooler: true")
			.contains("origin: https://{link}.docs.acme-content.example");
		assertThat(map(objects.get("Deployment"), "spec", "template", "spec", "containers", 0).get("env").toString())
			.contains("name=SECURELINK_CHANGE_FEED_LISTEN_URL");
		Map<String, Object> policy = map(objects.get("NetworkPolicy"), "spec");
		assertThat(policy.get("policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
		assertThat(policy.get("egress").toString()).contains("port=53").contains("port=5432").contains("port=8080");
		assertThat(objects).containsKey("Service/admin");
	}

	@Test
	void templateWhenSingleReplicaThenNoPdbAndWhatWasSwitchedOffIsAbsent() {
		Map<String, Map<String, Object>> objects = render(CHART.resolve("ci/single-values.yaml"));
		assertThat(objects).doesNotContainKeys("PodDisruptionBudget", "NetworkPolicy", "Service/admin", "Ingress",
				"HorizontalPodAutoscaler");
	}

	@Test
	void templateWhenConfigChangesThenThePodTemplateChangesSoPodsRoll() {
		String before = new Helm(CHART).template()
			.withName("gw")
			.withValuesFile(CHART.resolve("ci/default-values.yaml"))
			.call();
		String after = new Helm(CHART).template()
			.withName("gw")
			.withValuesFile(CHART.resolve("ci/default-values.yaml"))
			.set("publicBaseUrl", "https://other.example")
			.call();
		assertThat(checksum(before)).isNotEqualTo(checksum(after));
	}

	@Test
	void templateWhenValuesBreakTheSchemaThenRefused() {
		assertThatThrownBy(() -> template().set("replicaCount", "three").call()).hasMessageContaining("replicaCount");
		assertThatThrownBy(() -> template().set("replicas", 3).call()).hasMessageContaining("replicas");
		assertThatThrownBy(() -> template().set("upstream.url", "ftp://x").call()).hasMessageContaining("upstream");
	}

	@Test
	void templateWhenDefaultThenTheAdminApiHasItsOwnPortThatOnlyAdminClientsReach() {
		Map<String, Map<String, Object>> objects = render(CHART.resolve("ci/default-values.yaml"));
		assertThat((String) path(objects.get("ConfigMap"), "data", "application.yaml")).contains("port: 8081");
		assertThat(path(objects.get("Service/admin"), "spec", "ports", 0, "targetPort").toString()).isEqualTo("admin");
		assertThat(path(objects.get("Deployment"), "spec", "template", "spec", "containers", 0, "ports").toString())
			.contains("name=admin")
			.contains("containerPort=8081");
		List<Map<String, Object>> ingress = path(objects.get("NetworkPolicy"), "spec", "ingress");
		assertThat(ingress.get(1).toString()).contains("port=admin");
		assertThat(ingress.get(0).toString()).contains("port=http").doesNotContain("admin");
	}

	@Test
	void templateWhenASeccompProfileIsNamedThenThePodsRunUnderItRuntimeDefaultOtherwise() {
		assertThat(template().call()).contains("seccompProfile:\n          type: RuntimeDefault");
		assertThat(template().set("seccompProfile", "null").call()).as("unset: the runtime's default all the same")
			.contains("seccompProfile:\n          type: RuntimeDefault");
		String localhost = template().set("seccompProfile.type", "Localhost")
			.set("seccompProfile.localhostProfile", "profiles/securelink-io-uring.json")
			.call();
		assertThat(localhost).contains("localhostProfile: profiles/securelink-io-uring.json")
			.contains("type: Localhost")
			.doesNotContain("RuntimeDefault");
		assertThatThrownBy(() -> template().set("seccompProfile.type", "Unconfined").call())
			.as("no seccomp at all is not offered")
			.hasMessageContaining("seccompProfile");
	}

	@Test
	void templateWhenBehindAnyProxyWithoutTrustedProxiesThenRefusedSayingWhatToSet() {
		assertThatThrownBy(() -> withDocuments().call())
			.as("the default exposure, through a proxy, without the chart's own Ingress")
			.hasMessageContaining("trustedProxies is required with exposure=ingress")
			.hasMessageContaining("proxy-real-ip-cidr");
		assertThatThrownBy(() -> withDocuments().set("ingress.enabled", "true").call())
			.hasMessageContaining("trustedProxies is required with exposure=ingress");
		assertThat(withDocuments().set("ingress.enabled", "true").set("trustedProxies[0]", "10.42.0.0/16").call())
			.contains("kind: Ingress")
			.contains("- 10.42.0.0/16");
	}

	@Test
	void templateWhenNoDocumentOriginThenRefusedUnlessTheSharedOriginIsAskedFor() {
		assertThatThrownBy(() -> template().set("documents.origin", "").call())
			.hasMessageContaining("documents.origin is required")
			.hasMessageContaining("documents.sharedOrigin=true");
		assertThatThrownBy(() -> template().set("documents.origin", "https://docs.example.net").call())
			.hasMessageContaining("must be an origin whose host begins with {link}.");
		assertThatThrownBy(() -> template().set("documents.sharedOrigin", "true").call())
			.hasMessageContaining("contradict");
		String shared = template().set("documents.origin", "").set("documents.sharedOrigin", "true").call();
		assertThat(shared).contains("shared-origin: true");
	}

	@Test
	void templateWhenExposedDirectlyThenNoProxyIsTrustedAndClientAddressesAreKept() {
		assertThatThrownBy(() -> direct().set("ingress.enabled", "true").call())
			.hasMessageContaining("exposure=direct and ingress.enabled=true contradict");
		assertThatThrownBy(() -> direct().set("trustedProxies[0]", "10.42.0.0/16").call())
			.hasMessageContaining("trustedProxies must be empty with exposure=direct");
		assertThatThrownBy(() -> direct().set("service.type", "LoadBalancer").call())
			.hasMessageContaining("service.externalTrafficPolicy=Local is required");
		String direct = direct().set("service.type", "LoadBalancer")
			.set("service.externalTrafficPolicy", "Local")
			.call();
		assertThat(direct).contains("type: LoadBalancer").contains("externalTrafficPolicy: Local");
		assertThat(direct.substring(direct.indexOf("kind: NetworkPolicy"))).as("customers from anywhere")
			.contains("# Customers, straight from anywhere");
		assertThatThrownBy(() -> template().set("service.type", "LoadBalancer").call())
			.hasMessageContaining("service.type must be ClusterIP with exposure=ingress");
	}

	/** The chart with nothing in front of it. */
	private static com.marcnuri.helm.TemplateCommand direct() {
		return withDocuments().set("exposure", "direct");
	}

	/** The chart's defaults and a document origin, which has no default. */
	private static com.marcnuri.helm.TemplateCommand withDocuments() {
		return new Helm(CHART).template().withName("gw").set("documents.origin", "https://{link}.docs.example.net");
	}

	/**
	 * A rendering as installed with the CI defaults (a secret, behind an ingress
	 * controller).
	 */
	private static com.marcnuri.helm.TemplateCommand template() {
		return new Helm(CHART).template().withName("gw").withValuesFile(CHART.resolve("ci/default-values.yaml"));
	}

	/**
	 * A copy of the chart whose values are the CI defaults: helm lint takes no values
	 * file, and the chart refuses to render without trustedProxies.
	 */
	private static Path chartWithCiDefaults() {
		try {
			Path copy = Files.createTempDirectory("chart-lint").resolve("securelink-gateway");
			try (Stream<Path> files = Files.walk(CHART)) {
				for (Path file : files.toList()) {
					Path target = copy.resolve(CHART.relativize(file).toString());
					if (Files.isDirectory(file)) {
						Files.createDirectories(target);
					}
					else {
						Files.copy(file, target);
					}
				}
			}
			Files.writeString(copy.resolve("values.yaml"),
					"\n" + Files.readString(CHART.resolve("ci/default-values.yaml")),
					java.nio.file.StandardOpenOption.APPEND);
			return copy;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void templateWhenMonitoringEnabledThenThePrometheusRuleHoldsTheCheckedAlertsAndTheDashboardIsLabelled()
			throws Exception {
		Map<String, Map<String, Object>> objects = render(CHART.resolve("ci/ha-values.yaml"));
		Map<String, Object> rule = objects.get("PrometheusRule");
		assertThat(rule).containsEntry("apiVersion", "monitoring.coreos.com/v1");
		assertThat(map(rule, "metadata", "labels")).containsEntry("release", "prometheus");
		Map<String, Object> alerts = new Yaml().load(Files.readString(CHART.resolve("files/alerts.yaml")));
		assertThat(map(rule, "spec")).isEqualTo(alerts);
		Map<String, Object> dashboard = objects.get("ConfigMap/dashboard");
		assertThat(map(dashboard, "metadata", "labels")).containsEntry("grafana_dashboard", "1");
		assertThat(map(dashboard, "metadata")).containsEntry("namespace", "monitoring");
		String json = path(dashboard, "data", "securelink-gateway.json");
		Map<String, Object> parsed = new Yaml().load(json);
		assertThat((List<Object>) parsed.get("panels")).hasSizeGreaterThanOrEqualTo(8);
		assertThat(json).isEqualTo(Files.readString(CHART.resolve("files/dashboard.json")).stripTrailing());

		Map<String, Map<String, Object>> plain = render(CHART.resolve("ci/default-values.yaml"));
		assertThat(plain).doesNotContainKeys("PrometheusRule", "ConfigMap/dashboard");
	}

	@Test
	void templateWhenGracePeriodShorterThanPreStopDrainAndShutdownThenRefusedAndTheDrainIsConfigured() {
		assertThatThrownBy(() -> template().set("drainSeconds", "15").call())
			.hasMessageContaining("terminationGracePeriodSeconds (40) must cover")
			.hasMessageContaining("at least 45");
		String manifests = template().set("drainSeconds", "8").call();
		assertThat(manifests).contains("drain-time: 8s").contains("terminationGracePeriodSeconds: 40");
	}

	@Test
	void templateWhenAdminTokensWithoutAudienceOrIssuerThenRefusedNamingTheValue() {
		assertThatThrownBy(() -> template().set("adminAuth.issuerUri", "https://login.example/realms/x").call())
			.hasMessageContaining("adminAuth.audiences is required");
		assertThatThrownBy(() -> template().set("adminAuth.jwkSetUri", "https://login.example/keys")
			.set("adminAuth.audiences[0]", "securelink-admin")
			.call()).hasMessageContaining("adminAuth.issuer is required");
		String manifests = template().set("adminAuth.jwkSetUri", "https://login.example/keys")
			.set("adminAuth.audiences[0]", "securelink-admin")
			.set("adminAuth.issuer", "https://login.example")
			.call();
		assertThat(manifests).contains("jwk-set-uri: https://login.example/keys")
			.contains("- securelink-admin")
			.contains("issuer: https://login.example");
	}

	@Test
	void templateWhenTracingHasAnEndpointThenTheGatewayExportsThereAndMayReachTheCollector() {
		Map<String, Map<String, Object>> traced = render(CHART.resolve("ci/ha-values.yaml"));
		Map<String, Object> config = new Yaml()
			.load((String) path(traced.get("ConfigMap"), "data", "application.yaml"));
		assertThat((Object) path(config, "management", "opentelemetry", "tracing", "export", "otlp", "endpoint"))
			.isEqualTo("http://otel-collector.monitoring:4318/v1/traces");
		assertThat((Object) path(config, "management", "tracing", "sampling", "probability")).isEqualTo(0.25);
		String policy = new Yaml().dump(traced.get("NetworkPolicy"));
		assertThat(policy).contains("port: 4318").contains("port: 443").contains("cidr: 0.0.0.0/0");

		Map<String, Map<String, Object>> plain = render(CHART.resolve("ci/default-values.yaml"));
		Map<String, Object> off = new Yaml().load((String) path(plain.get("ConfigMap"), "data", "application.yaml"));
		assertThat(off).doesNotContainKey("management");
		assertThat(new Yaml().dump(plain.get("NetworkPolicy"))).doesNotContain("port: 4318");
		assertThatThrownBy(() -> template().set("tracing.otlpEndpoint", "otel-collector:4318").call())
			.hasMessageContaining("otlpEndpoint");
	}

	@Test
	void templateWhenMailIsOnThenTheRelayComesFromTheSecretWithStarttlsRequiredAndFromIsRequired() {
		Map<String, Map<String, Object>> mailed = render(CHART.resolve("ci/ha-values.yaml"));
		Map<String, Object> config = new Yaml()
			.load((String) path(mailed.get("ConfigMap"), "data", "application.yaml"));
		assertThat((Object) path(config, "securelink", "mail", "from"))
			.isEqualTo("Acme documents <no-reply@docs.acme.example>");
		assertThat((Object) path(config, "spring", "mail", "properties", "[mail.smtp.starttls.required]"))
			.isEqualTo(true);
		assertThat((Object) path(config, "spring", "security", "oauth2", "resourceserver", "jwt", "issuer-uri"))
			.as("the admin API's settings are kept beside")
			.isEqualTo("https://login.acme.example/realms/invoicing");
		String deployment = new Yaml().dump(mailed.get("Deployment"));
		assertThat(deployment).contains("name: SPRING_MAIL_HOST", "name: SPRING_MAIL_PASSWORD", "optional: true");
		assertThat(new Yaml().dump(mailed.get("NetworkPolicy"))).contains("port: 587");

		Map<String, Map<String, Object>> plain = render(CHART.resolve("ci/default-values.yaml"));
		assertThat(new Yaml().dump(plain.get("Deployment"))).doesNotContain("SPRING_MAIL_HOST");
		assertThat(new Yaml().dump(plain.get("NetworkPolicy"))).doesNotContain("port: 587");
		assertThatThrownBy(() -> template().set("mail.enabled", "true").set("existingSecret", "s").call())
			.hasMessageContaining("mail.from is required");
		assertThatThrownBy(() -> template().set("mail.enabled", "true")
			.set("mail.from", "a@b.example")
			.set("existingSecret", "")
			.call()).hasMessageContaining("mail.enabled needs existingSecret");
	}

	private static String checksum(String manifests) {
		int at = manifests.indexOf("checksum/config:");
		return manifests.substring(at, manifests.indexOf('\n', at));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> render(Path values) {
		String manifests = new Helm(CHART).template().withName("gw").withValuesFile(values).call();
		Map<String, Map<String, Object>> byKind = new java.util.LinkedHashMap<>();
		for (Object document : new Yaml().loadAll(manifests)) {
			if (document instanceof Map<?, ?> object) {
				String kind = (String) object.get("kind");
				Map<String, Object> labels = map(object, "metadata", "labels");
				String component = (labels != null) ? (String) labels.get("app.kubernetes.io/component") : null;
				byKind.put((component != null) ? kind + "/" + component : kind, (Map<String, Object>) object);
			}
		}
		return byKind;
	}

	private static Map<String, Object> map(Object root, Object... steps) {
		return path(root, steps);
	}

	@SuppressWarnings("unchecked")
	private static <T> T path(Object root, Object... steps) {
		Object current = root;
		for (Object step : steps) {
			if (current == null) {
				return null;
			}
			current = (step instanceof Integer index) ? ((List<Object>) current).get(index)
					: ((Map<String, Object>) current).get(step);
		}
		return (T) current;
	}

}
