package dev.securelink.gateway.page;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.web.util.HtmlUtils;

/**
 * A page rendered once, at start-up, with markers where a request's values go: a request
 * only splices its values, HTML-escaped, between bytes that were rendered already, so
 * that no template runs on an event loop and every request gets the same bytes but for
 * those values.
 */
final class SplicedPage {

	private final byte[][] pieces;

	/** After {@code pieces[i]} comes the value of marker {@code slots[i]}. */
	private final int[] slots;

	private SplicedPage(byte[][] pieces, int[] slots) {
		this.pieces = pieces;
		this.slots = slots;
	}

	/**
	 * {@code html} cut at every place one of {@code markers} stands; each must stand at
	 * least once, or the template lost a value the page needs.
	 */
	static SplicedPage of(String html, List<String> markers) {
		List<byte[]> pieces = new ArrayList<>();
		List<Integer> slots = new ArrayList<>();
		boolean[] seen = new boolean[markers.size()];
		int from = 0;
		while (true) {
			int at = -1;
			int marker = -1;
			for (int i = 0; i < markers.size(); i++) {
				int found = html.indexOf(markers.get(i), from);
				if (found >= 0 && (at < 0 || found < at)) {
					at = found;
					marker = i;
				}
			}
			if (at < 0) {
				break;
			}
			pieces.add(html.substring(from, at).getBytes(StandardCharsets.UTF_8));
			slots.add(marker);
			seen[marker] = true;
			from = at + markers.get(marker).length();
		}
		pieces.add(html.substring(from).getBytes(StandardCharsets.UTF_8));
		for (int i = 0; i < seen.length; i++) {
			if (!seen[i]) {
				throw new IllegalStateException("The rendered page does not show " + markers.get(i));
			}
		}
		return new SplicedPage(pieces.toArray(byte[][]::new), slots.stream().mapToInt(Integer::intValue).toArray());
	}

	/** The page with {@code values} (one per marker, in the markers' order) put in. */
	byte[] render(List<String> values) {
		return renderTrusted(values.stream().map(SplicedPage::escape).toList());
	}

	/** {@code value} HTML-escaped, as {@link #render} puts it in. */
	static byte[] escape(String value) {
		return HtmlUtils.htmlEscape(value, "UTF-8").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The page with {@code escaped} put in as given: HTML this class made (escaped
	 * values, or other spliced pages), never a request's text.
	 */
	byte[] renderTrusted(List<byte[]> escaped) {
		ByteArrayOutputStream body = new ByteArrayOutputStream(this.pieces[0].length + 4096);
		for (int i = 0; i < this.pieces.length; i++) {
			body.writeBytes(this.pieces[i]);
			if (i < this.slots.length) {
				body.writeBytes(escaped.get(this.slots[i]));
			}
		}
		return body.toByteArray();
	}

}
