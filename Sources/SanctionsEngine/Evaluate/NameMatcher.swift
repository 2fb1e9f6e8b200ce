import Foundation

/// Screens a name and identifiers against one designation list (`un-1718-entities`,
/// `un-1718-individuals`, `un-1718-vessels`): identifiers first (IMO numbers exact), then
/// names after normalisation (name, alias, former name), then a Jaro-Winkler score.
///
/// Built once per list; matching a record costs one hash lookup per identifier and per
/// name, and one score per listed name only when nothing matched exactly.
///
/// ```swift
/// if let entities = rulebook.lists["un-1718-entities"] {
///     let matcher = NameMatcher(list: entities)
///     let match = matcher.match(name: "Ocean Maritime Management Co., Ltd.", identifiers: [],
///                               on: Day("2015-01-05"), threshold: 0.9)
///     match?.kind               // .exactName
///     match?.entry.reference    // "KPe.020"
/// }
/// ```
public struct NameMatcher: Sendable {
    /// One text of an entry (its name, an alias or a former name), prepared for comparison.
    struct Candidate: Sendable {
        /// The entry's position in the list.
        let entry: Int
        /// `.exactName`, `.alias` or `.formerName`: what the text is in the entry.
        let kind: NameMatch.Kind
        /// The text as the list prints it.
        let text: String
        let form: Form
    }

    /// A normalised name in the shapes the matcher compares.
    struct Form: Sendable {
        /// The normalised name without spaces: `NAM CHON GANG` and `NAMCHONGANG` are one name.
        let key: String
        /// `key` as scalar values, for Jaro-Winkler.
        let scalars: [UInt32]
        /// `scalars` with the surnames first, for names written in Western order (the list
        /// gives Chang-Su Han for HAN JANG SU).
        let surnameFirst: [UInt32]
        /// The distinctive words: those that are no generic word, common surname or number.
        let coreTokens: [[UInt32]]
        /// The distinctive words joined.
        let core: [UInt32]
        /// The common surnames in the name, each in one spelling (`JO` and `CHO` are `CHO`).
        let surnames: Set<String>
        /// The numbers in the name (`JI SONG 6` → `["6"]`), which tell sister ships apart.
        let numbers: [String]
        /// How many letters the name has.
        let letters: Int
        /// How many of each character `scalars` and `core` have (see ``bucket(_:)``): the
        /// characters two names share bound the Jaro-Winkler score before it is computed.
        let counts: CharacterCounts
        let coreCounts: CharacterCounts

        init(normalized: String) {
            self.init(tokens: normalized.split(separator: " ").map(String.init))
        }

        /// The form of a name already split into ``normalizedTokens(_:)``; each token is
        /// looked up once (surname, generic word, number).
        init(tokens: [String]) {
            var key = "", surnamesFirst: [UInt32] = [], others: [UInt32] = [], coreTokens: [[UInt32]] = []
            var surnames: Set<String> = [], numbers: [String] = []
            for token in tokens {
                key += token
                let tokenScalars = token.unicodeScalars.map(\.value)
                if let surname = NameMatcher.commonSurnames[token] {
                    surnames.insert(surname)
                    surnamesFirst += tokenScalars
                    continue
                }
                others += tokenScalars
                if NameMatcher.isNumber(token) {
                    numbers.append(token)
                } else if !NameMatcher.genericWords.contains(token) {
                    coreTokens.append(tokenScalars)
                }
            }
            // Letters A-Z need no Unicode property lookup (most names are ASCII).
            let letters = key.utf8.allSatisfy { $0 < 0x80 }
                ? key.utf8.count(where: { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") })
                : key.unicodeScalars.count(where: { $0.properties.isAlphabetic })
            self.init(key: key, scalars: key.unicodeScalars.map(\.value), surnameFirst: surnamesFirst + others,
                      coreTokens: coreTokens, core: coreTokens.flatMap { $0 }, surnames: surnames, numbers: numbers,
                      letters: letters)
        }

        /// A form from its parts (the character counts worked out from them).
        init(key: String, scalars: [UInt32], surnameFirst: [UInt32], coreTokens: [[UInt32]], core: [UInt32],
             surnames: Set<String>, numbers: [String], letters: Int) {
            self.key = key
            self.scalars = scalars
            self.surnameFirst = surnameFirst
            self.coreTokens = coreTokens
            self.core = core
            self.surnames = surnames
            self.numbers = numbers
            self.letters = letters
            counts = CharacterCounts(scalars)
            coreCounts = CharacterCounts(core)
        }

        /// The form of `name`: from its bytes when they are ASCII (``asciiForm(_:)``), else
        /// through ``normalizedTokens(_:)``.
        init(name: String) {
            var name = name
            self = name.withUTF8 { NameMatcher.asciiForm($0) } ?? Form(tokens: NameMatcher.normalizedTokens(name))
        }

        /// Whether a fuzzy score between the two names can mean anything: both have 4 letters
        /// or more and a distinctive word, their numbers and surnames do not differ, and every
        /// distinctive word of the name with fewer of them (of both, when as many) is like a
        /// word of the other (`KIM CHOL SAM` and `KIM CHOL NAM` are two people).
        func isComparable(with other: Form) -> Bool {
            guard letters >= 4, other.letters >= 4, !coreTokens.isEmpty, !other.coreTokens.isEmpty,
                  numbers.isEmpty || other.numbers.isEmpty || numbers == other.numbers,
                  surnames.isEmpty || other.surnames.isEmpty || !surnames.isDisjoint(with: other.surnames)
            else { return false }
            if coreTokens.count < other.coreTokens.count { return isCovered(by: other) }
            if coreTokens.count > other.coreTokens.count { return other.isCovered(by: self) }
            return isCovered(by: other) && other.isCovered(by: self)
        }

        /// Every distinctive word is like (Jaro-Winkler 0.84 or more: `CHOL`/`CHUL`, not
        /// `YONG`/`SONG`) a distinctive word of `other`, or of `other` written as one word.
        private func isCovered(by other: Form) -> Bool {
            coreTokens.allSatisfy { token in
                NameMatcher.jaroWinkler(token, other.core) >= 0.84
                    || other.coreTokens.contains { NameMatcher.jaroWinkler(token, $0) >= 0.84 }
            }
        }
    }

    /// The list matched against.
    public var list: NamedList { tables.list }
    /// The prepared names and indexes, shared by every copy of the matcher (its identity
    /// keys a ``ScreeningCache``).
    let tables: Tables

    /// What the bound before a fuzzy score reads of a name: plain numbers, copied without
    /// reference counting (one per candidate, in candidate order).
    struct Sketch: Sendable {
        let length: Int
        let coreLength: Int
        let counts: CharacterCounts
        let coreCounts: CharacterCounts

        init(_ form: Form) {
            length = form.scalars.count
            coreLength = form.core.count
            counts = form.counts
            coreCounts = form.coreCounts
        }
    }

    final class Tables: Sendable {
        let list: NamedList
        let candidates: [Candidate]
        /// `candidates[i].form` as a ``Sketch``.
        let sketches: [Sketch]
        /// Normalised key → the best candidate with that key (name before alias before former
        /// name, then list order).
        let exactIndex: [String: Int]
        /// Normalised identifier → (entry position, identifier as printed), first in list order.
        let identifierIndex: [String: (entry: Int, text: String)]

        init(list: NamedList, candidates: [Candidate], exactIndex: [String: Int], identifierIndex: [String: (entry: Int, text: String)]) {
            self.list = list
            self.candidates = candidates
            sketches = candidates.map { Sketch($0.form) }
            self.exactIndex = exactIndex
            self.identifierIndex = identifierIndex
        }
    }

    /// A name's best candidate, before the record's date is weighed.
    struct NameHit: Sendable {
        let entry: Int
        let kind: NameMatch.Kind
        let text: String
        let score: Double
    }

    /// Prepares `list` for matching: normalises every name, alias and former name (and each
    /// again without a parenthesised part, so `OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)`
    /// is also `OCEAN MARITIME MANAGEMENT`), and indexes the identifiers.
    public init(list: NamedList) {
        var candidates: [Candidate] = []
        var exactIndex: [String: Int] = [:]
        var identifierIndex: [String: (entry: Int, text: String)] = [:]
        for (position, entry) in list.entries.enumerated() {
            let texts = [(NameMatch.Kind.exactName, entry.name)]
                + entry.aliases.map { (NameMatch.Kind.alias, $0) }
                + entry.formerNames.map { (NameMatch.Kind.formerName, $0) }
            for (kind, text) in texts {
                var seen: Set<String> = []
                for variant in [text, NameMatcher.withoutParentheses(text)] {
                    let form = Form(name: variant)
                    guard !form.key.isEmpty, seen.insert(form.key).inserted else { continue }
                    let candidate = Candidate(entry: position, kind: kind, text: text, form: form)
                    // An earlier entry keeps a key, unless this text is a better kind (a name over an alias).
                    let kept = exactIndex[form.key].map { NameMatcher.rank(candidates[$0].kind) <= NameMatcher.rank(kind) }
                    if kept != true { exactIndex[form.key] = candidates.count }
                    candidates.append(candidate)
                }
            }
            for identifier in entry.identifiers {
                let key = NameMatcher.identifierKey(identifier)
                if !key.isEmpty, identifierIndex[key] == nil { identifierIndex[key] = (position, identifier) }
            }
        }
        self.tables = Tables(list: list, candidates: candidates, exactIndex: exactIndex, identifierIndex: identifierIndex)
    }

    /// The best match for a record's `name` and `identifiers` on `date`, or `nil`.
    ///
    /// An identifier (IMO number, MMSI, call sign, passport; spaces and an `IMO` prefix
    /// ignored) beats any name. An exact match of the normalised name on a listed name, alias
    /// or former name beats a fuzzy one. A fuzzy match counts only at or above `threshold`
    /// (0…1) and only when the names agree on more than generic words and surnames: names
    /// with fewer than 4 letters, names made only of generic words (`STAR SHIPPING`) or of a
    /// surname and generic words (`KIM TRADING`), people with different surnames or with one
    /// given name in common (`KIM CHOL SAM`, `KIM CHOL NAM`), and vessels with different
    /// numbers (`JI SONG 6`, `JI SONG 8`) never match fuzzily. The score is the lower of the
    /// Jaro-Winkler similarity of the whole names (surname first or as written, whichever is
    /// higher) and that of their distinctive words.
    public func match(name: String?, identifiers: [String], on date: Day?, threshold: Double) -> NameMatch? {
        if let hit = identifierHit(identifiers) { return result(hit, date: date) }
        guard let name, let hit = nameHit(name, threshold: threshold) else { return nil }
        return result(hit, date: date)
    }

    /// The first identifier on the list, if any.
    func identifierHit(_ identifiers: [String]) -> NameHit? {
        for identifier in identifiers {
            if let hit = identifierHit(key: NameMatcher.identifierKey(identifier)) { return hit }
        }
        return nil
    }

    /// The entry whose identifier has this key (``identifierKey(_:)``), if any.
    func identifierHit(key: String) -> NameHit? {
        tables.identifierIndex[key].map { NameHit(entry: $0.entry, kind: .identifier, text: $0.text, score: 1) }
    }

    /// The best candidate for `name`: exact, else the best fuzzy one at or above `threshold`.
    /// It does not depend on the record, so a ``ScreeningCache`` may keep it.
    func nameHit(_ name: String, threshold: Double) -> NameHit? {
        nameHit(form: Form(name: name), threshold: threshold)
    }

    /// ``nameHit(_:threshold:)`` of the name whose form this is (the form does not depend on
    /// the list: a name screened against several lists is normalised once).
    func nameHit(form: Form, threshold: Double) -> NameHit? {
        let candidates = tables.candidates
        guard !form.key.isEmpty else { return nil }
        if let index = tables.exactIndex[form.key] {
            let candidate = candidates[index]
            return NameHit(entry: candidate.entry, kind: candidate.kind, text: candidate.text, score: 1)
        }
        guard form.letters >= 4, !form.coreTokens.isEmpty else { return nil }
        // The best so far by position and score: copying a candidate (its form's arrays)
        // at every step of the loop cost more than the bounds that rule most of them out.
        var best: (index: Int, score: Double)?
        var floor = threshold
        let probe = Sketch(form)
        for (index, sketch) in tables.sketches.enumerated() {
            // Only characters the names share can match: a bound that rules out most of the
            // list, read from plain numbers (a candidate's strings are touched only past it).
            guard NameMatcher.jaroWinklerBound(probe.length, sketch.length, common: probe.counts.common(with: sketch.counts)) >= floor,
                  NameMatcher.jaroWinklerBound(probe.coreLength, sketch.coreLength,
                                               common: probe.coreCounts.common(with: sketch.coreCounts)) >= floor
            else { continue }
            let other = candidates[index].form
            // The whole names may agree on KOREA … TRADING; the distinctive words must agree too.
            var whole = NameMatcher.jaroWinkler(form.scalars, other.scalars)
            if whole < floor, form.surnameFirst != form.scalars || other.surnameFirst != other.scalars {
                whole = max(whole, NameMatcher.jaroWinkler(form.surnameFirst, other.surnameFirst))
            }
            guard whole >= floor else { continue }
            let score = min(whole, NameMatcher.jaroWinkler(form.core, other.core))
            if score >= threshold, score > (best?.score ?? -1), form.isComparable(with: other) {
                best = (index, score)
                floor = max(threshold, score)
            }
        }
        guard let best else { return nil }
        let candidate = candidates[best.index]
        return NameHit(entry: candidate.entry, kind: .fuzzy, text: candidate.text, score: best.score)
    }

    /// The hit as a match on `date`: listed after it or not.
    func result(_ hit: NameHit, date: Day?) -> NameMatch {
        let entry = list.entries[hit.entry]
        let early = date.flatMap { date in entry.listedOn.map { date < $0 } } ?? false
        return NameMatch(entry: entry, kind: hit.kind, matchedText: hit.text, score: hit.score, listedAfterDate: early)
    }

    private static func rank(_ kind: NameMatch.Kind) -> Int {
        switch kind {
        case .identifier: 0
        case .exactName: 1
        case .alias: 2
        case .formerName: 3
        case .fuzzy: 4
        }
    }
}

// MARK: - Normalisation

extension NameMatcher {
    /// A name as the matcher compares it:
    ///
    /// - upper case, diacritics stripped (McCune-Reischauer `Ŏ`, `Ŭ` → `O`, `U`);
    /// - apostrophes deleted, not spaced: they mark aspiration (`CH'ONGSONG`) or a possessive
    ///   (`PEOPLE’S`), inside a word;
    /// - `&` → `AND`; other punctuation → a space; letters and digits split (`Buryong3`);
    /// - romanisation and spelling variants unified (see `spellings`), token-initial `LY` → `RY`;
    /// - `NO` before a number dropped (`BILLIONS NO. 18`, `Office No. 39` = `Office #39`);
    /// - company forms dropped (see `companyForms`), unless nothing else is left.
    ///
    /// ```swift
    /// NameMatcher.normalize("Ocean Maritime Management Co., Ltd.")  // "OCEAN MARITIME MANAGEMENT"
    /// NameMatcher.normalize("Ch’oe Ch’un-yo’ng")                    // "CHOE CHUN YONG"
    /// ```
    public static func normalize(_ name: String) -> String {
        normalizedTokens(name).joined(separator: " ")
    }

    /// The words of ``normalize(_:)``.
    static func normalizedTokens(_ name: String) -> [String] {
        var tokens = name.utf8.allSatisfy({ $0 < 0x80 }) ? asciiTokens(name) : unicodeTokens(name)
        tokens = tokens.map(spelling)
        tokens = tokens.enumerated().filter { position, token in
            !(token == "NO" && position + 1 < tokens.count && isNumber(tokens[position + 1]))
        }.map(\.element)
        let withoutForms = tokens.filter { !companyForms.contains($0) }
        return withoutForms.isEmpty ? tokens : withoutForms
    }

    /// The tokens of an ASCII name, byte by byte: what ``unicodeTokens(_:)`` gives for it,
    /// without Unicode decomposition and property lookups (most names are ASCII).
    static func asciiTokens(_ name: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        var currentIsDigit = false
        func flush() {
            if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "`"):
                continue
            case UInt8(ascii: "&"):
                flush()
                tokens.append("AND")
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                let isDigit = byte <= UInt8(ascii: "9")
                if !current.isEmpty, isDigit != currentIsDigit { flush() }
                current.append(byte >= UInt8(ascii: "a") ? byte - 32 : byte)
                currentIsDigit = isDigit
            default:
                flush()
            }
        }
        flush()
        return tokens
    }

    /// The tokens of any name: upper case, decomposed, marks and apostrophes dropped,
    /// letters and digits split.
    static func unicodeTokens(_ name: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var currentIsDigit = false
        func flush() {
            if !current.isEmpty { tokens.append(String(current)) }
            current = String.UnicodeScalarView()
        }
        for scalar in name.uppercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if apostrophes.contains(scalar) || scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar == "&" {
                flush()
                tokens.append("AND")
                continue
            }
            let isDigit = ("0"..."9").contains(scalar)
            guard isDigit || scalar.properties.isAlphabetic else {
                flush()
                continue
            }
            if !current.isEmpty, isDigit != currentIsDigit { flush() }
            current.append(scalar)
            currentIsDigit = isDigit
        }
        flush()
        return tokens
    }

    /// One token in its unified spelling.
    static func spelling(_ token: String) -> String {
        if let unified = spellings[token] { return unified }
        // Initial ㄹ is R in the DPRK's romanisation and L in others: the list has both
        // LYONGAKSAN (alias of KPe.002) and RYONGAKSAN (KPi.005's comments).
        if token.count > 2, token.hasPrefix("LY") { return "RY" + token.dropFirst(2) }
        return token
    }

    /// Whole-token variants, each to the spelling the UN list uses. Only variants that name
    /// one thing: voicing (`DAESONG`/`TAESONG`, `JIN`/`CHIN`) is not unified, because the
    /// list holds two designated entities whose names differ only by it (KOREA TAESONG
    /// TRADING COMPANY, and KOREA DAESONG GENERAL TRADING CORPORATION a.k.a. Korea Daesong
    /// Trading Company); such variants are left to the fuzzy score.
    static let spellings: [String: String] = [
        // Korea in Spanish, Italian and older English spelling.
        "COREA": "KOREA",
        // 조선: both spellings appear in the list's aliases (Chosun/Choson International Chemicals).
        "CHOSUN": "CHOSON",
        // The DPRK writes aspirated ㅍ as PH; McCune-Reischauer's P'yŏngyang loses its mark here.
        "PHYONGYANG": "PYONGYANG",
        // The surname 리/이 (李): RI in the DPRK, LEE, YI or RHEE in the ROK, LI in Chinese.
        "LI": "RI", "LEE": "RI", "YI": "RI", "RHEE": "RI",
        // 박: PAK in the DPRK, PARK in the ROK.
        "PARK": "PAK",
        // 최: CHOE in the DPRK and McCune-Reischauer, CHOI in the ROK.
        "CHOI": "CHOE",
        // 정: JONG in the DPRK, JEONG in the ROK's Revised Romanisation (ㅓ = EO).
        "JEONG": "JONG",
        // Abbreviations in shipping documents; SHPG is in the list (KOREA ANSAN SHPG COMPANY).
        "SHPG": "SHIPPING",
        "INTL": "INTERNATIONAL",
    ]

    /// Legal forms dropped from company names: they say what kind of company, not which.
    /// Words that tell designated entities apart (`BANK`, `TRADING`, `GENERAL`, `GROUP`,
    /// `JV`) are kept; `SA`, `AG` and the like are not dropped, because `S.A.` splits into
    /// single letters that could be part of a name.
    static let companyForms: Set<String> = [
        "CO", "COMPANY", "LTD", "LIMITED", "LLC", "INC", "INCORPORATED", "CORP", "CORPORATION",
        "JSC", "PLC", "PTE", "GMBH", "FZE", "FZCO",
    ]

    /// Words common to many company and vessel names: agreeing on them alone is no match.
    static let genericWords: Set<String> = [
        "A", "AND", "OF", "THE", "FOR", "NEW",
        "KOREA", "KOREAN", "DPRK", "CHOSON", "PYONGYANG", "HONG", "KONG", "CHINA",
        "INTERNATIONAL", "GENERAL", "GLOBAL", "GROUP", "HOLDINGS", "ENTERPRISE", "ENTERPRISES",
        "TRADING", "TRADE", "IMPORT", "EXPORT", "COMMERCIAL", "INVESTMENT", "SERVICES",
        "INDUSTRY", "INDUSTRIES", "INDUSTRIAL", "TECHNOLOGY", "ENERGY", "OIL",
        "BANK", "BANKING", "CREDIT", "JOINT", "VENTURE", "JV",
        "SHIPPING", "SHIP", "MARINE", "MARITIME", "OCEAN", "SEA", "STAR", "LINE", "LINES",
        "NAVIGATION", "LOGISTICS", "FREIGHT",
    ]

    /// The commonest Korean surnames (after `spellings`), each to one spelling of the surname:
    /// two people who share one are not alike for that, and two whose surnames differ are
    /// two people. `JO`/`CHO` and `JANG`/`CHANG` are one surname in two romanisations (the
    /// list gives Jo Chun Ryong for CHO CHUN RYONG, Jang Chang Ha for CHANG CHANG HA).
    static let commonSurnames: [String: String] = [
        "KIM": "KIM", "RI": "RI", "PAK": "PAK", "CHOE": "CHOE", "JONG": "JONG", "CHONG": "JONG",
        "KANG": "KANG", "CHO": "CHO", "JO": "CHO", "YUN": "YUN", "JANG": "JANG", "CHANG": "JANG",
        "HAN": "HAN", "HWANG": "HWANG", "PAEK": "PAEK",
    ]

    private static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2018}", "\u{2019}", "\u{02BC}", "\u{02BB}", "`", "\u{00B4}"]

    static func isNumber(_ token: String) -> Bool {
        !token.isEmpty && token.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    /// `text` without its parenthesised parts: `DAEDONG CREDIT BANK (DCB)` → `DAEDONG CREDIT BANK `.
    static func withoutParentheses(_ text: String) -> String {
        // Most names hold no bracket: the text itself, without walking its characters.
        // (0xEF leads the UTF-8 of the full-width brackets, U+FF08 and U+FF09.)
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")") || $0 == 0xEF }) else {
            return text
        }
        var depth = 0
        var kept = ""
        for character in text {
            switch character {
            case "(", "（": depth += 1
            case ")", "）": depth = max(0, depth - 1)
            default: if depth == 0 { kept.append(character) }
            }
        }
        return kept
    }

    /// An identifier as compared: letters and digits in upper case, an `IMO` prefix dropped
    /// before a number (`IMO 8909575`, `imo8909575` and `8909575` are one).
    static func identifierKey(_ identifier: String) -> String {
        // Digits alone (an IMO or MMSI number as records give it) are one number token, which
        // the normalisation leaves as it is: the key without the work (a run meets a new
        // IMO number in about one record in three, and normalising one cost 9,000 instructions).
        if NameMatcher.isDigits(identifier.utf8) { return identifier }
        return normalizedIdentifierKey(identifier)
    }

    /// Whether the bytes are ASCII digits, at least one: an identifier that is its own key.
    static func isDigits<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// ``identifierKey(_:)`` through the name normalisation, whatever the identifier.
    static func normalizedIdentifierKey(_ identifier: String) -> String {
        let key = NamedList.normalize(identifier)
        if key.hasPrefix("IMO"), let first = key.dropFirst(3).unicodeScalars.first, ("0"..."9").contains(first) {
            return String(key.dropFirst(3))
        }
        return key
    }
}

// MARK: - Jaro-Winkler

extension NameMatcher {
    /// Jaro-Winkler similarity of two texts, 0…1, with the standard prefix scale 0.1 over at
    /// most 4 characters, applied when the Jaro similarity exceeds 0.7.
    ///
    /// ```swift
    /// NameMatcher.jaroWinkler("MARTHA", "MARHTA")  // 0.961…
    /// ```
    static func jaroWinkler(_ first: String, _ second: String) -> Double {
        jaroWinkler(first.unicodeScalars.map(\.value), second.unicodeScalars.map(\.value))
    }

    static func jaroWinkler(_ first: [UInt32], _ second: [UInt32]) -> Double {
        if first.isEmpty || second.isEmpty { return first.isEmpty && second.isEmpty ? 1 : 0 }
        let window = max(0, max(first.count, second.count) / 2 - 1)
        // Names are short: the match flags live on the stack, not in two arrays per call.
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: first.count + second.count) { flags in
            flags.initialize(repeating: false)
            var matches = 0
            for (position, scalar) in first.enumerated() {
                let low = max(0, position - window)
                let high = min(second.count - 1, position + window)
                guard low <= high else { continue }
                for other in low...high where !flags[first.count + other] && second[other] == scalar {
                    flags[position] = true
                    flags[first.count + other] = true
                    matches += 1
                    break
                }
            }
            guard matches > 0 else { return 0 }
            var transpositions = 0
            var other = 0
            for (position, scalar) in first.enumerated() where flags[position] {
                while !flags[first.count + other] { other += 1 }
                if scalar != second[other] { transpositions += 1 }
                other += 1
            }
            let m = Double(matches)
            let jaro = (m / Double(first.count) + m / Double(second.count) + (m - Double(transpositions / 2)) / m) / 3
            guard jaro > 0.7 else { return jaro }
            var prefix = 0
            while prefix < min(4, first.count, second.count), first[prefix] == second[prefix] { prefix += 1 }
            return jaro + Double(prefix) * 0.1 * (1 - jaro)
        }
    }

    /// The highest Jaro-Winkler similarity two texts of these lengths can have (all of the
    /// shorter matching, in order, with a full prefix): a cheap test before the score.
    static func jaroWinklerBound(_ first: Int, _ second: Int) -> Double {
        jaroWinklerBound(first, second, common: min(first, second))
    }

    /// The highest Jaro-Winkler similarity two texts of these lengths can have when at most
    /// `common` characters can match (no more than the characters they share).
    static func jaroWinklerBound(_ first: Int, _ second: Int, common: Int) -> Double {
        guard first > 0, second > 0 else { return first == second ? 1 : 0 }
        let matches = Double(min(common, first, second))
        guard matches > 0 else { return 0 }
        let jaro = (matches / Double(first) + matches / Double(second) + 1) / 3
        return jaro + Double(min(4, first, second)) * 0.1 * (1 - jaro)
    }
}

/// How many times each character occurs in a name, by ``bucket(_:)``: letters A–Z, digits,
/// and one bucket for everything else. Two names can match at most as many characters as
/// they share, bucket by bucket.
struct CharacterCounts: Sendable {
    static let buckets = 37
    /// Eight buckets per word, one byte each, each count at most 127 (the top bit of every
    /// byte stays clear, so eight buckets are compared at once with word arithmetic).
    private var counts: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
    /// Some character occurs more than 127 times: the counts say nothing, and ``common(with:)``
    /// bounds nothing.
    private var saturated = false

    init(_ scalars: [UInt32]) {
        // Counted on the stack (an array of 40 counts was an allocation a name).
        var saturated = false
        counts = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { bytes in
            bytes.initialize(repeating: 0)
            for scalar in scalars {
                let bucket = CharacterCounts.bucket(scalar)
                if bytes[bucket] < 127 { bytes[bucket] += 1 } else { saturated = true }
            }
            func word(_ start: Int) -> UInt64 {
                var value: UInt64 = 0
                for index in start..<start + 8 { value = value << 8 | UInt64(bytes[index]) }
                return value
            }
            return (word(0), word(8), word(16), word(24), word(32))
        }
        self.saturated = saturated
    }

    /// `A`–`Z` → 0–25, `0`–`9` → 26–35, anything else → 36.
    static func bucket(_ scalar: UInt32) -> Int {
        switch scalar {
        case 65...90: Int(scalar - 65)
        case 48...57: Int(scalar - 48) + 26
        default: 36
        }
    }

    /// The number of characters the two share, bucket by bucket (`Int.max` when the counts
    /// of either are saturated: no bound).
    @inline(__always)
    func common(with other: CharacterCounts) -> Int {
        if saturated || other.saturated { return Int.max }
        return CharacterCounts.common(counts.0, other.counts.0) + CharacterCounts.common(counts.1, other.counts.1)
            + CharacterCounts.common(counts.2, other.counts.2) + CharacterCounts.common(counts.3, other.counts.3)
            + CharacterCounts.common(counts.4, other.counts.4)
    }

    /// Σ min over the eight byte lanes of two words whose bytes are all below 128, without
    /// a loop: lane by lane, `128 + a − b` has its top bit set exactly when `a ≥ b` (and never
    /// borrows from the next lane), which selects `b` or `a`; the eight minima are then
    /// summed in 16-bit lanes.
    @inline(__always)
    private static func common(_ lhs: UInt64, _ rhs: UInt64) -> Int {
        let high: UInt64 = 0x8080_8080_8080_8080
        let atLeast = (((lhs | high) &- rhs) & high) >> 7   // 1 in each lane where lhs ≥ rhs
        let select = atLeast &* 0xFF
        let minima = (rhs & select) | (lhs & ~select)
        let pairs = (minima & 0x00FF_00FF_00FF_00FF) &+ ((minima >> 8) & 0x00FF_00FF_00FF_00FF)
        return Int((pairs &* 0x0001_0001_0001_0001) >> 48)
    }
}

/// A list entry a record's name or identifier matched, with how and how well.
public struct NameMatch: Sendable {
    /// How a record matched a list entry, strongest first.
    public enum Kind: String, Sendable, Hashable {
        /// An identifier (IMO number, MMSI, call sign, passport) is the entry's.
        case identifier
        /// The normalised name is the entry's name.
        case exactName = "exact_name"
        /// The normalised name is one of the entry's aliases.
        case alias
        /// The normalised name is one of the entry's former names (vessels).
        case formerName = "former_name"
        /// The name is like one of the entry's names, at `score`.
        case fuzzy
    }

    /// The list entry matched.
    public let entry: NamedList.Entry
    /// How it matched: by identifier, exactly on a name, alias or former name, or fuzzily.
    public let kind: Kind
    /// The list's text that matched: the identifier, name, alias or former name as printed.
    public let matchedText: String
    /// 1.0 for an identifier or exact match; the Jaro-Winkler score for a fuzzy one.
    public let score: Double
    /// The record is dated before the entry's listing date: it cannot violate that listing.
    public let listedAfterDate: Bool

    /// `identifier` and exact matches are violations of the asset freeze; `fuzzy` ones are
    /// possible violations.
    public var isExact: Bool { kind != .fuzzy }
}
