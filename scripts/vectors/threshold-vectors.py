#!/usr/bin/env python3
"""Known-answer vectors for threshold decryption (Tests/BidCoreTests/Vectors/threshold.json).

An independent implementation of what BidCore/Crypto/Threshold does, in plain Python integers:
curve arithmetic in affine coordinates, Shamir shares over Z_n, partial decryptions D_i = s_i*E,
Lagrange interpolation in the exponent, the Chaum-Pedersen proof of docs/sealed-bid-format.md
("Proofs") with a fixed nonce, the SM2 encryption of GB/T 32918.4 (C1C3C2 DER) with a fixed k,
and ECIES-P256 as ebid wraps keys. The Swift tests check BidCore against these numbers; BidCore
never ran to make them. Needs hashlib with SM3 (OpenSSL 3) and the `cryptography` package.

    python3 scripts/vectors/threshold-vectors.py > Tests/BidCoreTests/Vectors/threshold.json
"""
import hashlib
import json
from itertools import combinations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CURVES = {
    "GM": dict(  # sm2p256v1, GB/T 32918.5
        p=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
        a=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC,
        b=0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
        n=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
        gx=0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
        gy=0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
        hash="sm3"),
    "NIST": dict(  # P-256, FIPS 186-4
        p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        a=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
        b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
        hash="sha256"),
}


class Curve:
    def __init__(self, p, a, b, n, gx, gy, hash):
        self.p, self.a, self.b, self.n, self.G, self.hash = p, a, b, n, (gx, gy), hash

    def add(self, P, Q):
        if P is None:
            return Q
        if Q is None:
            return P
        (x1, y1), (x2, y2) = P, Q
        if x1 == x2 and (y1 + y2) % self.p == 0:
            return None
        if P == Q:
            lam = (3 * x1 * x1 + self.a) * pow(2 * y1, -1, self.p) % self.p
        else:
            lam = (y2 - y1) * pow(x2 - x1, -1, self.p) % self.p
        x3 = (lam * lam - x1 - x2) % self.p
        return (x3, (lam * (x1 - x3) - y1) % self.p)

    def mul(self, k, P):
        R = None
        k %= self.n
        while k:
            if k & 1:
                R = self.add(R, P)
            P = self.add(P, P)
            k >>= 1
        return R

    def on_curve(self, P):
        x, y = P
        return (y * y - x * x * x - self.a * x - self.b) % self.p == 0

    def H(self, data):
        return hashlib.new(self.hash, data).digest()


def enc(P):
    return b"\x04" + P[0].to_bytes(32, "big") + P[1].to_bytes(32, "big")


def be32(v):
    return v.to_bytes(4, "big")


def lp(b):
    return be32(len(b)) + b


def sc(v):
    return v.to_bytes(32, "big").hex()


def challenge(curve, label, context, points):
    m = b"ebid-dleq1" + lp(label.encode()) + lp(context) + b"".join(enc(P) for P in points)
    wide = curve.H(b"\x00" + m) + curve.H(b"\x01" + m)
    return int.from_bytes(wide, "big") % curve.n


def prove(curve, s, E, Y, D, label, context, r):
    A, B = curve.mul(r, curve.G), curve.mul(r, E)
    c = challenge(curve, label, context, [curve.G, Y, E, D, A, B])
    return c, (r + c * s) % curve.n


def lagrange(indices, n):
    out = []
    for i in indices:
        num, den = 1, 1
        for j in indices:
            if j != i:
                num = num * j % n
                den = den * (j - i) % n
        out.append(num * pow(den, -1, n) % n)
    return out


def sm2_kdf(z, length):
    out, ct = b"", 1
    while len(out) < length:
        out += hashlib.new("sm3", z + be32(ct)).digest()
        ct += 1
    return out[:length]


def der_len(n):
    return bytes([n]) if n < 0x80 else bytes([0x81, n])


def der_int(v):
    b = v.to_bytes(32, "big").lstrip(b"\x00") or b"\x00"
    if b[0] & 0x80:
        b = b"\x00" + b
    return b"\x02" + der_len(len(b)) + b


def der_octets(b):
    return b"\x04" + der_len(len(b)) + b


def sm2_encrypt(curve, P, message, k):
    C1 = curve.mul(k, curve.G)
    x2, y2 = curve.mul(k, P)
    X2, Y2 = x2.to_bytes(32, "big"), y2.to_bytes(32, "big")
    t = sm2_kdf(X2 + Y2, len(message))
    C2 = bytes(a ^ b for a, b in zip(message, t))
    C3 = hashlib.new("sm3", X2 + message + Y2).digest()
    body = der_int(C1[0]) + der_int(C1[1]) + der_octets(C3) + der_octets(C2)
    return b"\x30" + der_len(len(body)) + body


def ecies_encrypt(curve, R, message, e, context):
    E = curve.mul(e, curve.G)
    Z = curve.mul(e, R)[0].to_bytes(32, "big")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=enc(E) + enc(R), info=b"ebid ecies-p256 v1" + context).derive(Z)
    return enc(E) + AESGCM(key).encrypt(b"\x00" * 12, message, None)


def vectors(suite):
    curve = Curve(**CURVES[suite])
    n = curve.n
    tag = suite.encode()
    # A polynomial of degree 2 (k = 3) with coefficients from a hash, shares for n = 5 officials.
    coefficients = [int.from_bytes(hashlib.sha256(b"ebid threshold vector coefficient %d " % i + tag).digest(), "big") % n for i in range(3)]
    d = coefficients[0]
    shares = [sum(a * pow(i, l, n) for l, a in enumerate(coefficients)) % n for i in range(1, 6)]
    Y = curve.mul(d, curve.G)
    verification = [curve.mul(s, curve.G) for s in shares]
    commitments = [curve.mul(a, curve.G) for a in coefficients]
    cek = bytes(range(32))
    package = bytes(range(0xA0, 0xB0))
    context = b"ebid-sb1 wrap" + package
    k_eph = int.from_bytes(hashlib.sha256(b"ebid threshold vector ephemeral " + tag).digest(), "big") % n
    if suite == "GM":
        wrapped = sm2_encrypt(curve, Y, cek, k_eph)
        algorithm = "SM2-ENC"
    else:
        wrapped = ecies_encrypt(curve, Y, cek, k_eph, context)
        algorithm = "ECIES-P256-HKDF-SHA256-AES256GCM"
    E = curve.mul(k_eph, curve.G)
    assert curve.on_curve(E) and curve.on_curve(Y)
    keyId, tender = "00" * 32, "T-VECTOR-001"
    partials = []
    for i, s in enumerate(shares, start=1):
        D = curve.mul(s, E)
        pcontext = lp(keyId.encode()) + lp(tender.encode()) + lp(package) + be32(i)
        r = int.from_bytes(hashlib.sha256(b"ebid threshold vector nonce %d " % i + tag).digest(), "big") % n
        c, z = prove(curve, s, E, verification[i - 1], D, "partial", pcontext, r)
        partials.append(dict(index=i, point=enc(D).hex(), proof=sc(c) + sc(z)))
    combined = enc(curve.mul(d, E)).hex()
    subsets = []
    for subset in combinations(range(1, 6), 3):
        lam = lagrange(list(subset), n)
        point = None
        for i, l in zip(subset, lam):
            point = curve.add(point, curve.mul(l, curve.mul(shares[i - 1], E)))
        assert enc(point).hex() == combined
        subsets.append(dict(indices=list(subset), lagrange=[sc(v) for v in lam]))
    return dict(
        suite=suite, threshold=3, coefficients=[sc(a) for a in coefficients], commitments=[enc(P).hex() for P in commitments],
        shares=[sc(s) for s in shares], verificationKeys=[enc(P).hex() for P in verification], publicKey=enc(Y).hex(),
        keyId=keyId, tenderId=tender, packageId=package.hex(), contentKey=cek.hex(), algorithm=algorithm, wrappedKey=wrapped.hex(),
        ephemeral=enc(E).hex(), partials=partials, combined=combined, subsets=subsets,
        sm2kdf=dict(z=(b"abc" * 22)[:64].hex(), length=70, output=sm2_kdf((b"abc" * 22)[:64], 70).hex()) if suite == "GM" else None,
    )


print(json.dumps(dict(
    note="made by scripts/vectors/threshold-vectors.py (plain Python integers, independent of BidCore)",
    suites=[vectors("GM"), vectors("NIST")]), indent=1))
