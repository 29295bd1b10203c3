import BidCore
import BidDesks
import BidDomain
import Foundation

/// Bar charts drawn as SVG on the server (no script): each bar's value is printed above it, and
/// the chart carries a title and a text description for screen readers.
enum PageCharts {
    struct Bar {
        var label: String
        /// The height, in any unit (pixels are computed in integers: no floating point).
        var value: ExactDecimal
        /// What is printed above the bar.
        var text: String
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(char)
            }
        }
        return out
    }

    /// A bar chart `title`; `empty` is said instead when there is nothing to draw.
    static func bars(_ bars: [Bar], title: String, id: String, empty: String) -> String {
        guard !bars.isEmpty else { return "<p class=\"empty\">\(escape(empty))</p>" }
        let height = 240, top = 24, bottom = 60, left = 8
        let slot = max(28, min(72, 640 / bars.count))
        let width = left * 2 + slot * bars.count
        let plot = height - top - bottom
        // Scale: the largest value fills the plot; a bar's height is value × plot / largest, in whole pixels.
        let largest = bars.map(\.value).max() ?? .zero
        var svg = "<svg class=\"chart\" id=\"\(escape(id))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"\(escape(id))-title \(escape(id))-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"\(escape(id))-title\">\(escape(title))</title>"
        svg += "<desc id=\"\(escape(id))-desc\">\(escape(bars.map { "\($0.label)：\($0.text)" }.joined(separator: "；")))</desc>"
        svg += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(top + plot)\" x2=\"\(width - left)\" y2=\"\(top + plot)\"/>"
        for (index, bar) in bars.enumerated() {
            let pixels: Int
            if largest > .zero, let scaled = (bar.value * ExactDecimal(plot)).divided(by: largest, places: 0, .down), let whole = Int(scaled.description) {
                pixels = max(bar.value > .zero ? 1 : 0, whole)
            } else {
                pixels = 0
            }
            let x = left + index * slot + slot / 6
            let barWidth = slot - slot / 3
            let y = top + plot - pixels
            svg += "<rect class=\"bar\" x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(pixels)\"><title>\(escape(bar.label))：\(escape(bar.text))</title></rect>"
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(y - 6)\" text-anchor=\"middle\">\(escape(bar.text))</text>"
            // Narrow slots turn their labels (2026-12) to fit.
            let labelX = x + barWidth / 2, labelY = top + plot + 18
            if slot < 56 {
                svg += "<text x=\"\(labelX)\" y=\"\(labelY)\" text-anchor=\"end\" transform=\"rotate(-45 \(labelX) \(labelY))\">\(escape(bar.label))</text>"
            } else {
                svg += "<text x=\"\(labelX)\" y=\"\(labelY)\" text-anchor=\"middle\">\(escape(bar.label))</text>"
            }
        }
        return svg + "</svg>"
    }
}
