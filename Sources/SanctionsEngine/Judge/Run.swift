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
        /// the rulebook has no caps or the run does not keep its state.
        public let state: CapState?
    }

    public let engine: Engine
    public let inputs: [Input]
    /// Cap entries of earlier runs or other shards.
    public let state: CapState
    /// Threads that parse and assess records (1: the caller's thread alone). The results
    /// and cap findings do not depend on it.
    public let threads: Int
    /// Whether ``Totals/state`` is wanted (every capped supply is then kept to the end of
    /// the run); without it a long run keeps less.
    public let keepsState: Bool
    /// Whether the cap totals keep their running points (``CapLedger/Total/Line/points``,
    /// one per capped supply, for charts). Without them, and without a state kept or carried
    /// in, the caps are judged in memory that does not grow with the input (``CapStream``).
    public let keepsCapPoints: Bool
    /// How much of each finding is built: ``Engine/Detail/verdicts`` leaves out the
    /// reasons (the outcomes, verdicts and cap findings are the same).
    public let detail: Engine.Detail
    /// Whether JSON lines are judged on their ``Document`` where they can be (false: every
    /// record from its value, as the library's `Engine.assess` does; for tests that compare).
    var judgesDocuments = true

    /// A run of `engine` over `inputs`, counting caps on top of `state` (default: none), on
    /// `threads` threads; `keepsState: false` when the state it leaves is not needed,
    /// `keepsCapPoints: false` when the cap totals' running points are not, `detail:
    /// .verdicts` when the findings' reasons are not.
    public init(engine: Engine, inputs: [Input], state: CapState? = nil, threads: Int = 1, keepsState: Bool = true,
                keepsCapPoints: Bool = true, detail: Engine.Detail = .reasons) {
        self.engine = engine
        self.inputs = inputs
        self.state = state ?? CapState(digest: engine.rulebook.digest)
        self.threads = max(1, threads)
        self.keepsState = keepsState
        self.keepsCapPoints = keepsCapPoints
        self.detail = detail
    }

    /// Whether the inputs are read twice (the rulebook has caps): standard input must then
    /// be kept in a file first.
    public var readsTwice: Bool { !CapLedger(rulebook: engine.rulebook).isEmpty }

    /// Records handed to a worker at once, and the bytes of input after which a batch is
    /// handed on even when shorter: what bounds memory, with at most 2 × threads + 1
    /// batches in flight.
    static let batchRecords = 512
    static let batchBytes = 4 << 20

    /// Reads and judges every input, calling `body` with each result in input order
    /// (`input` is the position in ``inputs``). Throws the reader's `InputError` for a
    /// file that cannot be read, or whatever `body` throws.
    public func perform(_ body: (_ input: Int, _ result: RecordResult) throws -> Void) throws -> Totals {
        try perform(render: { $0 }, body)
    }

    /// ``perform(render:_:)`` with each result encoded as JSON (`encode`, on the thread that
    /// assessed it), as `sanctions assess` writes it: the same run, compiled for this one
    /// type (a caller outside this module calls the generic one unspecialised, which handles
    /// each result through its type's metadata).
    public func perform(encoding encode: @escaping @Sendable (RecordResult) -> JSONBytes,
                        _ body: (_ input: Int, _ encoded: JSONBytes) throws -> Void) throws -> Totals {
        try perform(render: encode, body)
    }

    /// Reads and judges every input, rendering each result with `render` on the thread
    /// that assessed it (the output encoding runs in parallel too), and calling `body` with
    /// each rendered result in input order.
    public func perform<Rendered: Sendable>(render: @escaping @Sendable (RecordResult) -> Rendered,
                                            _ body: (_ input: Int, _ rendered: Rendered) throws -> Void) throws -> Totals {
        let rulebook = engine.rulebook
        var summary = RunSummary(rulebook: rulebook, inputs: inputs.map(\.name))
        var capState = state
        let judge = CapLedger(rulebook: rulebook)
        let hasCaps = !judge.isEmpty
        var capFindings = CapLedger.JudgedStore()
        var ranks: [Int] = []
        var stream: CapStream?
        if hasCaps {
            capState.forget(sources: inputs.map(\.name))
            ranks = inputs.map { capState.rank(of: $0.name) }
            // Streaming needs the inputs' ranks in input order (so that the second pass meets
            // a day's supplies in judging order) and nothing carried in or kept.
            let streams = !keepsState && !keepsCapPoints && capState.entries.isEmpty
                && zip(ranks, ranks.dropFirst()).allSatisfy { $0 < $1 }
            if streams {
                var counting = CapStream(ledger: judge)
                try countCaps(ranks: ranks, namingMissing: false) { entries in
                    for entry in entries { counting.count(entry) }
                }
                counting.close()
                stream = counting
            }
        }
        if hasCaps, stream == nil {
            var ownEntries: [CapLedger.Entry] = []
            var strings = CapLedger.Strings()
            try countCaps(ranks: ranks, namingMissing: true) { ownEntries += $0.map { strings.intern($0) } }
            // The ledger lives only as long as the judging: afterwards each capped record's
            // findings are all that is kept (and the state's entries, when it is wanted).
            var ledger = judge
            ledger.add(capState.entries)
            ledger.add(ownEntries)
            if keepsState { capState.add(ownEntries) }
            let judged = ledger.judgeCompactly()
            capFindings = judged.verdicts
            summary.capTotals = judged.totals
        }
        let engine = self.engine
        let cappedRules = judge.cappedRules
        let capParts = judge.findingParts
        let filter = judge.lineFilter
        let streaming = stream != nil
        let detail = self.detail
        let judgesDocuments = self.judgesDocuments
        let shared = threads > 1 ? SharedScreening() : nil
        let assessing = Pipeline<Batch, (input: Int, results: [Assessed<Rendered>]), Worker>(
            threads: threads, makeState: { Worker(cache: ScreeningCache(shared: shared)) }
        ) { [ranks, capFindings, judge] batch, worker in
            let chunk = batch.chunk
            var results: [Assessed<Rendered>] = []
            results.reserveCapacity(chunk.units.count)
            for (offset, unit) in chunk.units.enumerated() {
                // Most records are judged on their line's document, without building values;
                // the rest from their value: lines outside the document's plain subset and
                // invalid records. A record that may count toward a cap (streaming) has its
                // supplies worked out on its document, the facts an unknown condition lacks
                // included.
                let key = ranks.isEmpty ? nil : CapLedger.Key(source: ranks[batch.input], index: batch.firstIndex + offset)
                if judgesDocuments, case .jsonLine(let range, let line) = unit,
                   let (judged, supplies) = chunk.bytes.withUnsafeBufferPointer({ bytes in
                       worker.documents.read(UnsafeBufferPointer(rebasing: bytes[range])) { root -> (RecordResult, [CapLedger.Entry])? in
                           guard let record = DocumentRecord(root: root, line: line) else { return nil }
                           let result = engine.assess(record, cache: worker.cache, detail: detail, memo: worker.memo)
                           guard streaming, let key, filter.mayCount(record) else { return (result, []) }
                           return (result, CapLedger.entries(for: record, rules: cappedRules, key: key))
                       } ?? nil
                   }) {
                    var result = judged
                    if let key, !streaming { result = result.adding(capFindings[key].map { judge.finding($0, parts: capParts) }) }
                    results.append(supplies.isEmpty ? .rendered(result.outcome, render(result)) : .capped(result, supplies))
                    continue
                }
                let raw = chunk.record(unit)
                guard streaming else {
                    var result = engine.assess(raw, cache: worker.cache, detail: detail)
                    if let key { result = result.adding(capFindings[key].map { judge.finding($0, parts: capParts) }) }
                    results.append(.rendered(result.outcome, render(result)))
                    continue
                }
                // Streaming: a record that counts toward a cap is judged and rendered when
                // its turn comes, in input order (``deliver``); every other one here.
                guard case .success(let value) = raw.value, let record = try? Record(value: value, line: raw.line) else {
                    let result = engine.assess(raw, cache: worker.cache, detail: detail)
                    results.append(.rendered(result.outcome, render(result)))
                    continue
                }
                let result = engine.assess(record, cache: worker.cache, detail: detail)
                let entries = key.map { filter.mayCount(record) ? CapLedger.entries(for: record, rules: cappedRules, key: $0) : [] } ?? []
                results.append(entries.isEmpty ? .rendered(result.outcome, render(result)) : .capped(result, entries))
            }
            return (batch.input, results)
        }
        defer { assessing.close() }
        func deliver(_ output: (input: Int, results: [Assessed<Rendered>])) throws {
            for assessed in output.results {
                switch assessed {
                case .rendered(let outcome, let rendered):
                    summary.add(outcome, input: output.input)
                    try body(output.input, rendered)
                case .capped(let result, let entries):
                    let judged = stream?.judge(entries) ?? []
                    let full = result.adding(judged.map { judge.finding($0, parts: capParts) })
                    summary.add(full.outcome, input: output.input)
                    try body(output.input, render(full))
                }
            }
        }
        try batches { batch in try assessing.submit(batch, deliver: deliver) }
        try assessing.finish(deliver: deliver)
        if let stream { summary.capTotals = stream.totals() }
        return Totals(summary: summary, state: hasCaps && keepsState ? capState : nil)
    }

    /// The first pass: the capped supplies of every input, counted on the worker threads,
    /// handed to `keep` in input order; with what the caps' conditions lack named when
    /// `namingMissing` (the ledger's findings show it; a stream only counts).
    private func countCaps(ranks: [Int], namingMissing: Bool, keep: ([CapLedger.Entry]) -> Void) throws {
        let rulebook = engine.rulebook
        let filter = CapLedger(rulebook: rulebook).lineFilter
        let counting = Pipeline<Batch, [CapLedger.Entry], DocumentReader>(threads: threads, makeState: { DocumentReader() }) { batch, documents in
            var counting = CapLedger(rulebook: rulebook)
            let chunk = batch.chunk
            for (offset, unit) in chunk.units.enumerated() {
                let key = CapLedger.Key(source: ranks[batch.input], index: batch.firstIndex + offset)
                // Most lines cannot count toward a cap: they are not parsed here; most of the
                // rest are counted on their document.
                if case .jsonLine(let range, _) = unit {
                    let supplies = chunk.bytes.withUnsafeBufferPointer { bytes in
                        Run.supplies(UnsafeBufferPointer(rebasing: bytes[range]), documents: documents, filter: filter,
                                     rules: counting.cappedRules, key: key, namingMissing: namingMissing)
                    }
                    if let supplies {
                        counting.add(supplies)
                        continue
                    }
                }
                let raw = chunk.record(unit)
                if let value = try? raw.value.get(), let record = try? Record(value: value, line: raw.line) {
                    counting.add(record, key: key)
                }
            }
            return counting.entries
        }
        defer { counting.close() }
        try batches { batch in counting.submit(batch, deliver: keep) }
        counting.finish(deliver: keep)
    }

    /// What a JSON line's record supplies toward the caps, when known without its value
    /// (none when it cannot count); nil when its value is needed. The filter's scan of the
    /// top level rules most lines out by kind, date and direction; the rest are decided on
    /// their document (an invalid record counts for nothing; `LineFilter.mayCount` of its
    /// `DocumentRecord` weighs the caps' `counts` too), else (outside the document's subset)
    /// on their value. `namingMissing: false` leaves out what the caps' conditions lack
    /// (``CapLedger/entries(for:rules:key:namingMissing:)``).
    static func supplies(_ line: UnsafeBufferPointer<UInt8>, documents: DocumentReader, filter: CapLedger.LineFilter,
                         rules: [Rule], key: CapLedger.Key, namingMissing: Bool = true) -> [CapLedger.Entry]? {
        guard filter.mayCount(line) else { return [] }
        return documents.read(line) { root -> [CapLedger.Entry] in
            guard let record = DocumentRecord(root: root, line: 0), filter.mayCount(record) else { return [] }
            return CapLedger.entries(for: record, rules: rules, key: key, namingMissing: namingMissing)
        }
    }

    /// A record assessed on a worker: rendered, or (streaming caps) waiting for its cap
    /// verdicts, which are worked out in input order.
    enum Assessed<Rendered: Sendable>: Sendable {
        case rendered(Outcome, Rendered)
        case capped(RecordResult, [CapLedger.Entry])
    }

    /// Records of one input, numbered from `firstIndex` (their position in that input).
    struct Batch: Sendable {
        let input: Int
        let firstIndex: Int
        let chunk: RecordReader.Chunk
    }

    /// What a worker keeps from one batch to the next, on its own thread: the screening
    /// cache, the memory it reads documents in and the rules' recent conclusions.
    struct Worker {
        let cache: ScreeningCache
        let documents = DocumentReader()
        /// The rules' conclusions on recent records (full results as JSON).
        let memo = ConclusionMemo()
    }

    /// Reads every input into batches, in order.
    private func batches(_ body: (Batch) throws -> Void) throws {
        for (position, input) in inputs.enumerated() {
            var firstIndex = 0
            try RecordReader.readChunks(path: input.path, format: input.format, records: Run.batchRecords,
                                        bytes: Run.batchBytes) { chunk in
                try body(Batch(input: position, firstIndex: firstIndex, chunk: chunk))
                firstIndex += chunk.units.count
            }
        }
    }
}
