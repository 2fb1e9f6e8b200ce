import ArgumentParser
import Foundation
import SanctionsEngine

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check rule files and report every problem at once.",
        discussion: """
        Each problem is printed as 'file:line:column: error|warning: what is wrong' with a \
        hint below it: unknown keys, wrong types, malformed dates and HS codes, record fields \
        that do not exist, unknown operators, duplicate rule ids, citations without a \
        paragraph, in_force windows that end before they start, 'until' without \
        'superseded_by', exemptions that can never apply, rules that overlap without citing \
        each other, lists that do not resolve, and examples that fail.

        PATH is a rules directory (default: Rules/ in the current directory, else the bundled rulebook); several are linted as one \
        rule set. A rule file is linted with the rules directory it belongs to, and only its \
        own problems are shown.

        Exit status: 0 no errors (warnings allowed unless --strict); 1 errors (or warnings \
        with --strict); 2 cannot run.

        Examples:
          sanctions lint
          sanctions lint Rules/luxury/rugs-tapestries-2321.yaml
          sanctions lint --strict --format sarif Rules > lint.sarif
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @Argument(help: ArgumentHelp("Rules directories or rule files (default: Rules/ in the current directory, else the bundled rulebook).", valueName: "PATH"))
    var paths: [String] = []

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Option(help: "Output: text, json or sarif.")
    var format: Format = .text

    func run() throws {
        var directories: [String] = []
        var files: Set<String> = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                Output.error("\(path): no such file or directory")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            if isDirectory.boolValue {
                directories.append(path)
            } else {
                let root = Self.rulesRoot(of: path)
                if !directories.contains(root) { directories.append(root) }
                files.insert(Self.display(path))
            }
        }
        if paths.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "Rules", isDirectory: &isDirectory), isDirectory.boolValue {
                directories = ["Rules"]
            } else if let bundled = Rulebook.bundledDirectory() {
                directories = [bundled]
            } else {
                Output.error("no Rules/ here and the bundled rulebook was not found; pass a rules directory")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
        }
        var lint = Lint.run(directories: directories)
        // Only files named on their own: when a directory is also given, show everything.
        if !files.isEmpty && !paths.contains(where: { Self.isDirectory($0) }) {
            lint = lint.restricted(to: files)
        }
        var out = OutputBuffer()
        switch format {
        case .text: out.write(LintReport.text(lint))
        case .json: out.write(LintReport.json(lint))
        case .sarif: out.write(LintReport.sarif(lint))
        }
        out.flush()
        if lint.fails(strict: strict) { throw ExitCode(1) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The rules directory a rule file belongs to: the nearest ancestor holding
    /// `hs-scopes.yaml` or `lists/`, else the file's own directory.
    static func rulesRoot(of file: String) -> String {
        let manager = FileManager.default
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        let start = directory
        while directory.path != "/" {
            if manager.fileExists(atPath: directory.appendingPathComponent("hs-scopes.yaml").path)
                || manager.fileExists(atPath: directory.appendingPathComponent("lists").path) {
                return display(directory.path)
            }
            directory = directory.deletingLastPathComponent()
        }
        return display(start.path)
    }

    /// A path as diagnostics show it: relative to the current directory when inside it.
    static func display(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        if standard.hasPrefix(current + "/") { return String(standard.dropFirst(current.count + 1)) }
        return standard
    }
}
