/// A run over record files: every record judged by the per-record rules, and the capped
/// supplies judged across all the inputs (and the entries carried in a ``CapState``).
///
/// When the rulebook has caps the inputs are read twice: a first pass counts the capped
/// supplies (only those are kept), a second assesses each record and adds its cap
/// findings. Results come out in input order, one per record read, errors included.
///
/// ```swift
/// let run = Run(engine: Engine(rulebook: try Rulebook.bundled()),
///               inputs: [Run.Input(path: "Fixtures/records/sample.jsonl", format: .jsonl)])
/// let totals = try run.perform { input, result in print(result.id ?? "?", result.outcome) }
/// print(totals.summary.capTotals.count)
/// ```
public struct Run: Sendable {
    /// One input: the name it is known by (its path on the command line, which ranks it in
    /// a state file) and where to read it.
    public struct Input: Sendable {
        public let name: String
        public let path: String
        public let format: RecordFormat

        /// An input read from `path` (`-` for standard input), named `name` (default: the path).
        public init(name: String? = nil, path: String, format: RecordFormat) {
            self.name = name ?? path
            self.path = path
            self.format = format
        }
    }

    /// What a run leaves besides its results.
    public struct Totals: Sendable {
        /// Counts by outcome and input, and the cap totals of every period window.
        public let summary: RunSummary
        /// The state given, with this run's capped supplies in place of any earlier count
        /// of the same inputs (write it back to carry totals to the next run); `nil` when
        /// the rulebook has no caps.
        public let state: CapState?
    }

    public let engine: Engine
    public let inputs: [Input]
    /// Cap entries of earlier runs or other shards.
    public let state: CapState

    /// A run of `engine` over `inputs`, counting caps on top of `state` (default: none).
    public init(engine: Engine, inputs: [Input], state: CapState? = nil) {
        self.engine = engine
        self.inputs = inputs
        self.state = state ?? CapState(digest: engine.rulebook.digest)
    }

    /// Whether the inputs are read twice (the rulebook has caps): standard input must then
    /// be kept in a file first.
    public var readsTwice: Bool { !CapLedger(rulebook: engine.rulebook).isEmpty }

    /// Reads and judges every input, calling `body` with each result in input order
    /// (`input` is the position in ``inputs``). Throws the reader's `InputError` for a
    /// file that cannot be read, or whatever `body` throws.
    public func perform(_ body: (_ input: Int, _ result: RecordResult) throws -> Void) throws -> Totals {
        let rulebook = engine.rulebook
        var summary = RunSummary(rulebook: rulebook, inputs: inputs.map(\.name))
        var capState = state
        var ledger = CapLedger(rulebook: rulebook)
        var capFindings: [CapLedger.Key: [Finding]] = [:]
        var ranks: [Int] = []
        if !ledger.isEmpty {
            capState.forget(sources: inputs.map(\.name))
            ranks = inputs.map { capState.rank(of: $0.name) }
            ledger.add(capState.entries)
            var ownEntries: [CapLedger.Entry] = []
            for (position, input) in inputs.enumerated() {
                var counting = CapLedger(rulebook: rulebook)
                var index = 0
                try RecordReader.read(path: input.path, format: input.format) { raw in
                    if let value = try? raw.value.get(), let record = try? Record(value: value, line: raw.line) {
                        counting.add(record, key: CapLedger.Key(source: ranks[position], index: index))
                    }
                    index += 1
                }
                ownEntries += counting.entries
            }
            ledger.add(ownEntries)
            capState.add(ownEntries)
            let judged = ledger.judge()
            capFindings = judged.findings
            summary.capTotals = judged.totals
        }
        for (position, input) in inputs.enumerated() {
            var index = 0
            try RecordReader.read(path: input.path, format: input.format) { raw in
                var result = engine.assess(raw)
                if !ranks.isEmpty {
                    result = result.adding(capFindings[CapLedger.Key(source: ranks[position], index: index)] ?? [])
                }
                index += 1
                summary.add(result, input: position)
                try body(position, result)
            }
        }
        return Totals(summary: summary, state: ledger.isEmpty ? nil : capState)
    }
}
