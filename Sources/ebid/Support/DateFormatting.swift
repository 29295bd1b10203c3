import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

func iso8601(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

func displayDate(_ date: Date) -> String { String(displayTime(date).prefix(10)) }
