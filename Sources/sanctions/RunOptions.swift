import ArgumentParser
import Foundation
import SanctionsEngine

/// The inputs of a run, shared by `assess` and `report`: record files, their format and
/// the cap state carried between runs.
struct RunOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Record files; '-' for standard input.", valueName: "FILE"))
    var files: [String] = []

    @Option(help: ArgumentHelp("Force the input format instead of detecting it from the file extension.", valueName: "jsonl|json|yaml|csv"))
    var inputFormat: String?

    @Option(help: ArgumentHelp("Cap totals carried between runs: read before; assess writes them back (created when missing). See docs/caps.md.", valueName: "FILE"))
    var state: String?

    @Option(help: ArgumentHelp("Threads that parse and assess records (default: one per core). Results do not depend on it.", valueName: "N"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 256 {
            throw ValidationError("--threads must be between 1 and 256")
        }
    }

    /// The inputs, named as given (no file reads standard input).
    func inputs() throws -> [Run.Input] {
        var forced: RecordFormat?
        if let inputFormat {
            guard let parsed = RecordFormat(rawValue: inputFormat) else {
                Output.error("--input-format '\(inputFormat)' is not one of jsonl, json, yaml, csv")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            forced = parsed
        }
        return try (files.isEmpty ? ["-"] : files).map { path in
            guard let format = forced ?? (path == "-" ? .jsonl : RecordFormat.detect(path: path)) else {
                Output.error("\(path): cannot tell the format from the extension; use .jsonl, .json, .yaml, .csv or --input-format")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            return Run.Input(path: path, format: format)
        }
    }

    /// Runs the engine over the inputs, calling `body` with each result in input order.
    /// Standard input is kept in a temporary file when the run reads its inputs twice.
    /// `createState`: a missing state file starts empty (else it is an error).
    func perform(rulebook: Rulebook, createState: Bool,
                 _ body: (_ input: Int, _ result: RecordResult) throws -> Void) throws -> Run.Totals {
        try perform(rulebook: rulebook, createState: createState, render: { $0 }, body)
    }

    /// Runs the engine over the inputs, rendering each result with `render` on the worker
    /// threads and calling `body` with each rendered result in input order.
    /// `keepsCapPoints: false` when no chart needs the caps' running totals (the caps are
    /// then judged in memory that does not grow with the input); `detail: .verdicts` when
    /// the findings' reasons are not written.
    func perform<Rendered: Sendable>(rulebook: Rulebook, createState: Bool, keepsCapPoints: Bool = true,
                                     detail: Engine.Detail = .reasons,
                                     render: @escaping @Sendable (RecordResult) -> Rendered,
                                     _ body: (_ input: Int, _ rendered: Rendered) throws -> Void) throws -> Run.Totals {
        try perform(rulebook: rulebook, createState: createState, keepsCapPoints: keepsCapPoints, detail: detail) { run in
            try run.perform(render: render, body)
        }
    }

    /// Runs the engine over the inputs with `perform`, given the run (for a caller that
    /// picks which of its ways to call: `assess` encodes JSON with ``Run/perform(encoding:_:)``).
    func perform(rulebook: Rulebook, createState: Bool, keepsCapPoints: Bool, detail: Engine.Detail,
                 _ perform: (Run) throws -> Run.Totals) throws -> Run.Totals {
        var inputs = try inputs()
        let engine = Engine(rulebook: rulebook)
        var spool: Spool?
        defer { spool?.remove() }
        if Run(engine: engine, inputs: inputs).readsTwice, let index = inputs.firstIndex(where: { $0.path == "-" }) {
            let kept = try Spool.standardInput()
            spool = kept
            inputs[index] = Run.Input(name: "-", path: kept.path, format: inputs[index].format)
        }
        let run = Run(engine: engine, inputs: inputs, state: try loadState(digest: rulebook.digest, create: createState),
                      threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, keepsState: state != nil, keepsCapPoints: keepsCapPoints,
                      detail: detail)
        do {
            return try perform(run)
        } catch let error as InputError {
            Output.error(error.description)
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }

    /// Writes the state back (when `--state` was given).
    func save(_ capState: CapState?) throws {
        guard let state, let capState else { return }
        do {
            try capState.encoded().write(toFile: state, atomically: true, encoding: .utf8)
        } catch {
            Output.error("cannot write the state file \(state): \(error.localizedDescription)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }

    private func loadState(digest: String, create: Bool) throws -> CapState? {
        guard let state else { return nil }
        guard FileManager.default.fileExists(atPath: state) else {
            if create { return nil }
            Output.error("the state file \(state) does not exist")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        do {
            let loaded = try CapState.decode(try String(contentsOfFile: state, encoding: .utf8))
            guard loaded.digest == digest else {
                Output.error("\(state) was written with other rules (\(loaded.digest)); these are \(digest). Re-run the earlier batches with these rules, or start a new state file")
                throw ExitCode(Sanctions.Exit.cannotRun)
            }
            return loaded
        } catch let error as CapStateError {
            Output.error("\(state): \(error.message)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
    }
}

/// Standard input kept in a temporary file, so that it can be read twice.
struct Spool {
    let path: String

    static func standardInput() throws -> Spool {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sanctions-stdin-\(UUID().uuidString)").path
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            Output.error("cannot keep standard input in \(path)")
            throw ExitCode(Sanctions.Exit.cannotRun)
        }
        return Spool(path: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
