package dev.securelink.gateway.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;

/**
 * The public half of an EC private key: Q = d·G. A PKCS#8 file need not carry the public key and the JDK has no
 * call that derives it, so it is computed once at start-up (affine double-and-add; the key is configuration, not
 * attacker input, so constant time does not matter here).
 */
final class EcPublicKeys {

	private EcPublicKeys() {
	}

	static ECPublicKey derive(ECPrivateKey privateKey) {
		ECParameterSpec params = privateKey.getParams();
		BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
		BigInteger a = params.getCurve().getA();
		ECPoint result = ECPoint.POINT_INFINITY;
		ECPoint addend = params.getGenerator();
		BigInteger d = privateKey.getS();
		for (int i = 0; i < d.bitLength(); i++) {
			if (d.testBit(i)) {
				result = add(result, addend, p, a);
			}
			addend = add(addend, addend, p, a);
		}
		try {
			return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(result, params));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not derive the assertion public key", ex);
		}
	}

	private static ECPoint add(ECPoint first, ECPoint second, BigInteger p, BigInteger a) {
		if (first.equals(ECPoint.POINT_INFINITY)) {
			return second;
		}
		if (second.equals(ECPoint.POINT_INFINITY)) {
			return first;
		}
		BigInteger x1 = first.getAffineX();
		BigInteger y1 = first.getAffineY();
		BigInteger x2 = second.getAffineX();
		BigInteger y2 = second.getAffineY();
		BigInteger slope;
		if (x1.equals(x2)) {
			if (y1.add(y2).mod(p).signum() == 0) {
				return ECPoint.POINT_INFINITY;
			}
			slope = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
		}
		else {
			slope = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
		}
		BigInteger x3 = slope.pow(2).subtract(x1).subtract(x2).mod(p);
		BigInteger y3 = slope.multiply(x1.subtract(x3)).subtract(y1).mod(p);
		return new ECPoint(x3, y3);
	}

}
