import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

func iso8601(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

func displayDate(_ date: Date) -> String { String(displayTime(date).prefix(10)) }
