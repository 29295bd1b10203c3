internal import COpenSSL
import Foundation

/// An X.509 name as an ordered list of attributes. The attributes ebid reads: CN, O, OU, C, ST, L,
/// and serialNumber (which holds the unified social credit code of an organisation, or a person id).
public struct DistinguishedName: Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Attribute: Sendable, Hashable, Codable {
        /// OpenSSL short name: CN, O, OU, C, ST, L, serialNumber, emailAddress…
        public let type: String
        public let value: String
        public init(_ type: String, _ value: String) {
            self.type = type
            self.value = value
        }
    }

    public var attributes: [Attribute]

    public init(_ attributes: [Attribute]) { self.attributes = attributes }

    public init(commonName: String, organization: String? = nil, organizationalUnit: String? = nil,
                serialNumber: String? = nil, country: String? = "CN") {
        var list: [Attribute] = []
        if let country { list.append(.init("C", country)) }
        if let organization { list.append(.init("O", organization)) }
        if let organizationalUnit { list.append(.init("OU", organizationalUnit)) }
        if let serialNumber { list.append(.init("serialNumber", serialNumber)) }
        list.append(.init("CN", commonName))
        self.attributes = list
    }

    public func first(_ type: String) -> String? { attributes.first { $0.type == type }?.value }

    public var commonName: String? { first("CN") }
    public var organization: String? { first("O") }
    public var organizationalUnit: String? { first("OU") }
    public var serialNumber: String? { first("serialNumber") }

    /// `C=CN, O=…, serialNumber=…, CN=…` in certificate order; values are not escaped (display only).
    public var description: String { attributes.map { "\($0.type)=\($0.value)" }.joined(separator: ", ") }

    init(x509Name name: OpaquePointer) {
        var list: [Attribute] = []
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index),
                  let object = X509_NAME_ENTRY_get_object(entry),
                  let data = X509_NAME_ENTRY_get_data(entry) else { continue }
            let nid = OBJ_obj2nid(object)
            let type = nid == NID_undef ? "OID" : String(cString: OBJ_nid2sn(nid))
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            guard length >= 0, let utf8 else { OpenSSLErrors.clear(); continue }
            let value = String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
            ebid_openssl_free(utf8)
            list.append(.init(type, value))
        }
        self.attributes = list
    }

    /// A new X509_NAME; the caller frees it.
    func makeX509Name() throws -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw OpenSSLErrors.failure(.openssl, "X509_NAME_new") }
        for attribute in attributes {
            let nid = OBJ_txt2nid(attribute.type)
            guard nid != NID_undef else {
                X509_NAME_free(name)
                throw BidCoreError(.invalidInput, "unknown name attribute \(attribute.type)")
            }
            // C must be PrintableString; everything else UTF8String so Chinese names survive.
            let type: Int32 = attribute.type == "C" || attribute.type == "serialNumber" ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING
            let bytes = Array(attribute.value.utf8)
            let rc = bytes.withUnsafeBufferPointer {
                X509_NAME_add_entry_by_NID(name, nid, type, $0.baseAddress, Int32($0.count), -1, 0)
            }
            guard rc == 1 else {
                X509_NAME_free(name)
                throw OpenSSLErrors.failure(.invalidInput, "adding \(attribute.type)=\(attribute.value) to a name")
            }
        }
        return name
    }
}
