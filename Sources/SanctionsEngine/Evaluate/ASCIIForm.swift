extension NameMatcher {
    /// The form of a name whose bytes are all ASCII, read from its bytes: the same
    /// ``Form`` as ``Form/init(tokens:)`` of ``normalizedTokens(_:)`` (`NameMatcherTests`
    /// compares them on every name of the workload and the lists), without the strings,
    /// arrays and four hashed lookups a word those steps take. Nil when a byte is outside
    /// ASCII: that name goes the general way.
    ///
    /// A record names a party the engine has not screened yet in about one record in twenty
    /// of a long run, and the form was most of what that costs (30,000 instructions).
    static func asciiForm(_ name: UnsafeBufferPointer<UInt8>) -> Form? {
        // The words, as `asciiTokens` splits them: letters and digits upper-cased, each run of
        // letters or of digits a word, apostrophes dropped inside a word, `&` the word AND.
        var raw: [UInt8] = []
        raw.reserveCapacity(name.count + 8)
        var rawWords: [Range<Int>] = []
        rawWords.reserveCapacity(8)
        var start = 0
        var digits = false
        for byte in name {
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "`"):
                continue
            case UInt8(ascii: "&"):
                if raw.count > start { rawWords.append(start..<raw.count) }
                raw += [UInt8(ascii: "A"), UInt8(ascii: "N"), UInt8(ascii: "D")]
                rawWords.append(raw.count - 3..<raw.count)
                start = raw.count
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                let isDigit = byte <= UInt8(ascii: "9")
                if raw.count > start, isDigit != digits {
                    rawWords.append(start..<raw.count)
                    start = raw.count
                }
                raw.append(byte >= UInt8(ascii: "a") ? byte - 32 : byte)
                digits = isDigit
            default:
                guard byte < 0x80 else { return nil }
                if raw.count > start { rawWords.append(start..<raw.count) }
                start = raw.count
            }
        }
        if raw.count > start { rawWords.append(start..<raw.count) }

        // Each word in its unified spelling (``spelling(_:)``), with what the word lists say of it.
        var spelled: [UInt8] = []
        spelled.reserveCapacity(raw.count + 8)
        var words: [(range: Range<Int>, facts: WordFacts)] = []
        words.reserveCapacity(rawWords.count)
        raw.withUnsafeBufferPointer { raw in
            for range in rawWords {
                let word = UnsafeBufferPointer(rebasing: raw[range])
                let facts = WordFacts.of(word)
                let begin = spelled.count
                if let unified = facts?.spelling {
                    spelled += unified
                } else if word.count > 2, word[0] == UInt8(ascii: "L"), word[1] == UInt8(ascii: "Y") {
                    spelled += [UInt8(ascii: "R"), UInt8(ascii: "Y")]
                    spelled += word[2...]
                } else {
                    spelled += word
                    words.append((begin..<spelled.count, facts ?? .none))
                    continue
                }
                let unified = begin..<spelled.count
                words.append((unified, spelled.withUnsafeBufferPointer { WordFacts.of(UnsafeBufferPointer(rebasing: $0[unified])) } ?? .none))
            }
        }

        return spelled.withUnsafeBufferPointer { spelled in
            func isNumber(_ range: Range<Int>) -> Bool {
                !range.isEmpty && spelled[range].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            }
            func isNo(_ range: Range<Int>) -> Bool {
                range.count == 2 && spelled[range.lowerBound] == UInt8(ascii: "N") && spelled[range.lowerBound + 1] == UInt8(ascii: "O")
            }
            // NO before a number dropped; then company forms, unless nothing else is left.
            var kept: [Int] = []
            kept.reserveCapacity(words.count)
            var forms = 0
            for position in words.indices
            where !(isNo(words[position].range) && position + 1 < words.count && isNumber(words[position + 1].range)) {
                kept.append(position)
                if words[position].facts.companyForm { forms += 1 }
            }
            if forms > 0, forms < kept.count { kept.removeAll { words[$0].facts.companyForm } }

            // The form, as ``Form/init(tokens:)`` builds it from those words.
            var key: [UInt8] = [], surnamesFirst: [UInt32] = [], others: [UInt32] = []
            key.reserveCapacity(spelled.count)
            others.reserveCapacity(spelled.count)
            var coreTokens: [[UInt32]] = []
            coreTokens.reserveCapacity(kept.count)
            var surnames: Set<String> = [], numbers: [String] = []
            for position in kept {
                let (range, facts) = words[position]
                let word = UnsafeBufferPointer(rebasing: spelled[range])
                key.append(contentsOf: word)
                if let surname = facts.surname {
                    surnames.insert(surname)
                    for byte in word { surnamesFirst.append(UInt32(byte)) }
                    continue
                }
                for byte in word { others.append(UInt32(byte)) }
                if isNumber(range) {
                    numbers.append(String(decoding: word, as: UTF8.self))
                } else if !facts.generic {
                    coreTokens.append([UInt32](unsafeUninitializedCapacity: word.count) { buffer, count in
                        for (offset, byte) in word.enumerated() { buffer[offset] = UInt32(byte) }
                        count = word.count
                    })
                }
            }
            surnamesFirst.append(contentsOf: others)
            var core: [UInt32] = []
            core.reserveCapacity(others.count)
            for token in coreTokens { core.append(contentsOf: token) }
            let scalars = [UInt32](unsafeUninitializedCapacity: key.count) { buffer, count in
                for (offset, byte) in key.enumerated() { buffer[offset] = UInt32(byte) }
                count = key.count
            }
            let letters = key.count(where: { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") })
            return Form(key: String(decoding: key, as: UTF8.self), scalars: scalars, surnameFirst: surnamesFirst,
                        coreTokens: coreTokens, core: core, surnames: surnames, numbers: numbers, letters: letters)
        }
    }

    /// What the word lists say of one word: its unified spelling (``spellings``), whether it
    /// is a company form, the common surname it is, whether it is a generic word. Read by
    /// the word's bytes from a table built once from those lists.
    struct WordFacts: Sendable {
        var spelling: [UInt8]?
        var companyForm = false
        var surname: String?
        var generic = false

        static let none = WordFacts()

        /// 256 buckets by length and end bytes, each a few words at most.
        private static let table: [[(word: [UInt8], facts: WordFacts)]] = {
            var facts: [String: WordFacts] = [:]
            for (variant, unified) in NameMatcher.spellings { facts[variant, default: WordFacts()].spelling = Array(unified.utf8) }
            for form in NameMatcher.companyForms { facts[form, default: WordFacts()].companyForm = true }
            for (surname, canonical) in NameMatcher.commonSurnames { facts[surname, default: WordFacts()].surname = canonical }
            for word in NameMatcher.genericWords { facts[word, default: WordFacts()].generic = true }
            var table = [[(word: [UInt8], facts: WordFacts)]](repeating: [], count: 256)
            for (word, wordFacts) in facts.sorted(by: { $0.key < $1.key }) {
                let bytes = Array(word.utf8)
                bytes.withUnsafeBufferPointer { table[WordFacts.bucket($0)].append((bytes, wordFacts)) }
            }
            return table
        }()

        private static func bucket(_ word: UnsafeBufferPointer<UInt8>) -> Int {
            guard let first = word.first, let last = word.last else { return 0 }
            return (word.count &* 31 &+ Int(first) &* 7 &+ Int(last)) & 255
        }

        /// The facts of `word` (upper-case ASCII), nil when no list has it.
        static func of(_ word: UnsafeBufferPointer<UInt8>) -> WordFacts? {
            for entry in table[bucket(word)] where entry.word.elementsEqual(word) { return entry.facts }
            return nil
        }
    }
}
