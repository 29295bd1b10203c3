// libFuzzer target: the sealed-bid framer, verifier and opener (docs/sealed-bid-format.md) fed
// arbitrary bytes. Built and run by scripts/fuzz.sh (swiftc -sanitize=fuzzer,address); see
// Fuzz/README.md. Beyond "no crash, no hang, no memory error" it checks:
// - nothing verifies but the seeds, unchanged (a mutated package that verifies is a forgery);
// - the verifier's answer (success, or the error code) does not depend on how the input is cut;
// - nothing opens with the opening key that does not verify.
import BidCore
import Foundation

private final class Context {
    let trust: TrustStore
    let openingKeys: [PrivateKey]
    var seedDigests = Set<String>()
    /// Inside the demo certificates' validity (2025–2036).
    let time = Date(timeIntervalSince1970: 1_795_000_000)

    init() {
        let root = ProcessInfo.processInfo.environment["EBID_FUZZ_ROOT"] ?? "."
        do {
            trust = try TrustStore(anchorFiles: ["\(root)/keys/gm/ca.crt.pem", "\(root)/keys/nist/ca.crt.pem"],
                                   crlFiles: ["\(root)/keys/gm/crl.pem", "\(root)/keys/nist/crl.pem"])
            openingKeys = try ["gm", "nist"].map { try PrivateKey(pemFile: "\(root)/keys/fuzz/opening-\($0).key.pem") }
            let seeds = "\(root)/Fuzz/corpus/sealed-bid"
            for name in try FileManager.default.contentsOfDirectory(atPath: seeds) where name.hasPrefix("seed-") {
                let verified = try SealedBidVerifier.verify(file: "\(seeds)/\(name)", trust: trust, at: time)
                seedDigests.insert(verified.packageDigestString)
            }
        } catch {
            fatalError("the fuzz context cannot be set up (run from the project root, or set EBID_FUZZ_ROOT): \(error)")
        }
        guard !seedDigests.isEmpty else { fatalError("no seed packages in Fuzz/corpus/sealed-bid") }
    }
}

private let context = Context()

private enum Outcome: Equatable {
    case verified(String)
    case refused(String)
}

private func verify(_ bytes: [UInt8], cut: Int) -> Outcome {
    let verifier = SealedBidVerifier(trust: context.trust, at: context.time)
    do {
        try verifier.feed(Array(bytes[..<cut]))
        try verifier.feed(Array(bytes[cut...]))
        return .verified(try verifier.finish().packageDigestString)
    } catch let error as BidCoreError {
        return .refused(error.code.rawValue)
    } catch {
        return .refused("\(type(of: error))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSealedBid(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let whole = verify(bytes, cut: bytes.count)
    let cut = verify(bytes, cut: bytes.isEmpty ? 0 : Int(bytes[bytes.count - 1]) * bytes.count / 256)
    guard whole == cut else { fatalError("the verifier's answer depends on how the input is cut: \(whole) whole, \(cut) cut") }
    if case .verified(let digest) = whole, !context.seedDigests.contains(digest) {
        fatalError("a package that is not a seed verified (digest \(digest))")
    }
    for key in context.openingKeys {
        let opener = SealedBidOpener(key: .privateKey(key), options: .init(trust: context.trust, time: context.time), sink: DiscardingPartSink())
        if (try? opener.feed(bytes)) != nil, (try? opener.finish()) != nil, case .refused(let code) = whole {
            fatalError("a package opened that does not verify (\(code))")
        }
    }
    return 0
}
