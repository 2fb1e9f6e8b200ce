/// The record fields a rule may name, per record kind: the record contract
/// (`docs/records.md`) plus the fields the rulebook already relies on. `sanctions lint`
/// checks every `field:`, `some:`, `screen:` and message placeholder against it, so a typo
/// such as `goods.hsc` is caught. A field outside it is a warning, not an error: an officer
/// may use a new field before the contract names it, and should then add it here.
///
/// ```swift
/// RecordSchema.standard.knows("goods.hs", kinds: [.shipment])   // true
/// RecordSchema.standard.knows("goods.hsc", kinds: [.shipment])  // false
/// ```
public struct RecordSchema: Sendable {
    /// Every known dotted path, per kind (list elements are transparent: `goods.hs`).
    let paths: [RecordKind: Set<String>]

    /// Whether `path` (dotted, from the record's root) is a field, or leads to one, in
    /// any of `kinds`.
    public func knows(_ path: String, kinds: [RecordKind]) -> Bool {
        kinds.contains { paths[$0]?.contains(path) == true }
    }

    /// The known paths of `kinds`, sorted: the candidates for a "did you mean".
    public func candidates(kinds: [RecordKind]) -> [String] {
        Set(kinds.flatMap { paths[$0] ?? [] }).sorted()
    }

    /// The schema of the record contract.
    public static let standard: RecordSchema = {
        let party = ["role", "name", "country", "aliases", "identifiers", "identifiers.type", "identifiers.value",
                     "former_names"]
        let vessel = ["name", "imo", "mmsi", "flag", "former_names", "ais_off"]
        let goods = ["hs", "description", "quantity", "unit", "value", "currency", "control_list", "condition"]
        func under(_ prefix: String, _ members: [String]) -> [String] { [prefix] + members.map { "\(prefix).\($0)" } }

        // Fields every kind has; `flow` and `period_end` are derived by the engine.
        let common = ["id", "kind", "date", "date_to", "from", "to", "origin", "end_user", "via", "contract_date",
                      "notified", "purpose", "source", "flow", "period_end"]
            + under("exemption", ["basis", "reference"])
            + under("parties", party) + under("vessel", vessel)
        let shipment = under("goods", goods) + under("ports", ["loading", "discharge"])
            + ["mode", "military_end_use", "aircraft_model", "fuel_use"]
        var specific: [RecordKind: [String]] = [:]
        specific[.shipment] = shipment
        specific[.vesselEvent] = shipment + under("event", ["type", "location", "port"])
            + under("event.counterpart", vessel)
        specific[.employment] = under("worker", ["nationality", "count", "occupation", "sector", "host_state_national"])
            + under("employer", party) + under("authorization", ["granted", "type"]) + under("income", ["value", "currency"])
        specific[.financial] = under("amount", ["value", "currency"]) + under("originator", party)
            + under("beneficiary", party) + ["relationship", "transfer_mode", "programme_link"]
        specific[.service] = under("service", ["type", "description", "field", "discipline", "related_to"])
            + ["military_end_use"]
        specific[.registration] = ["registry", "action"]
        specific[.jointVenture] = under("venture", ["name", "sector", "established"]) + under("venture.partners", party)
        var paths: [RecordKind: Set<String>] = [:]
        for kind in RecordKind.allCases {
            var set = Set(common + (specific[kind] ?? []))
            // A path to an object is a field too (`event.counterpart`, `vessel`).
            for path in set {
                var components = path.split(separator: ".")
                while components.count > 1 {
                    components.removeLast()
                    set.insert(components.joined(separator: "."))
                }
            }
            paths[kind] = set
        }
        return RecordSchema(paths: paths)
    }()
}

/// Checks the record fields a rule's conditions and message name against the
/// ``RecordSchema``, on the syntax (so each warning points at the field as written).
struct FieldCheck {
    let reader: Reader
    let schema: RecordSchema
    let kinds: [RecordKind]

    /// Checks a condition whose paths start at `prefix` (`""` for the record root,
    /// `goods` inside `some: goods`).
    func condition(_ node: SyntaxNode, prefix: String = "") {
        switch node.content {
        case .sequence(let elements):
            for element in elements { condition(element, prefix: prefix) }
        case .mapping(let pairs):
            var inner = prefix
            for pair in pairs {
                switch pair.key.scalarText {
                case "field"?, "screen"?:
                    path(pair.value, prefix: prefix)
                case "some"?:
                    path(pair.value, prefix: prefix)
                    if let text = pair.value.scalarText { inner = join(prefix, text) }
                default: break
                }
            }
            for pair in pairs {
                switch pair.key.scalarText {
                case "all"?, "any"?, "not"?: condition(pair.value, prefix: prefix)
                case "where"?: condition(pair.value, prefix: inner)
                default: break
                }
            }
        case .scalar:
            break
        }
    }

    /// Checks one path as written, relative to `prefix`.
    func path(_ node: SyntaxNode, prefix: String) {
        guard let text = node.scalarText, !text.isEmpty else { return }
        let full = join(prefix, text)
        guard !schema.knows(full, kinds: kinds) else { return }
        let candidates = schema.candidates(kinds: kinds).compactMap { candidate -> String? in
            guard prefix.isEmpty else {
                return candidate.hasPrefix(prefix + ".") ? String(candidate.dropFirst(prefix.count + 1)) : nil
            }
            return candidate
        }
        let kindList = kinds.map(\.rawValue).joined(separator: ", ")
        let suggestion = suggestion(for: text, among: candidates)
        let place = prefix.isEmpty ? "" : " (inside '\(prefix)')"
        reader.warning(node, "'\(text)'\(place) is not a field of a \(kindList) record in the record contract"
                       + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                       hint: "check the spelling against docs/records.md; if the field is new, add it to the record contract and to RecordSchema (Sources/SanctionsEngine/Check/RecordSchema.swift)",
                       code: "unknown-field")
    }

    /// Checks the `{path}` placeholders of a message.
    func message(_ node: SyntaxNode) {
        guard let text = node.scalarText else { return }
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            if !name.isEmpty && !schema.knows(name, kinds: kinds) {
                let hint = suggestion(for: name, among: schema.candidates(kinds: kinds)).map { "; did you mean '{\($0)}'?" } ?? ""
                reader.warning(node, "the message placeholder {\(name)} is not a field of a \(kinds.map(\.rawValue).joined(separator: ", ")) record\(hint)",
                               hint: "a placeholder the record does not give prints '(not given)' in every finding",
                               code: "unknown-field")
            }
            rest = rest[rest.index(after: close)...]
        }
    }

    private func join(_ prefix: String, _ path: String) -> String { prefix.isEmpty ? path : "\(prefix).\(path)" }
}
