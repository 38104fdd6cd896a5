import Foundation
import Testing
@testable import TerminalKit

/// The self-pipe that wakes the run loop when work finishes on another thread.
@Suite struct LoopWakeupTests {
    @Test func aSignalFromAnotherThreadWakesAWaitAtOnceAndIsDrained() throws {
        let wakeup = try #require(LoopWakeup())
        #expect(!wakeup.wait(milliseconds: 0), "nothing to say before a signal")
        Thread.detachNewThread { wakeup.signal() }
        #expect(wakeup.wait(milliseconds: 5_000), "the wait ends when the worker signals, not at its timeout")
        #expect(!wakeup.wait(milliseconds: 0), "a wake-up is taken once")
    }

    @Test func manySignalsBeforeTheLoopLooksAreOneWakeUpAndNeverBlockTheWorker() throws {
        let wakeup = try #require(LoopWakeup())
        // More than a pipe holds: the writes must not block (the pipe is non-blocking).
        for _ in 0..<100_000 { wakeup.signal() }
        #expect(wakeup.wait(milliseconds: 0))
        #expect(!wakeup.wait(milliseconds: 0))
    }
}
