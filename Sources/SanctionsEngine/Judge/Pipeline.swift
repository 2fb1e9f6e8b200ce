import Foundation

/// Runs batches of work on worker threads and hands the outputs back in the order the
/// batches were submitted: the parallel part of a ``Run``.
///
/// The caller submits batches and takes outputs; at most `limit` batches are in flight,
/// so memory stays bounded whatever the input's length. Each worker owns a `State` (its
/// ``ScreeningCache``), made on its own thread and never shared. With one thread the work
/// runs on the caller's thread, with no worker at all.
final class Pipeline<Input: Sendable, Output: Sendable, State>: @unchecked Sendable {
    // @unchecked: every mutable member below is read and written only under `condition`.
    private let condition = NSCondition()
    private var pending: [(sequence: Int, input: Input)] = []
    /// Outputs done, by sequence, with the worker that made them.
    private var finished: [Int: (output: Output, worker: Int)] = [:]
    /// Outputs passed on, by the worker that made them: each worker lets go of its own, on
    /// its own thread. An output's memory was allocated there; freed on the caller's thread
    /// it went back past the allocator's per-thread cache under the worker's arena lock,
    /// and the two threads waited on each other (a profile of context switches with full
    /// results found most of them there).
    private var spent: [[Output]] = []
    private var closed = false
    private var submitted = 0
    private var delivered = 0

    private let threads: Int
    private let limit: Int
    private let makeState: @Sendable () -> State
    private let work: @Sendable (Input, inout State) -> Output
    /// The caller's own state when there is no worker.
    private var inlineState: State?

    /// A pipeline of `threads` workers (1: none, the caller does the work), each with a
    /// state from `makeState`, doing `work` on each batch.
    init(threads: Int, makeState: @escaping @Sendable () -> State,
         work: @escaping @Sendable (Input, inout State) -> Output) {
        self.threads = max(1, threads)
        self.limit = 2 * max(1, threads) + 1
        self.makeState = makeState
        self.work = work
        if self.threads > 1 {
            spent = Array(repeating: [], count: self.threads)
            for worker in 0..<self.threads {
                let thread = Thread { [self] in self.workerLoop(worker) }
                thread.stackSize = 1 << 23
                thread.start()
            }
        }
    }

    /// Stops the workers once the batches submitted are done (call it however the run ends).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Submits a batch; the outputs ready in order meanwhile are passed to `deliver`. Blocks
    /// while too many batches are in flight.
    func submit(_ input: Input, deliver: (Output) throws -> Void) rethrows {
        if threads == 1 {
            var state = inlineState ?? makeState()
            let output = work(input, &state)
            inlineState = state
            try deliver(output)
            return
        }
        condition.lock()
        pending.append((submitted, input))
        submitted += 1
        condition.broadcast()
        condition.unlock()
        try drain(untilInFlightBelow: limit, deliver: deliver)
    }

    /// Waits for every batch submitted and passes the outputs on in order.
    func finish(deliver: (Output) throws -> Void) rethrows {
        guard threads > 1 else { return }
        try drain(untilInFlightBelow: 1, deliver: deliver)
    }

    private func drain(untilInFlightBelow bound: Int, deliver: (Output) throws -> Void) rethrows {
        while true {
            condition.lock()
            var done = finished.removeValue(forKey: delivered)
            while done == nil, submitted - delivered >= bound {
                condition.wait()
                done = finished.removeValue(forKey: delivered)
            }
            if done != nil { delivered += 1 }
            condition.unlock()
            guard let (output, worker) = done else { return }
            // Only `spent` holds it once passed on: the worker may let go of it at once.
            done = nil
            try deliver(output)
            condition.lock()
            spent[worker].append(consume output)
            condition.unlock()
        }
    }

    private func workerLoop(_ worker: Int) {
        var state = makeState()
        while true {
            condition.lock()
            while pending.isEmpty, !closed { condition.wait() }
            // Its outputs passed on since it last looked are let go of here, outside the lock.
            var released: [Output] = []
            swap(&released, &spent[worker])
            if pending.isEmpty {
                condition.unlock()
                return
            }
            let (sequence, input) = pending.removeFirst()
            condition.unlock()
            released.removeAll()
            let output = work(input, &state)
            condition.lock()
            finished[sequence] = (output, worker)
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// `map` over the available cores, results in input order: for independent work done once
/// (parsing and checking the rule files at start-up). Workers take the next element as they
/// finish one; `cost` (when given) orders the work, largest first, so that one big file
/// does not end up last on one core.
enum ParallelMap {
    static func map<Element: Sendable, Mapped: Sendable>(_ elements: [Element], cost: ((Element) -> Int)? = nil,
                                                         _ transform: @Sendable (Element) -> Mapped) -> [Mapped] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, elements.count)
        guard workers > 1 else { return elements.map(transform) }
        let order = cost.map { cost in elements.indices.sorted { cost(elements[$0]) > cost(elements[$1]) } } ?? Array(elements.indices)
        let results = Slots<Mapped>(count: elements.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let next = results.claim() {
                let index = order[next]
                results.store(transform(elements[index]), at: index)
            }
        }
        return results.values()
    }

    /// One slot per result, each written by one worker only, and the next element to take.
    private final class Slots<Value>: @unchecked Sendable {
        // @unchecked: `slots` and `next` are read and written only under `lock`.
        private var slots: [Value?]
        private var next = 0
        private let lock = NSLock()

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        /// The position (in the work order) of the next element to transform, if any is left.
        func claim() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }

        func store(_ value: Value, at index: Int) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }

        func values() -> [Value] { slots.compactMap { $0 } }
    }
}
