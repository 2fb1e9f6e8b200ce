/// A reference to the text that makes a rule or an exemption law: resolution, year,
/// paragraph, and optionally subparagraph and annex.
///
/// ```swift
/// Citation(resolution: 2397, year: 2017, paragraph: "7").text  // "UNSCR 2397 (2017), para. 7"
/// ```
public struct Citation: Sendable, Hashable {
    /// Whether the paragraph binds States ("decides") or only urges them ("calls upon").
    public enum Obligation: String, Sendable, Hashable {
        case decides
        case callsUpon = "calls_upon"
    }

    /// Resolution number, e.g. 2397.
    public let resolution: Int
    /// Year of adoption.
    public let year: Int
    /// Operative paragraph, e.g. `"7"`.
    public let paragraph: String?
    /// `a`, or `a.iii` for (a)(iii).
    public let subparagraph: String?
    /// Annex, e.g. `"IV"`.
    public let annex: String?
    /// Whether the paragraph binds ("decides") or urges ("calls upon").
    public let obligation: Obligation
    /// One sentence in plain words: what the paragraph requires.
    public let summary: String?
    /// The citation as analysts write it: `UNSCR 1718 (2006), para. 8(a)(iii)`,
    /// `UNSCR 2321 (2016), para. 4, Annex IV` (worked out once, written with every finding).
    public let text: String

    /// Creates a citation.
    public init(resolution: Int, year: Int, paragraph: String?, subparagraph: String? = nil,
                annex: String? = nil, obligation: Obligation = .decides, summary: String? = nil) {
        self.resolution = resolution
        self.year = year
        self.paragraph = paragraph
        self.subparagraph = subparagraph
        self.annex = annex
        self.obligation = obligation
        self.summary = summary
        self.text = Citation.text(resolution: resolution, year: year, paragraph: paragraph, subparagraph: subparagraph, annex: annex)
    }

    private static func text(resolution: Int, year: Int, paragraph: String?, subparagraph: String?, annex: String?) -> String {
        var text = "UNSCR \(resolution) (\(year))"
        if let paragraph {
            text += ", para. \(paragraph)"
            if let subparagraph {
                text += subparagraph.split(separator: ".").map { "(\($0))" }.joined()
            }
        }
        if let annex { text += ", Annex \(annex)" }
        return text
    }
}
