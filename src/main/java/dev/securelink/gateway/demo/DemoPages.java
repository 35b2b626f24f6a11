package dev.securelink.gateway.demo;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * What {@link DemoDocumentService} answers with: its documents' HTML page around their
 * content, and the invoice as a PDF.
 */
final class DemoPages {

	private DemoPages() {
	}

	/** A page titled {@code title}: {@code body}, then the assertion's verdict. */
	static Mono<Void> html(HttpServerResponse response, String title, String body, String verdict) {
		String page = """
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
				<title>%s</title>
				<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}
				.ok{color:#1b5e20}.bad{color:#b3261e}button{font-size:1rem;padding:.6rem 1.2rem}</style></head>
				<body><main><h1>%s</h1>%s%s<p><small>Demo document service behind securelink-gateway</small></p>
				</main></body></html>
				""".formatted(title, title, body, verdict);
		return response.header("Content-Type", "text/html; charset=utf-8")
			.sendString(Mono.just(page), StandardCharsets.UTF_8)
			.then();
	}

	/** A one-page PDF that any viewer opens. */
	static byte[] pdf() {
		String text = "Invoice 2026-0042 - Acme Consulting - EUR 1,250.00";
		String stream = "BT /F1 18 Tf 72 720 Td (" + text + ") Tj ET";
		String[] objects = { "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
						+ "/Resources << /Font << /F1 5 0 R >> >> >>",
				"<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
				"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" };
		StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
		int[] offsets = new int[objects.length];
		for (int i = 0; i < objects.length; i++) {
			offsets[i] = pdf.length();
			pdf.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
		}
		int xref = pdf.length();
		pdf.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
		for (int offset : offsets) {
			pdf.append(String.format("%010d 00000 n \n", offset));
		}
		pdf.append("trailer\n<< /Size ")
			.append(objects.length + 1)
			.append(" /Root 1 0 R >>\nstartxref\n")
			.append(xref)
			.append("\n%%EOF\n");
		return pdf.toString().getBytes(StandardCharsets.US_ASCII);
	}

}
