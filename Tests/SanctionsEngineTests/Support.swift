import Foundation
@testable import SanctionsEngine

/// Paths to the project's fixture files, wherever the tests run from.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The JSON lines of a fixture file as a run reads them (blank lines left out), each with
    /// its line number.
    static func jsonLines(_ relative: String) throws -> [(bytes: [UInt8], line: Int)] {
        var lines: [(bytes: [UInt8], line: Int)] = []
        try RecordReader.readChunks(path: path(relative), format: .jsonl, records: 512, bytes: 1 << 20) { chunk in
            for case .jsonLine(let range, let line) in chunk.units { lines.append((Array(chunk.bytes[range]), line)) }
        }
        return lines
    }

    /// The engine-feature rules in Fixtures/engine/rules.
    static func engineRules() throws -> Rulebook {
        try Rulebook.load(directories: [path("Fixtures/engine/rules")])
    }
}

/// Compiles one condition written in the rule language, for operator tests.
func compileCondition(_ yaml: String, rulebook: Rulebook? = nil) throws -> Condition {
    let nodes = try YAMLSyntax.documents(yaml, file: "test.yaml")
    let reader = Reader()
    let checker = RuleChecker(reader: reader, scopes: rulebook?.scopes ?? [:], lists: rulebook?.lists ?? [:])
    guard let node = nodes.first, let condition = checker.condition(node) else {
        throw TestFailure(message: reader.diagnostics.map(\.description).joined(separator: "\n"))
    }
    return condition
}

/// Evaluates a condition against a record given as JSON.
func evaluate(_ condition: Condition, _ json: String) throws -> Evaluation {
    Evaluator(record: try Record(json: json)).evaluate(condition)
}

struct TestFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A record as JSON with the required fields filled in.
func record(_ members: String, kind: String = "shipment", date: String = "2018-03-01") -> String {
    #"{"id":"t1","kind":"\#(kind)","date":"\#(date)"\#(members.isEmpty ? "" : ",")\#(members)}"#
}
