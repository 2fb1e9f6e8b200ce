import Foundation
import Testing
@testable import SanctionsEngine

/// `docs/rule.schema.json`, the schema editors use for completion and inline errors, must
/// accept every rule file and agree with the loader key for key.
@Suite struct RuleSchemaTests {
    let schema: Value

    init() throws {
        schema = try JSONParser.parse(try String(contentsOfFile: Fixtures.path("docs/rule.schema.json"), encoding: .utf8))
    }

    func definition(_ name: String) -> Value? { schema["definitions"]?[name] }

    func keys(_ node: Value?) -> Set<String> {
        guard case .object(let members)? = node?["properties"] else { return [] }
        return Set(members.keys)
    }

    func ruleFiles(in directory: String) -> [String] {
        Rulebook.yamlFiles(in: Fixtures.path(directory))
            .filter { !Rulebook.isScopeFile($0) && !Rulebook.isListFile($0) }
            .map { Fixtures.path(directory + "/" + $0) }
    }

    func problems(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let node = try #require(try YAMLSyntax.documents(text, file: path).first)
        return SchemaValidator(root: schema).validate(node.value)
    }

    @Test func everyRuleFileIsValid() throws {
        let files = ruleFiles(in: "Rules")
        #expect(files.count > 40)
        for file in files {
            let found = try problems(file)
            #expect(found.isEmpty, "\(file): \(found.prefix(3))")
        }
    }

    @Test func aMistakeTheLoaderRejectsIsInvalid() throws {
        let found = try problems(Fixtures.path("Fixtures/lint/rules/operator.yaml"))
        #expect(found.contains { $0.contains("/citations/0") }, "\(found)")
        #expect(found.contains { $0.contains("/when") }, "\(found)")
    }

    @Test func theSchemaAndTheLoaderAcceptTheSameKeys() {
        #expect(keys(schema) == Set(RuleChecker.ruleKeys))
        #expect(keys(definition("citation")) == Set(RuleChecker.citationKeys))
        #expect(keys(definition("in_force")) == Set(RuleChecker.inForceKeys))
        #expect(keys(definition("wind_down")) == Set(RuleChecker.windDownKeys))
        #expect(keys(definition("exemption")) == Set(RuleChecker.exemptionKeys))
        #expect(keys(definition("examples")) == Set(RuleChecker.exampleKeys))
        #expect(keys(definition("screen")) == Set(RuleChecker.screenKeys))
        #expect(keys(definition("some")) == Set(RuleChecker.someKeys))
        #expect(keys(definition("field")) == Set(RuleChecker.fieldKeys))
        #expect(keys(definition("measure")?["anyOf"]?.arrayValue?.last) == Set(RuleChecker.measureKeys))
        #expect(keys(definition("cap")) == Set(RuleChecker.capKeys))
        #expect(keys(definition("cap")?["properties"]?["conversions"]?["items"]) == Set(RuleChecker.conversionKeys))
        #expect(keys(definition("cap")?["properties"]?["periods"]?["items"]) == Set(RuleChecker.periodKeys))
        for combinator in ["all", "any", "not"] { #expect(keys(definition(combinator)) == [combinator]) }
    }

    @Test func theSchemaAndTheLoaderAcceptTheSameValues() {
        #expect(schema["properties"]?["category"]?["enum"] == .array(RuleChecker.categories.map(Value.string)))
        #expect(schema["properties"]?["applies_to"]?["items"]?["enum"] == .array(RecordKind.allCases.map { .string($0.rawValue) }))
        let units = definition("measure")?["anyOf"]?.arrayValue?.last?["properties"]?["unit"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(Set(units ?? []) == Units.known)
        let operators = definition("field")?["oneOf"]?.arrayValue?.compactMap { $0["required"]?.arrayValue?.first?.stringValue }
        #expect(operators == RuleChecker.operators)
    }
}

/// The part of JSON Schema (draft 7) that `docs/rule.schema.json` uses: `$ref`, `type`,
/// `enum`, `const`, `pattern`, `properties`, `required`, `additionalProperties: false`,
/// `items`, `minItems`, `anyOf`, `oneOf`, bounds and `maxLength`.
struct SchemaValidator {
    let root: Value

    func validate(_ value: Value) -> [String] { validate(value, root, at: "") }

    func resolve(_ schema: Value) -> Value {
        guard let ref = schema["$ref"]?.stringValue, ref.hasPrefix("#/definitions/") else { return schema }
        return root["definitions"]?[String(ref.dropFirst("#/definitions/".count))] ?? schema
    }

    func typeMatches(_ value: Value, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null), ("number", .number): return true
        case ("integer", .number(let number)): return number == number.rounded()
        default: return false
        }
    }

    func validate(_ value: Value, _ raw: Value, at path: String) -> [String] {
        let schema = resolve(raw)
        var problems: [String] = []
        let place = path.isEmpty ? "/" : path
        if let type = schema["type"] {
            let types = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            if !types.contains(where: { typeMatches(value, $0) }) { return ["\(place): expected \(types.joined(separator: " or "))"] }
        }
        if let choices = schema["enum"]?.arrayValue, !choices.contains(value) { problems.append("\(place): not one of the allowed values") }
        if let constant = schema["const"], constant != value { problems.append("\(place): must be \(constant.displayText)") }
        if let pattern = schema["pattern"]?.stringValue, let text = value.stringValue,
           text.range(of: pattern, options: .regularExpression) == nil { problems.append("\(place): does not match \(pattern)") }
        if let maxLength = schema["maxLength"], case .number(let limit) = maxLength, let text = value.stringValue, Double(text.count) > limit {
            problems.append("\(place): longer than \(Int(limit))")
        }
        if case .number(let number) = value {
            if case .number(let bound)? = schema["minimum"], number < bound { problems.append("\(place): below \(bound)") }
            if case .number(let bound)? = schema["maximum"], number > bound { problems.append("\(place): above \(bound)") }
            if case .number(let bound)? = schema["exclusiveMinimum"], number <= bound { problems.append("\(place): not above \(bound)") }
            if case .number(let bound)? = schema["exclusiveMaximum"], number >= bound { problems.append("\(place): not below \(bound)") }
        }
        if case .object(let members) = value {
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
                problems.append("\(place): needs '\(key)'")
            }
            let properties: [String: Value]
            if case .object(let declared)? = schema["properties"] { properties = declared } else { properties = [:] }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] {
                    problems += validate(member, property, at: "\(path)/\(key)")
                } else if schema["additionalProperties"] == .bool(false) {
                    problems.append("\(place): unknown key '\(key)'")
                }
            }
        }
        if case .array(let elements) = value {
            if case .number(let minimum)? = schema["minItems"], Double(elements.count) < minimum { problems.append("\(place): too few items") }
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() { problems += validate(element, items, at: "\(path)/\(index)") }
            }
        }
        if let branches = schema["anyOf"]?.arrayValue, !branches.contains(where: { validate(value, $0, at: path).isEmpty }) {
            problems.append("\(place): matches none of the allowed forms")
        }
        if let branches = schema["oneOf"]?.arrayValue, branches.filter({ validate(value, $0, at: path).isEmpty }).count != 1 {
            problems.append("\(place): must match exactly one of the allowed forms")
        }
        return problems
    }
}
