import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

func printJSON<T: Encodable>(_ value: T) throws {
    print(String(decoding: try JSONEncoder.ebidPretty.encode(value), as: UTF8.self))
}
