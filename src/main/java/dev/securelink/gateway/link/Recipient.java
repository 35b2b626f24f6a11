package dev.securelink.gateway.link;

import java.util.Set;

/**
 * One of a link's recipients, as a session knows them.
 *
 * @param index the recipient's index: in the creating request's order for those it named,
 * after them for those added since
 * @param rights what this recipient may do (a colleague no more than who shared with
 * them)
 * @param delegatedBy the index of the recipient who shared the document with this one, or
 * -1 (named by the creating request, or of an allowed domain)
 * @param depth how many shares away from a recipient the creating request named (0 for
 * those, and for a domain's people)
 */
public record Recipient(int index, Set<Right> rights, int delegatedBy, int depth) {

	/** Whether someone shared the document with this recipient. */
	public boolean delegated() {
		return this.delegatedBy >= 0;
	}

}
