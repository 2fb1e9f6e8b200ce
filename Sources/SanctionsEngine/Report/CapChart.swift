/// A cap's running total over its period as an SVG chart, drawn for print: legible in
/// black and white (line styles and direct labels, never colour alone).
///
/// The running total is a solid stepped line, one marker per record (open while the total
/// is within the limit, filled once over it, × for a record that could not be counted);
/// the limit is a heavy dashed line and each alert level a dotted one, labelled at the
/// right edge; the record that took the total over the limit has a diamond and a label.
/// Axes are labelled with their units. The SVG is well-formed XML, for inline use in
/// XHTML-compatible HTML.
enum CapChart {
    static let width = 760.0
    static let height = 420.0
    static let left = 104.0
    static let right = 156.0
    static let top = 20.0
    static let bottom = 110.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    /// The chart of one limit of a cap's period window; `id` makes its element ids unique
    /// in the page.
    static func svg(_ total: CapLedger.Total, line: CapLedger.Total.Line, id: String) -> String {
        let points = line.points
        let limit = line.limit.amount
        let measure = line.limit.measure
        let start = total.window.lowerBound.number
        var end = total.window.upperBound.number
        // An open-ended window (no `until`) is drawn to a month after its last record.
        if end - start > 3700 { end = max(points.last?.date.number ?? start, start) + 30 }
        let span = Double(max(1, end - start))
        func x(_ day: Day) -> Double { left + plotWidth * Double(day.number - start) / span }
        let highest = max(limit, points.map(\.total).max() ?? 0, 1) * 1.08
        let step = niceStep(highest / 5)
        let yMax = (highest / step).rounded(.up) * step
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / yMax) }
        let plotBottom = top + plotHeight, plotRight = left + plotWidth

        let title = "\(total.rule), \(total.period): running total against the limit of \(line.limit)"
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="cap-chart" viewBox="0 0 \#(n(width)) \#(n(height))" width="\#(n(width))" height="\#(n(height))" role="img" aria-labelledby="\#(id)-title" font-family="sans-serif" font-size="12">"#
        svg += #"<title id="\#(id)-title">\#(Markup.escape(title))</title>"#
        svg += #"<rect x="0" y="0" width="\#(n(width))" height="\#(n(height))" fill="white"/>"#

        // Value axis: grid, ticks, labels, title with the unit.
        var value = 0.0
        while value <= yMax + step / 2 {
            let yy = y(value)
            svg += #"<line x1="\#(n(left))" y1="\#(n(yy))" x2="\#(n(plotRight))" y2="\#(n(yy))" stroke="lightgray" stroke-width="0.6"/>"#
            svg += #"<text x="\#(n(left - 6))" y="\#(n(yy + 4))" text-anchor="end">\#(CapLedger.format(value))</text>"#
            value += step
        }
        let axisTitle = "Running total (\(measure))"
        svg += #"<text x="18" y="\#(n(top + plotHeight / 2))" text-anchor="middle" transform="rotate(-90 18 \#(n(top + plotHeight / 2)))" font-weight="bold">\#(Markup.escape(axisTitle))</text>"#

        // Date axis: months for a window up to about a year, else years.
        for (day, label, sub) in dateTicks(from: start, to: end) {
            let xx = x(day)
            svg += #"<line x1="\#(n(xx))" y1="\#(n(plotBottom))" x2="\#(n(xx))" y2="\#(n(plotBottom + 5))" stroke="black"/>"#
            svg += #"<text x="\#(n(xx))" y="\#(n(plotBottom + 18))" text-anchor="middle">\#(label)</text>"#
            if let sub { svg += #"<text x="\#(n(xx))" y="\#(n(plotBottom + 31))" text-anchor="middle">\#(sub)</text>"# }
        }
        let range = "\(total.window.lowerBound) to \(Day(number: end))"
        let dateTitle = "Record date (period " + (total.period == range ? range : "\(total.period): \(range)") + ")"
        svg += #"<text x="\#(n(left + plotWidth / 2))" y="\#(n(plotBottom + 50))" text-anchor="middle" font-weight="bold">\#(Markup.escape(dateTitle))</text>"#
        svg += #"<path d="M\#(n(left)) \#(n(top))V\#(n(plotBottom))H\#(n(plotRight))" fill="none" stroke="black" stroke-width="1"/>"#

        // Alert levels and the limit, labelled at the right edge (labels kept apart).
        var labels: [(y: Double, text: String, bold: Bool)] = []
        for level in total.alerts {
            let yy = y(limit * level / 100)
            svg += #"<line x1="\#(n(left))" y1="\#(n(yy))" x2="\#(n(plotRight))" y2="\#(n(yy))" stroke="black" stroke-width="1" stroke-dasharray="1.5 3.5"/>"#
            labels.append((yy, "alert \(CapLedger.format(level)) % (\(CapLedger.format(limit * level / 100)))", false))
        }
        let limitY = y(limit)
        svg += #"<line x1="\#(n(left))" y1="\#(n(limitY))" x2="\#(n(plotRight))" y2="\#(n(limitY))" stroke="black" stroke-width="2.5" stroke-dasharray="10 5"/>"#
        labels.append((limitY, "limit \(line.limit)", true))
        var previous = -Double.infinity
        for label in labels.sorted(by: { $0.y < $1.y }) {
            let yy = max(label.y + 4, previous + 13)
            previous = yy
            svg += #"<text x="\#(n(plotRight + 6))" y="\#(n(yy))"\#(label.bold ? #" font-weight="bold""# : "")>\#(Markup.escape(label.text))</text>"#
        }

        // The running total as steps, then one marker per record.
        if points.isEmpty {
            svg += #"<text x="\#(n(left + plotWidth / 2))" y="\#(n(top + plotHeight / 2))" text-anchor="middle">No record counted toward this cap.</text>"#
        } else {
            var path = "M\(n(x(total.window.lowerBound))) \(n(y(0)))"
            for point in points { path += "H\(n(x(point.date)))V\(n(y(point.total)))" }
            svg += #"<path d="\#(path)" fill="none" stroke="black" stroke-width="2"/>"#
            for point in points {
                let xx = x(point.date), yy = y(point.total)
                if !point.counted {
                    svg += #"<path d="M\#(n(xx - 4)) \#(n(yy - 4))L\#(n(xx + 4)) \#(n(yy + 4))M\#(n(xx - 4)) \#(n(yy + 4))L\#(n(xx + 4)) \#(n(yy - 4))" stroke="black" stroke-width="2"/>"#
                } else {
                    let fill = point.total > limit ? "black" : "white"
                    svg += #"<circle cx="\#(n(xx))" cy="\#(n(yy))" r="3.5" fill="\#(fill)" stroke="black" stroke-width="1.5"/>"#
                }
            }
            if let crossedBy = line.crossedBy, let point = points.first(where: { $0.recordID == crossedBy && $0.total > limit }) {
                let xx = x(point.date), yy = y(point.total)
                svg += #"<path d="M\#(n(xx)) \#(n(yy - 8))L\#(n(xx + 8)) \#(n(yy))L\#(n(xx)) \#(n(yy + 8))L\#(n(xx - 8)) \#(n(yy))Z" fill="black" stroke="white" stroke-width="1"/>"#
                let anchor = xx > left + plotWidth * 0.6 ? "end" : "start"
                let dx = anchor == "end" ? -12.0 : 12.0
                let labelY = max(top + 14, yy - 20)
                let halo = #"stroke="white" stroke-width="4" paint-order="stroke""#
                svg += #"<text x="\#(n(xx + dx))" y="\#(n(labelY))" text-anchor="\#(anchor)" font-weight="bold" \#(halo)>\#(Markup.escape(point.recordID)) crossed the limit</text>"#
                svg += #"<text x="\#(n(xx + dx))" y="\#(n(labelY + 14))" text-anchor="\#(anchor)" \#(halo)>\#(point.date): +\#(CapLedger.format(point.amount)) to \#(CapLedger.format(point.total)) \#(Markup.escape(measure))</text>"#
            }
        }

        // Legend, two rows under the date axis.
        let rowOne = plotBottom + 72, rowTwo = plotBottom + 92
        svg += legendLine(x: left, y: rowOne, dash: nil, width: 2, text: "running total")
        svg += legendLine(x: left + 150, y: rowOne, dash: "10 5", width: 2.5, text: "limit")
        svg += legendLine(x: left + 260, y: rowOne, dash: "1.5 3.5", width: 1, text: "alert level (% of limit)")
        svg += #"<circle cx="\#(n(left + 6))" cy="\#(n(rowTwo - 4))" r="3.5" fill="white" stroke="black" stroke-width="1.5"/>"#
        svg += #"<text x="\#(n(left + 16))" y="\#(n(rowTwo))">record, within the limit</text>"#
        svg += #"<circle cx="\#(n(left + 186))" cy="\#(n(rowTwo - 4))" r="3.5" fill="black" stroke="black" stroke-width="1.5"/>"#
        svg += #"<text x="\#(n(left + 196))" y="\#(n(rowTwo))">record, over the limit</text>"#
        let crossX = left + 356
        svg += #"<path d="M\#(n(crossX + 2)) \#(n(rowTwo - 8))L\#(n(crossX + 10)) \#(n(rowTwo))M\#(n(crossX + 2)) \#(n(rowTwo))L\#(n(crossX + 10)) \#(n(rowTwo - 8))" stroke="black" stroke-width="2"/>"#
        svg += #"<text x="\#(n(crossX + 16))" y="\#(n(rowTwo))">not counted (\#(line.unknownRecords))</text>"#
        svg += "</svg>"
        return svg
    }

    static func legendLine(x: Double, y: Double, dash: String?, width: Double, text: String) -> String {
        let style = dash.map { #" stroke-dasharray="\#($0)""# } ?? ""
        return #"<line x1="\#(n(x))" y1="\#(n(y - 4))" x2="\#(n(x + 30))" y2="\#(n(y - 4))" stroke="black" stroke-width="\#(n(width))"\#(style)/>"#
            + #"<text x="\#(n(x + 36))" y="\#(n(y))">\#(Markup.escape(text))</text>"#
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        for factor in [1.0, 2, 2.5, 5, 10] where magnitude * factor >= raw { return magnitude * factor }
        return magnitude * 10
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// First days of months (or of years, for long windows) within the window, with a
    /// label and, at January and the first tick, the year under it.
    static func dateTicks(from start: Int, to end: Int) -> [(Day, String, String?)] {
        let (startYear, startMonth, startDay) = Day.civil(from: start)
        var ticks: [(Day, String, String?)] = []
        if end - start > 800 {
            var year = startDay == 1 && startMonth == 1 ? startYear : startYear + 1
            while Day.daysFromCivil(year: year, month: 1, day: 1) <= end {
                ticks.append((Day(number: Day.daysFromCivil(year: year, month: 1, day: 1)), String(year), nil))
                year += 1
            }
            return ticks
        }
        var year = startYear, month = startMonth
        if startDay != 1 { month += 1 }
        if month > 12 { month = 1; year += 1 }
        while Day.daysFromCivil(year: year, month: month, day: 1) <= end {
            let sub = ticks.isEmpty || month == 1 ? String(year) : nil
            ticks.append((Day(number: Day.daysFromCivil(year: year, month: month, day: 1)), months[month - 1], sub))
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return ticks
    }

    /// A coordinate with at most one decimal.
    static func n(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths / 10)
        let fraction = Int(abs(tenths.truncatingRemainder(dividingBy: 10)))
        if fraction == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }
}
