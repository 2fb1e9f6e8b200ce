import Foundation
import Testing
@testable import SanctionsEngine

/// The pipeline under a ``Run``: outputs in the order batches were submitted, each once,
/// whatever the thread count; and an output's memory let go of on the worker that made it.
@Suite struct PipelineTests {
    /// Counts the outputs let go of on the thread that made them, and on another.
    final class Releases: @unchecked Sendable {
        // @unchecked: the counts are read and written only under `lock`.
        private let lock = NSLock()
        private var counts = (maker: 0, other: 0)

        func count(onMaker: Bool) {
            lock.lock()
            if onMaker { counts.maker += 1 } else { counts.other += 1 }
            lock.unlock()
        }

        var total: (maker: Int, other: Int) {
            lock.lock()
            defer { lock.unlock() }
            return counts
        }
    }

    /// An output that notes, when it goes, whether it goes on the thread that made it.
    final class Made: Sendable {
        let value: Int
        private let maker = pthread_self()
        private let releases: Releases

        init(_ value: Int, releases: Releases) {
            self.value = value
            self.releases = releases
        }

        deinit { releases.count(onMaker: pthread_equal(maker, pthread_self()) != 0) }
    }

    @Test(arguments: [1, 2, 3])
    func outputsComeInTheOrderSubmittedEachOnce(threads: Int) {
        let releases = Releases()
        var delivered: [Int] = []
        do {
            let pipeline = Pipeline<Int, Made, Int>(threads: threads, makeState: { 0 }) { batch, done in
                done += 1
                // Uneven work, so that later batches can finish first.
                var spin = 0
                for step in 0..<((batch % 7) * 2_000) { spin &+= step }
                return Made(batch + (spin & 0), releases: releases)
            }
            for batch in 0..<300 {
                pipeline.submit(batch) { delivered.append($0.value) }
            }
            pipeline.finish { delivered.append($0.value) }
            pipeline.close()
        }
        #expect(delivered == Array(0..<300))
        // Let go of by each worker as it takes its next batch, and as it stops (after
        // `close`, on its own thread, perhaps after this test has looked): never on another
        // thread. With one thread everything is the caller's, let go of as it is passed on.
        let total = releases.total
        #expect(total.other == 0, "\(total)")
        if threads == 1 { #expect(total.maker == 300) }
    }
}
