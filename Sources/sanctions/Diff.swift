import ArgumentParser
import Foundation
import SanctionsEngine

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show which verdicts a rule change moves.",
        discussion: """
        Runs both rule sets over the case library and the given records and lists every \
        record whose outcome or citations change, with its findings before and after. \
        RECORDS_OR_CASES are record files (.jsonl, .json, .yaml, .csv) and case files or \
        directories (a YAML file with 'expect:' is a case); without case paths the case \
        library Fixtures/cases is used when it is there.

        Exit status: 0 no documented case changes; 1 a documented case changes; 2 cannot run.

        Examples:
          sanctions diff Rules draft-rules
          sanctions diff Rules draft-rules Fixtures/records/sample.jsonl --format markdown
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown
    }

    @Argument(help: ArgumentHelp("The rules before the change.", valueName: "OLD_RULES"))
    var old: String

    @Argument(help: ArgumentHelp("The rules after the change.", valueName: "NEW_RULES"))
    var new: String

    @Argument(help: ArgumentHelp("Record files, case files or case directories.", valueName: "RECORDS_OR_CASES"))
    var inputs: [String] = []

    @Option(help: "Output: text or markdown.")
    var format: Format = .text

    func run() throws {
        let before = try RuleOptions.load(directories: [old])
        let after = try RuleOptions.load(directories: [new])
        var casePaths: [String] = []
        var recordFiles: [(name: String, records: [RawRecord])] = []
        for path in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                Output.error("\(path): no such file or directory")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            if isDirectory.boolValue || Self.isCaseFile(path) {
                casePaths.append(path)
                continue
            }
            guard let format = RecordFormat.detect(path: path) else {
                Output.error("\(path): cannot tell the format; use .jsonl, .json, .yaml or .csv")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            var records: [RawRecord] = []
            do {
                try RecordReader.read(path: path, format: format) { records.append($0) }
            } catch let error as InputError {
                Output.error(error.description)
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            recordFiles.append((path, records))
        }
        if casePaths.isEmpty && FileManager.default.fileExists(atPath: "Fixtures/cases") { casePaths = ["Fixtures/cases"] }
        let cases: [HistoricalCase]
        do {
            cases = casePaths.isEmpty ? [] : try CaseFile.load(paths: casePaths)
        } catch {
            Output.error("the cases cannot be loaded:\n\(error.description)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        let diff = RuleDiff.run(old: before, new: after, cases: cases, inputs: recordFiles)
        var out = OutputBuffer()
        out.write(format == .text ? DiffReport.text(diff) : DiffReport.markdown(diff))
        out.flush()
        if !diff.documentedChanges.isEmpty { throw ExitCode(1) }
    }

    /// A YAML file with a top-level `expect:` is a case file.
    static func isCaseFile(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml"),
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0.hasPrefix("expect:") }
    }
}
