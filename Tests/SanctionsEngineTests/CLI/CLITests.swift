import Foundation
import Testing
@testable import SanctionsEngine

/// Runs the built `sanctions` binary, as users do.
enum CLI {
    static var binary: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let candidates = [
            testBinary.appendingPathComponent("sanctions").path,
            Fixtures.path(".build/debug/sanctions"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }
}

@Suite(.serialized) struct CLITests {
    let engineRules = ["--rules", "Fixtures/engine/rules"]

    @Test func jsonlGivesOneResultPerRecordInInputOrder() throws {
        let run = try CLI.run(["assess", "--format", "jsonl"] + engineRules + ["Fixtures/records/formats/mixed.jsonl"])
        #expect(run.status == 3, "some records are malformed: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        let results = try lines.map { try JSONParser.parse(String($0)) }
        #expect(results.map { $0["line"] } == (1...7).map { .number(Double($0)) })
        #expect(results[0]["outcome"] == .string("violation"))
        #expect(results[1]["outcome"] == .string("error"))
        #expect(results[1]["id"] == .string("m-2"))
        #expect(results[1]["error"]?.stringValue?.contains("not valid JSON") == true)
        #expect(results[2]["outcome"] == .string("clear"))
        #expect(results[3]["error"]?.stringValue?.contains("unknown kind 'spaceship'") == true)
        #expect(results[4]["error"]?.stringValue?.contains("must be an object") == true)
        #expect(results[6]["outcome"] == .string("violation"))
        let finding = try #require(results[0]["findings"]?.arrayValue?.first)
        #expect(finding["rule"] == .string("TEST-COAL-2371"))
        #expect(finding["citations"]?.arrayValue?.first?["text"] == .string("UNSCR 2371 (2017), para. 8"))
        #expect(finding["citations"]?.arrayValue?.first?["paragraph"] == .string("8"))
        #expect(finding["because"]?.arrayValue?.isEmpty == false)
        #expect(finding["missing"] == .array([]))
        #expect(finding["exemption"] == nil)
    }

    @Test func jsonHasResultsAndASummaryForAudit() throws {
        let run = try CLI.run(["assess", "--format", "json"] + engineRules + ["Fixtures/records/formats/three.yaml"])
        #expect(run.status == 1)
        let document = try JSONParser.parse(run.stdout)
        #expect(document["results"]?.arrayValue?.count == 3)
        let summary = try #require(document["summary"])
        #expect(summary["records"] == .number(3))
        #expect(summary["engine"]?["version"] == .string(EngineInfo.version))
        #expect(summary["rules"]?["digest"] == .string(try Fixtures.engineRules().digest))
        #expect(summary["outcomes"]?["violation"] == .number(2))
        #expect(summary["outcomes"]?["possible_violation"] == .number(1))
        #expect(summary["outcomes"]?["clear"] == .number(0))
    }

    @Test func textIsReadable() throws {
        let run = try CLI.run(["assess", "--format", "text"] + engineRules + ["Fixtures/records/formats/three.csv"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("f-1 (line 2): VIOLATION"))
        #expect(run.stdout.contains("UNSCR 2371 (2017), para. 8"))
        #expect(run.stdout.contains("3 records: violation 2"))
    }

    @Test func briefWritesEachFindingsRuleVerdictAndParagraph() throws {
        let full = try CLI.run(["assess", "--format", "jsonl"] + engineRules + ["Fixtures/records/formats/mixed.jsonl"])
        let run = try CLI.run(["assess", "--format", "jsonl", "--brief"] + engineRules + ["Fixtures/records/formats/mixed.jsonl"])
        #expect(run.status == full.status)
        let lines = run.stdout.split(separator: "\n")
        let fullLines = full.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        for (line, fullLine) in zip(lines, fullLines) {
            let brief = try JSONParser.parse(String(line)), result = try JSONParser.parse(String(fullLine))
            #expect(brief["outcome"] == result["outcome"])
            #expect(brief["line"] == result["line"])
            // An error is written in full: it says what is wrong with the record.
            #expect(brief["error"] == result["error"])
            let findings = brief["findings"]?.arrayValue ?? [], fullFindings = result["findings"]?.arrayValue ?? []
            #expect(findings.map { $0["rule"] } == fullFindings.map { $0["rule"] })
            #expect(findings.map { $0["verdict"] } == fullFindings.map { $0["verdict"] })
            #expect(findings.map { $0["citation"] } == fullFindings.map { $0["citations"]?.arrayValue?.first?["text"] })
            #expect(findings.allSatisfy { $0["message"] == nil && $0["because"] == nil && $0["missing"] == nil })
        }
        let first = try JSONParser.parse(String(lines[0]))
        #expect(first["findings"]?.arrayValue?.first?["citation"] == .string("UNSCR 2371 (2017), para. 8"))
        let text = try CLI.run(["assess", "--format", "text", "--brief"] + engineRules + ["Fixtures/records/formats/three.csv"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("f-1 (line 2): VIOLATION\n  VIOLATION TEST-COAL-2371 — UNSCR 2371 (2017), para. 8\n"))
        #expect(!text.stdout.contains("because:"))
        #expect(text.stdout.contains("3 records: violation 2"))
        // A cap finding says which period and where its total stands, beside the rule's own finding.
        let capped = try CLI.run(["assess", "--format", "text", "--brief", "Fixtures/records/sample.jsonl"])
        #expect(capped.stdout.contains("""
              POSSIBLE VIOLATION DPRK-COAL-IRON-EXPORT-2321 — UNSCR 2321 (2016), para. 26 (rule unverified)
              POSSIBLE VIOLATION DPRK-COAL-IRON-EXPORT-2321 — UNSCR 2321 (2016), para. 26 (cap 2017-01-01 to 2017-08-04: 0 of 400,870,018 USD) (rule unverified)
            """), "\(capped.stdout)")
    }

    @Test func exitCodes() throws {
        let clean = try CLI.run(["assess", "--format", "jsonl"] + engineRules + ["-"],
                                stdin: record(#""from":"CN","to":"JP","goods":[{"hs":"9503"}]"#) + "\n")
        #expect(clean.status == 0)
        #expect(clean.stdout.contains(#""outcome":"clear""#))
        let found = try CLI.run(["assess", "--format", "jsonl"] + engineRules + ["-"],
                                stdin: record(#""from":"KP","to":"CN","goods":[{"hs":"2701"}]"#) + "\n")
        #expect(found.status == 1)
        let missingFile = try CLI.run(["assess"] + engineRules + ["Fixtures/records/nope.jsonl"])
        #expect(missingFile.status == 2)
        #expect(missingFile.stderr.contains("no such file"))
        let badRules = try CLI.run(["assess", "--rules", "Fixtures/engine/broken-rules", "Fixtures/records/formats/three.json"])
        #expect(badRules.status == 2)
        #expect(badRules.stderr.contains("broken.yaml:3:11: error:"))
        let badArgument = try CLI.run(["assess", "--format", "xml", "Fixtures/records/formats/three.json"])
        #expect(badArgument.status == 2)
        let unknownExtension = try CLI.run(["assess"] + engineRules + ["README.md"])
        #expect(unknownExtension.status == 2)
        #expect(unknownExtension.stderr.contains("--input-format"))
    }

    @Test func theBundledRulebookIsUsedWithoutRulesOption() throws {
        let run = try CLI.run(["assess", "--format", "jsonl", "Fixtures/records/sample.jsonl"])
        #expect(run.status == 1, "the sample holds violations")
        #expect(run.stdout.split(separator: "\n").count == 10)
        #expect(run.stdout.contains(#""rule":"DPRK-COAL-IRON-EXPORT-2371""#))
    }

    @Test func rulesListsCitationsInEveryFormat() throws {
        let text = try CLI.run(["rules"] + engineRules)
        #expect(text.status == 0)
        #expect(text.stdout.contains("TEST-COAL-2371"))
        #expect(text.stdout.contains("UNSCR 2371 (2017), para. 8"))
        let json = try JSONParser.parse(try CLI.run(["rules", "--format", "json"] + engineRules).stdout)
        #expect(json["rules"]?.arrayValue?.count == 5)
        let markdown = try CLI.run(["rules", "--format", "markdown"] + engineRules).stdout
        #expect(markdown.contains("| `TEST-RUGS-2321` | luxury-goods | UNSCR 2321 (2016), para. 4, Annex IV |"))
    }

    @Test func helpExplainsWithExamples() throws {
        let run = try CLI.run(["assess", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Exit status"))
        #expect(run.stdout.contains("sanctions assess Fixtures/records/sample.jsonl"))
    }
}

@Suite(.serialized) struct CLITestCommandTests {
    @Test func testCommandPrintsFailuresTablesAndTheClosingLine() throws {
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: junit) }
        let run = try CLI.run(["test", "--rules", "Fixtures/engine/rules", "--junit", junit, "Fixtures/engine/cases"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAIL fixture-wrong-expectation / rug"))
        #expect(run.stdout.contains("Cases by category"))
        #expect(run.stdout.contains("Rules no case exercises"))
        let last = run.stdout.split(separator: "\n").last.map(String.init)
        #expect(last == "12 passed, 1 failed")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"<testsuites tests="13" failures="1">"#))
    }

    @Test func testCommandPassesWhenEveryCaseHolds() throws {
        let run = try CLI.run(["test", "--rules", "Fixtures/engine/rules", "Fixtures/engine/cases/coal-after-ban.yaml"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.hasSuffix("12 passed, 0 failed\n"))
    }
}

@Suite(.serialized) struct CLICapTests {
    let rules = ["--rules", "Fixtures/engine/rules"]

    /// Writes lines of the petroleum fixture to a temporary file.
    func shard(_ name: String, ids: [String], in directory: URL) throws -> String {
        let lines = try String(contentsOfFile: Fixtures.path("Fixtures/engine/records/petroleum-2018.jsonl"), encoding: .utf8)
            .split(separator: "\n").filter { line in ids.contains { line.contains(#""id":"\#($0)""#) } }
        let path = directory.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func outcomes(_ stdout: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in stdout.split(separator: "\n") {
            let value = try JSONParser.parse(String(line))
            if let id = value["id"]?.stringValue {
                let findings = value["findings"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
                result[id] = (value["outcome"]?.stringValue ?? "") + " " + findings.joined(separator: " | ")
            }
        }
        return result
    }

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("caps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func capTotalsAppearInTheJSONSummary() throws {
        let run = try CLI.run(["assess", "--format", "json"] + rules + ["Fixtures/engine/records/petroleum-2018.jsonl"])
        let caps = try #require(try JSONParser.parse(run.stdout)["summary"]?["caps"]?.arrayValue)
        #expect(caps.count == 2)
        #expect(caps[0]["period"] == .string("2018"))
        #expect(caps[0]["limits"]?.arrayValue?.first?["total"] == .number(551_000))
        #expect(caps[0]["limits"]?.arrayValue?.first?["crossed_by"] == .string("p3"))
        #expect(caps[1]["limits"]?.arrayValue?.first?["unknown_records"] == .number(1))
    }

    @Test func aStateFileCarriesTotalsToTheNextBatch() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let january = try shard("jan.jsonl", ids: ["p1", "p2"], in: directory)
        let later = try shard("later.jsonl", ids: ["p3", "p4"], in: directory)
        let state = directory.appendingPathComponent("state.json").path
        _ = try CLI.run(["assess", "--format", "jsonl", "--state", state] + rules + [january])
        let second = try outcomes(try CLI.run(["assess", "--format", "jsonl", "--state", state] + rules + [later]).stdout)
        #expect(second["p3"]?.hasPrefix("violation 2018 total 550,000 bbl > 500,000") == true, "\(second)")
        // Re-running a batch replaces its entries instead of counting them twice.
        let again = try outcomes(try CLI.run(["assess", "--format", "jsonl", "--state", state] + rules + [later]).stdout)
        #expect(again == second)
    }

    @Test func shardedRunsGiveTheSameFindingsAsOneRun() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Shard b holds the earliest record, so neither shard alone sees the year in order.
        let a = try shard("a.jsonl", ids: ["p2", "p3", "p6"], in: directory)
        let b = try shard("b.jsonl", ids: ["p1", "p4", "p5", "p7"], in: directory)
        let whole = try outcomes(try CLI.run(["assess", "--format", "jsonl"] + rules + [a, b]).stdout)
        #expect(whole["p3"]?.hasPrefix("violation") == true)

        let stateA = directory.appendingPathComponent("a-state.json").path
        let stateB = directory.appendingPathComponent("b-state.json").path
        _ = try CLI.run(["assess", "--format", "jsonl", "--state", stateA] + rules + [a])
        _ = try CLI.run(["assess", "--format", "jsonl", "--state", stateB] + rules + [b])
        let merged = directory.appendingPathComponent("all.json").path
        let merge = try CLI.run(["merge", stateA, stateB, "-o", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        var sharded: [String: String] = [:]
        for input in [a, b] {
            let copy = directory.appendingPathComponent(UUID().uuidString + ".json").path
            try FileManager.default.copyItem(atPath: merged, toPath: copy)
            sharded.merge(try outcomes(try CLI.run(["assess", "--format", "jsonl", "--state", copy] + rules + [input]).stdout)) { first, _ in first }
        }
        #expect(sharded == whole)
    }

    @Test func capsWorkOnStandardInput() throws {
        let text = try String(contentsOfFile: Fixtures.path("Fixtures/engine/records/petroleum-2018.jsonl"), encoding: .utf8)
        let run = try CLI.run(["assess", "--format", "jsonl"] + rules + ["-"], stdin: text)
        let results = try outcomes(run.stdout)
        #expect(results.count == 7)
        #expect(results["p3"]?.hasPrefix("violation") == true)
    }
}

@Suite(.serialized) struct CLILintTests {
    @Test func lintPrintsEveryProblemAndFailsOnErrors() throws {
        let run = try CLI.run(["lint", "Fixtures/lint/rules"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("Fixtures/lint/rules/mistakes.yaml:14:15: warning: 'goods.hsc' is not a field"))
        #expect(run.stdout.contains("  hint: "))
        #expect(run.stdout.hasSuffix("7 errors, 4 warnings (3 rules, 6 examples checked)\n"))
    }

    @Test func aFileIsLintedWithItsRulesDirectoryAndWarningsFailOnlyWhenStrict() throws {
        let run = try CLI.run(["lint", "Fixtures/lint/rules/overlap.yaml"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains("overlap.yaml:2:1: warning: TEST-COAL-OVERLAP overlaps TEST-COAL-2371"))
        #expect(!run.stdout.contains("mistakes.yaml"))
        let strict = try CLI.run(["lint", "--strict", "Fixtures/lint/rules/overlap.yaml"])
        #expect(strict.status == 1)
        let clean = try CLI.run(["lint", "--strict", "Fixtures/lint/rules/coal.yaml"])
        #expect(clean.status == 0, "\(clean.stdout)")
    }

    @Test func lintSpeaksJSONAndSARIF() throws {
        let json = try JSONParser.parse(try CLI.run(["lint", "--format", "json", "Fixtures/lint/rules"]).stdout)
        #expect(json["errors"] == .number(7))
        let first = try #require(json["diagnostics"]?.arrayValue?.first)
        #expect(first["file"] == .string("Fixtures/lint/rules/duplicate.yaml"))
        #expect(first["line"] == .number(2))
        #expect(first["severity"] == .string("error"))
        let sarif = try JSONParser.parse(try CLI.run(["lint", "--format", "sarif", "Fixtures/lint/rules"]).stdout)
        #expect(sarif["version"] == .string("2.1.0"))
        let run = try #require(sarif["runs"]?.arrayValue?.first)
        #expect(run["tool"]?["driver"]?["name"] == .string("sanctions lint"))
        let results = try #require(run["results"]?.arrayValue)
        #expect(results.count == 11)
        let field = try #require(results.first { $0["ruleId"] == .string("unknown-field") })
        #expect(field["level"] == .string("warning"))
        let region = field["locations"]?.arrayValue?.first?["physicalLocation"]?["region"]
        #expect(region?["startLine"] == .number(14))
        #expect(region?["startColumn"] == .number(15))
    }
}

@Suite(.serialized) struct CLIExplainTests {
    let rules = ["--rules", "Fixtures/engine/rules"]

    @Test func explainShowsEveryRuleAndWhy() throws {
        let run = try CLI.run(["explain", "Fixtures/explain/coal.jsonl", "--record", "toys"] + rules)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Record toys (shipment, 2018-03-01, line 3): clear\n5 rules considered:"))
        #expect(run.stdout.contains("[no]  goods.hs in HS coal, iron-ore — record: goods[0].hs = 9503"))
        #expect(run.stdout.contains("Not for shipment records: TEST-WORKERS-2397, TEST-WORKERS-CONCERN-2321"))
    }

    @Test func explainOneRuleAsJSON() throws {
        let run = try CLI.run(["explain", "--format", "json", "Fixtures/explain/coal.jsonl", "--record", "wind-down", "--rule", "TEST-COAL-2371"] + rules)
        #expect(run.status == 0, "\(run.stderr)")
        let document = try JSONParser.parse(run.stdout)
        #expect(document["outcome"] == .string("possible_violation"))
        let rule = try #require(document["rules"]?.arrayValue?.first)
        #expect(document["rules"]?.arrayValue?.count == 1)
        #expect(rule["status"] == .string("applies"))
        #expect(rule["when"]?["truth"] == .string("yes"))
        #expect(rule["exemptions"]?.arrayValue?.first?["missing"]?.arrayValue?.first?["path"] == .string("contract_date"))
    }

    @Test func anUnknownRecordOrRuleCannotRun() throws {
        let record = try CLI.run(["explain", "Fixtures/explain/coal.jsonl", "--record", "nope"] + rules)
        #expect(record.status == 2)
        #expect(record.stderr.contains("no record 'nope'"))
        let rule = try CLI.run(["explain", "Fixtures/explain/coal.jsonl", "--rule", "NOPE"] + rules)
        #expect(rule.status == 2)
    }
}

@Suite(.serialized) struct CLIDiffTests {
    @Test func diffFailsWhenADocumentedCaseChanges() throws {
        let run = try CLI.run(["diff", "Fixtures/engine/rules", "Fixtures/diff/rules-after",
                               "Fixtures/engine/cases/coal-after-ban.yaml", "Fixtures/diff/records.jsonl"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("CASE fixture-coal-after-ban / in-wind-down (Fixtures/engine/cases/coal-after-ban.yaml:9:5): possible_violation → violation"))
        #expect(run.stdout.contains("Fixtures/diff/records.jsonl / d-1 (Fixtures/diff/records.jsonl:1:1): exempt → violation"))
        #expect(run.stdout.hasSuffix("2 of 4 records change; 1 in documented cases\n"))
    }

    @Test func diffPassesWhenOnlyRecordsChange() throws {
        let run = try CLI.run(["diff", "--format", "markdown", "Fixtures/engine/rules", "Fixtures/diff/rules-after",
                               "Fixtures/engine/cases/wrong-expectation.yaml", "Fixtures/diff/records.jsonl"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("### Rule change impact"))
    }

    @Test func theBundledRulesAgainstThemselvesChangeNoCase() throws {
        let run = try CLI.run(["diff", "Rules", "Rules"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("0 of "))
    }
}
