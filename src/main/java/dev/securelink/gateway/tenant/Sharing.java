package dev.securelink.gateway.tenant;

import java.util.Arrays;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What a verified recipient may pass on to a colleague ({@code recipientSharing} in a
 * company's settings, or stricter on a link): nothing, viewing, viewing and signing, or
 * everything they may do themselves. Rights are named by id ({@code view}, {@code sign},
 * {@code pay}), as links spell them.
 */
public enum Sharing {

	/** No one may share; the share page does not exist. */
	OFF("off"),

	/** A colleague may view. */
	VIEW("view"),

	/** A colleague may view and sign. */
	VIEW_SIGN("view+sign"),

	/** A colleague may do what the sharer may. */
	FULL("full");

	private final String id;

	Sharing(String id) {
		this.id = id;
	}

	/** The value as the settings API and the database spell it. */
	public String id() {
		return this.id;
	}

	/** The value spelled {@code id} (any case), or null for none. */
	public static @Nullable Sharing of(String id) {
		String lower = id.toLowerCase(Locale.ROOT);
		return Arrays.stream(values()).filter((sharing) -> sharing.id.equals(lower)).findFirst().orElse(null);
	}

	/** Whether a right of this id may be passed on. */
	public boolean allows(String right) {
		return switch (this) {
			case OFF -> false;
			case VIEW -> right.equals("view");
			case VIEW_SIGN -> right.equals("view") || right.equals("sign");
			case FULL -> true;
		};
	}

	/** The stricter of this and {@code other} (this when {@code other} is null). */
	public Sharing stricter(@Nullable Sharing other) {
		return (other != null && other.ordinal() < ordinal()) ? other : this;
	}

}
