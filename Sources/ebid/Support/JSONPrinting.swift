import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

func printJSON<T: Encodable>(_ value: T) throws {
    print(String(decoding: try JSONEncoder.ebidPretty.encode(value), as: UTF8.self))
}
