import Foundation
import Testing
@testable import SanctionsEngine

/// A run that keeps neither a state nor the running points judges the caps by days
/// (``CapStream``): it must give the bytes and totals of the ledger, which keeps every
/// capped supply.
@Suite struct CapStreamTests {
    static let rulebook: Rulebook? = try? Rulebook.bundled()

    struct Output: Equatable {
        let lines: String
        let summary: String
        let text: String
    }

    /// Runs the inputs and returns their output, and whether the totals had running points
    /// (which only the ledger keeps: it says which path ran).
    static func run(_ inputs: [Run.Input], threads: Int, streaming: Bool) throws -> (Output, hasPoints: Bool) {
        let engine = Engine(rulebook: try #require(rulebook))
        var lines = ""
        let totals = try Run(engine: engine, inputs: inputs, threads: threads, keepsState: !streaming,
                             keepsCapPoints: !streaming).perform(render: ResultJSON.encode) { _, line in
            lines += line + "\n"
        }
        let points = totals.summary.capTotals.contains { $0.lines.contains { !$0.points.isEmpty } }
        return (Output(lines: lines, summary: ResultJSON.encode(totals.summary), text: TextReport.render(totals.summary)), points)
    }

    @Test func theStreamGivesTheLedgersBytesOnTheWorkload() throws {
        let input = Run.Input(path: Fixtures.path("Fixtures/bench/workload-2k.jsonl"), format: .jsonl)
        let (ledger, ledgerPoints) = try CapStreamTests.run([input], threads: 1, streaming: false)
        #expect(ledgerPoints)
        #expect(ledger.summary.contains("\"unknown_records\":"), "the sample reaches the caps")
        #expect(ledger.lines.contains("\"cap\":{"), "and has cap findings")
        for threads in [1, 2, 3] {
            let (stream, streamPoints) = try CapStreamTests.run([input], threads: threads, streaming: true)
            #expect(!streamPoints, "the streaming path ran")
            #expect(stream == ledger, "\(threads) threads")
        }
    }

    /// Refined petroleum to the DPRK on three days, out of date order, in three inputs of
    /// more than one batch each (one a JSON array), some without a quantity: the 500,000-barrel cap of 2397
    /// para. 5 is crossed in the middle of a day, across batches and inputs.
    static func sameDayInputs() throws -> (inputs: [Run.Input], directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cap-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 2397)
        var inputs: [Run.Input] = []
        for file in 0..<3 {
            var lines: [String] = []
            for line in 0..<(Run.batchRecords + 300) {
                let date = ["2018-06-02", "2018-06-01", "2018-06-03"][Int.random(in: 0..<3, using: &generator)]
                let quantity = Int.random(in: 0..<10, using: &generator) == 0 ? "" : #","quantity":\#(Int.random(in: 1...1_000, using: &generator))"#
                lines.append(#"{"id":"f\#(file)-\#(line)","kind":"shipment","date":"\#(date)","from":"RU","to":"KP","goods":[{"hs":"271019"\#(quantity),"unit":"bbl"}]}"#)
            }
            // The middle input is a JSON array: records parsed by the reader, not JSON lines.
            let format: RecordFormat = file == 1 ? .json : .jsonl
            let text = format == .json ? "[\n" + lines.joined(separator: ",\n") + "\n]\n" : lines.joined(separator: "\n") + "\n"
            let path = directory.appendingPathComponent("input-\(file).\(format.rawValue)").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            inputs.append(Run.Input(path: path, format: format))
        }
        return (inputs, directory)
    }

    @Test func suppliesOfOneDayAcrossBatchesAndInputsAreJudgedInInputOrder() throws {
        let (inputs, directory) = try CapStreamTests.sameDayInputs()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (ledger, _) = try CapStreamTests.run(inputs, threads: 1, streaming: false)
        // The case is what it is meant to be: the cap is crossed, some supplies cannot be counted.
        #expect(ledger.lines.contains("\"verdict\":\"violation\""))
        #expect(ledger.lines.contains("\"verdict\":\"possible_violation\""))
        #expect(ledger.summary.contains("\"crossed_by\":\"f"))
        for threads in [1, 2, 3] {
            let (stream, streamPoints) = try CapStreamTests.run(inputs, threads: threads, streaming: true)
            #expect(!streamPoints)
            #expect(stream == ledger, "\(threads) threads")
        }
    }

    @Test func aStateOrRunningPointsKeepTheLedger() throws {
        let input = Run.Input(path: Fixtures.path("Fixtures/bench/workload-2k.jsonl"), format: .jsonl)
        let engine = Engine(rulebook: try #require(CapStreamTests.rulebook))
        let withPoints = try Run(engine: engine, inputs: [input], keepsState: false, keepsCapPoints: true).perform { _, _ in }
        #expect(withPoints.summary.capTotals.contains { $0.lines.contains { !$0.points.isEmpty } })
        #expect(withPoints.state == nil)
        let withState = try Run(engine: engine, inputs: [input], keepsState: true, keepsCapPoints: false).perform { _, _ in }
        #expect(withState.state?.entries.isEmpty == false)
    }
}
