import ArgumentParser
import SanctionsEngine
#if canImport(Glibc)
import Glibc
#endif

/// The `sanctions` command: a thin shell over the SanctionsEngine library.
@main
struct Sanctions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanctions",
        abstract: "Assess reported transactions against the UN Security Council sanctions on the DPRK.",
        discussion: """
        Each record (a shipment, ship-to-ship transfer, worker, payment …) is judged by the rules \
        in force on its date. Every finding cites the resolution and paragraph, lists the facts \
        that triggered it and names the facts still missing.

        Examples:
          sanctions assess Fixtures/records/sample.jsonl
          sanctions assess --format json reports/2019.csv
          cat records.jsonl | sanctions assess --format jsonl
          sanctions rules --format markdown > docs/rulebook.md
          sanctions lint Rules
          sanctions explain Fixtures/records/sample.jsonl --record s-003
          sanctions diff Rules draft-rules

        Writing or changing rules: docs/authoring.md.
        """,
        subcommands: [Assess.self, Report.self, Rules.self, Test.self, LintCommand.self, Explain.self, Diff.self, Merge.self, Bench.self],
        defaultSubcommand: nil
    )

    /// Exit codes (documented in docs/cli.md).
    enum Exit {
        static let nothingFound: Int32 = 0
        static let found: Int32 = 1
        static let cannotRun: Int32 = 2
        static let malformedRecords: Int32 = 3
    }

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            if !message.isEmpty { Output.error(message) }
            Glibc.exit(Exit.cannotRun)
        }
    }
}

/// Options shared by the commands that load rules.
struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp(
        "A directory of rule files (repeatable). Default: the bundled rulebook.", valueName: "DIR"))
    var directories: [String] = []

    func load() throws -> Rulebook { try RuleOptions.load(directories: directories) }

    /// The rules in `directories` (the bundled rulebook when empty), or exit 2 with every problem.
    static func load(directories: [String]) throws -> Rulebook {
        do {
            return directories.isEmpty ? try Rulebook.bundled() : try Rulebook.load(directories: directories)
        } catch {
            Output.error("the rules cannot be loaded (\(error.diagnostics.count) problem\(error.diagnostics.count == 1 ? "" : "s")):\n\(error.description)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }
}

enum Output {
    static func error(_ message: String) {
        writeAll(Array(("sanctions: " + message + (message.hasSuffix("\n") ? "" : "\n")).utf8), to: 2)
    }

    static var isTerminal: Bool { isatty(1) == 1 }

    /// Writes every byte to a file descriptor (1 standard output, 2 standard error).
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// Buffers standard output and writes it in large blocks.
struct OutputBuffer {
    private var pending: [UInt8] = []

    mutating func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= 1 << 16 { flush() }
    }

    mutating func write(bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 16 { flush() }
    }

    /// Writes what `json` holds, from its own room.
    mutating func write(_ json: JSONBytes) {
        json.withBytes { pending.append(contentsOf: $0) }
        if pending.count >= 1 << 16 { flush() }
    }

    mutating func write(byte: UInt8) {
        pending.append(byte)
        if pending.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        Output.writeAll(pending, to: 1)
        pending.removeAll(keepingCapacity: true)
    }
}
