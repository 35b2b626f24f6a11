package dev.securelink.gateway.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;

import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * The public half of the assertion's EC P-256 private key, Q = d·G, computed once at
 * start-up with BouncyCastle's curve arithmetic: a PKCS#8 file need not carry the public
 * key, and the JDK has no call that derives it.
 */
final class EcPublicKeys {

	private static final ECNamedCurveParameterSpec P256 = ECNamedCurveTable.getParameterSpec("secp256r1");

	private EcPublicKeys() {
	}

	static ECPublicKey derive(ECPrivateKey privateKey) {
		org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), privateKey.getS())
			.normalize();
		ECPoint point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
		try {
			return (ECPublicKey) KeyFactory.getInstance("EC")
				.generatePublic(new ECPublicKeySpec(point, privateKey.getParams()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not derive the assertion's public key", ex);
		}
	}

}
