// libFuzzer target: the JSON readers of signed documents — StrictJSON (the gate every reader
// passes), the sealed-bid header and manifest, and the opening key file — fed arbitrary bytes.
// Built and run by scripts/fuzz.sh; see Fuzz/README.md. Beyond "no crash, no hang, no memory
// error" it checks that no document decodes that StrictJSON refuses, and that an object StrictJSON
// accepts, once parsed and re-encoded by Foundation, is still accepted (escapes and numbers
// survive the round trip).
import BidCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    let strict = (try? StrictJSON.check(bytes)) != nil
    if strict, let object = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]) as? [String: Any] {
        if let reencoded = try? JSONSerialization.data(withJSONObject: object), (try? StrictJSON.check(reencoded)) == nil {
            fatalError("Foundation's re-encoding of an accepted object is refused")
        }
    }
    let header = try? JSONDecoder.ebid.decodeStrict(SealedBidHeader.self, from: bytes)
    if header != nil, !strict { fatalError("a header decoded that StrictJSON refuses") }
    try? header?.validate()
    let manifest = try? JSONDecoder.ebid.decodeStrict(BidManifest.self, from: bytes)
    if manifest != nil, !strict { fatalError("a manifest decoded that StrictJSON refuses") }
    try? manifest?.validate()
    if (try? OpeningKeyFile.load(bytes)) != nil, !strict { fatalError("an opening key file loaded that StrictJSON refuses") }
    return 0
}
