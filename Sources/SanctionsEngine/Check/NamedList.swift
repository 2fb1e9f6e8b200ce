/// A named list from `Rules/lists/`: port names, aircraft models, designated persons,
/// entities and vessels. `in_list` tests membership.
public struct NamedList: Sendable {
    /// One entry: a name, its aliases and former names, and identifiers such as IMO numbers.
    public struct Entry: Sendable {
        /// The primary name.
        public let name: String
        public let aliases: [String]
        /// Earlier names (vessels).
        public let formerNames: [String]
        /// Identifier values: IMO and MMSI numbers, passport numbers.
        public let identifiers: [String]
        /// UN reference, e.g. `KPe.001`.
        public let reference: String?
        /// When the entry was listed (for vessels first identified in an earlier resolution's
        /// annex, the day of that resolution: see docs/lists.md).
        public let listedOn: Day?
        /// The resolution that listed it, when a resolution did (not the Committee).
        public let listing: Citation?
        /// The measures that apply to it (designated vessels: asset freeze, port-entry ban …).
        public let measures: [String]

        init(name: String, aliases: [String], formerNames: [String], identifiers: [String],
             reference: String?, listedOn: Day?, listing: Citation? = nil, measures: [String] = []) {
            self.measures = measures
            self.name = name
            self.aliases = aliases
            self.formerNames = formerNames
            self.identifiers = identifiers
            self.reference = reference
            self.listedOn = listedOn
            self.listing = listing
        }
    }

    /// The name rules use in `in_list`.
    public let id: String
    public let title: String
    /// `names` or `designation`.
    public let kind: String
    /// Publisher, document and date of the data.
    public let source: String?
    public let entries: [Entry]
    private let index: [String: Int]

    /// The same list restricted to entries under any of `measures`.
    func restricted(to measures: [String]) -> NamedList {
        NamedList(id: id, title: title, kind: kind, source: source,
                  entries: entries.filter { !Set($0.measures).isDisjoint(with: measures) })
    }

    init(id: String, title: String, kind: String, source: String?, entries: [Entry]) {
        self.id = id
        self.title = title
        self.kind = kind
        self.source = source
        self.entries = entries
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() {
            for text in [entry.name] + entry.aliases + entry.formerNames + entry.identifiers {
                let key = NamedList.normalize(text)
                if !key.isEmpty, index[key] == nil { index[key] = position }
            }
        }
        self.index = index
    }

    /// The entry `text` names (by name, alias, former name or identifier), ignoring case,
    /// punctuation and spacing.
    public func entry(matching text: String) -> Entry? {
        index[NamedList.normalize(text)].map { entries[$0] }
    }

    /// The name as the screening matcher normalises it, without spaces: `"Rajin "`,
    /// `"RAJIN"` and `"ra-jin"` are one name, and so are `"Tu-204"` and `"TU 204"`.
    public static func normalize(_ text: String) -> String {
        String(NameMatcher.normalize(text).unicodeScalars.filter { $0 != " " })
    }
}
